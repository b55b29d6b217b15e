package io.heartguard.scan.starttls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * PostgreSQL (protocol 3.0, "SSL Session Encryption"): an SSLRequest instead of a StartupMessage, answered by one
 * byte, 'S' to go ahead or 'N' for no; a server too old or too busy to understand sends an ErrorResponse instead.
 */
enum PostgresDialog implements Dialog {
  INSTANCE;

  /** The SSLRequest code: 1234 in the high 16 bits, 5679 in the low, a version no protocol will ever have. */
  static final int SSL_REQUEST_CODE = 1234 << 16 | 5679;
  /** Int32 length 8 (itself included), Int32 80877103. */
  static final byte[] SSL_REQUEST = ByteBuffer.allocate(8).putInt(8).putInt(SSL_REQUEST_CODE).array();
  /** An ErrorResponse is a few hundred bytes; anything far longer is not one. */
  static final int MAX_ERROR_BYTES = 8 * 1024;

  @Override
  public String run(Conversation conversation, String host) throws StartTlsException {
    conversation.send(SSL_REQUEST);
    byte answer = conversation.readBytes(1, "the answer to SSLRequest")[0];
    return switch (answer) {
      case 'S' -> "'S' to SSLRequest";
      case 'N' -> throw Dialog.refused("answered 'N' to SSLRequest (ssl is off)");
      case 'E' -> throw Dialog.refused("answered SSLRequest with an error: " + errorMessage(conversation));
      default -> throw Dialog.unexpected("'S', 'N' or 'E' to SSLRequest",
          String.format("byte 0x%02x", answer & 0xff));
    };
  }

  /** The 'M' (message) field of an ErrorResponse, whose type byte 'E' was already read. */
  private static String errorMessage(Conversation conversation) throws StartTlsException {
    int length = ByteBuffer.wrap(conversation.readBytes(4, "the ErrorResponse length")).getInt();
    if (length < 4 || length > MAX_ERROR_BYTES) {
      throw Dialog.unexpected("an ErrorResponse of 4.." + MAX_ERROR_BYTES + " bytes", "length " + length);
    }
    byte[] body = conversation.readBytes(length - 4, "the ErrorResponse");
    // Fields: a type byte, a NUL-terminated string; a NUL type byte ends the list.
    int i = 0;
    while (i < body.length && body[i] != 0) {
      byte type = body[i++];
      int stop = i;
      while (stop < body.length && body[stop] != 0) {
        stop++;
      }
      if (type == 'M') {
        return Conversation.quote(new String(body, i, stop - i, StandardCharsets.UTF_8));
      }
      i = stop + 1;
    }
    return "(no message)";
  }
}
