package io.heartguard.tlsserver.starttls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * PostgreSQL 9.3 with hostssl only (protocol 3.0, "SSL Session Encryption"): the client's SSLRequest is answered 'S'
 * and TLS follows at once; a GSSENCRequest is answered 'N'; a StartupMessage without TLS gets the FATAL error a
 * hostssl-only pg_hba.conf gives.
 */
enum PostgresServerDialog implements ServerDialog {
  INSTANCE;

  /** 1234 in the high 16 bits and 5679, 5680 or 5678 in the low: codes no protocol version will have. */
  static final int SSL_REQUEST = 80877103;
  static final int GSSENC_REQUEST = 80877104;
  static final int CANCEL_REQUEST = 80877102;
  /** Protocol 3.0 in a StartupMessage. */
  static final int PROTOCOL_3 = 3 << 16;
  /** postmaster.c's MAX_STARTUP_PACKET_LENGTH. */
  static final int MAX_STARTUP_PACKET = 10000;
  /** SSLRequest, then perhaps GSSENCRequest and SSLRequest again: more packets than that is not a TLS client. */
  private static final int MAX_PACKETS = 3;

  @Override
  public void serve(Plaintext p) throws IOException, StartTlsDialogException {
    for (int i = 0; i < MAX_PACKETS; i++) {
      byte[] packet = p.readBytes(8, "a startup packet");
      if (packet[0] == 0x16) {
        // A length of 0x16...... is hundreds of MB; it is a TLS handshake record (RFC 5246 section 6.2.1).
        throw new StartTlsDialogException("client started TLS (a handshake record) without the SSLRequest");
      }
      ByteBuffer head = ByteBuffer.wrap(packet);
      int length = head.getInt();
      int code = head.getInt();
      if (length < 8 || length > MAX_STARTUP_PACKET) {
        throw new StartTlsDialogException("PostgreSQL startup packet of length " + length + ", expected 8.."
            + MAX_STARTUP_PACKET);
      }
      if (length == 8 && code == SSL_REQUEST) {
        p.write(new byte[] {'S'});
        return;
      }
      if (length == 8 && code == GSSENC_REQUEST) {
        p.write(new byte[] {'N'}); // no GSSAPI encryption: a client may ask for TLS next
        continue;
      }
      if (code == PROTOCOL_3) {
        p.readBytes(length - 8, "the StartupMessage");
        p.write(errorResponse("no pg_hba.conf entry for host, SSL off"));
        throw new StartTlsDialogException("PostgreSQL client sent a StartupMessage without SSLRequest");
      }
      throw new StartTlsDialogException("PostgreSQL client sent length " + length + ", code " + code
          + "; expected an SSLRequest (8, " + SSL_REQUEST + ")");
    }
    throw new StartTlsDialogException("PostgreSQL client sent " + MAX_PACKETS + " startup packets without an SSLRequest");
  }

  /** ErrorResponse: 'E', Int32 length, then fields (type byte, NUL-terminated string) and a final NUL. */
  static byte[] errorResponse(String message) {
    ByteArrayOutputStream fields = new ByteArrayOutputStream();
    for (String field : new String[] {"SFATAL", "C28000", "M" + message}) {
      fields.writeBytes(field.getBytes(StandardCharsets.UTF_8));
      fields.write(0);
    }
    fields.write(0);
    return ByteBuffer.allocate(1 + 4 + fields.size()).put((byte) 'E').putInt(4 + fields.size())
        .put(fields.toByteArray()).array();
  }
}
