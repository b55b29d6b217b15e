package io.heartguard.scan.starttls;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * LDAP (RFC 4511 section 4.14): an ExtendedRequest naming the StartTLS OID, answered by an ExtendedResponse whose
 * resultCode is success (0). Both are BER, encoded and decoded here by hand: the request is 31 fixed bytes and the
 * response needs only its first three fields.
 */
enum LdapDialog implements Dialog {
  INSTANCE;

  static final String START_TLS_OID = "1.3.6.1.4.1.1466.20037";
  static final int MESSAGE_ID = 1;
  /** A StartTLS response is a few dozen bytes plus the server's diagnostic text. */
  static final int MAX_RESPONSE_BYTES = 16 * 1024;

  /**
   * LDAPMessage ::= SEQUENCE { messageID 1, ExtendedRequest ::= [APPLICATION 23] { requestName [0] OID } }:
   * <pre>
   * 30 1d                    SEQUENCE, 29 bytes
   *    02 01 01              INTEGER messageID 1
   *    77 18                 [APPLICATION 23] constructed, 24 bytes
   *       80 16 "1.3.6..."   [0] primitive, the 22 ASCII bytes of the OID
   * </pre>
   */
  static final byte[] START_TLS_REQUEST = request();

  private static final int TAG_SEQUENCE = 0x30;
  private static final int TAG_INTEGER = 0x02;
  private static final int TAG_ENUMERATED = 0x0a;
  private static final int TAG_OCTET_STRING = 0x04;
  /** [APPLICATION 24] constructed: ExtendedResponse. */
  private static final int TAG_EXTENDED_RESPONSE = 0x78;

  @Override
  public String run(Conversation conversation, String host) throws StartTlsException {
    conversation.send(START_TLS_REQUEST);
    byte[] head = conversation.readBytes(2, "the StartTLS response");
    if ((head[0] & 0xff) != TAG_SEQUENCE) {
      throw Dialog.unexpected("an LDAPMessage (BER SEQUENCE, tag 0x30)",
          String.format("tag 0x%02x (%s)", head[0] & 0xff, HexFormat.of().formatHex(head)));
    }
    int length = readLength(conversation, head[1] & 0xff);
    Ber body = new Ber(conversation.readBytes(length, "the StartTLS response"));
    long messageId = body.integer(TAG_INTEGER, "messageID");
    // RFC 4511 section 4.4: messageID 0 is an unsolicited notification, e.g. a notice of disconnection.
    int op = body.expectConstructed();
    if (op != TAG_EXTENDED_RESPONSE) {
      throw Dialog.unexpected("an ExtendedResponse (tag 0x78)", String.format("protocolOp tag 0x%02x", op));
    }
    long resultCode = body.integer(TAG_ENUMERATED, "resultCode");
    body.octetString("matchedDN");
    String diagnostic = body.octetString("diagnosticMessage");
    if (messageId != MESSAGE_ID && messageId != 0) {
      throw Dialog.unexpected("messageID " + MESSAGE_ID, "messageID " + messageId);
    }
    String said = "resultCode " + resultCode + (diagnostic.isEmpty() ? "" : " " + Conversation.quote(diagnostic));
    if (messageId == 0 || resultCode != 0) {
      // protocolError(2) from servers without StartTLS, unavailable(52) without a certificate, ...
      throw Dialog.refused((messageId == 0 ? "notice of disconnection: " : "") + said);
    }
    return "ExtendedResponse " + said;
  }

  /** BER definite length: one byte under 128, or 0x81..0x84 and that many bytes (X.690 section 8.1.3). */
  private static int readLength(Conversation conversation, int first) throws StartTlsException {
    int length;
    if (first < 0x80) {
      length = first;
    } else if (first >= 0x81 && first <= 0x84) {
      length = 0;
      for (byte b : conversation.readBytes(first - 0x80, "the StartTLS response length")) {
        length = length << 8 | (b & 0xff);
      }
    } else {
      throw Dialog.unexpected("a BER definite length", String.format("length byte 0x%02x", first));
    }
    if (length < 0 || length > MAX_RESPONSE_BYTES) {
      throw Dialog.unexpected("an LDAP response of at most " + MAX_RESPONSE_BYTES + " bytes", "length " + length);
    }
    return length;
  }

  private static byte[] request() {
    byte[] oid = START_TLS_OID.getBytes(StandardCharsets.US_ASCII);
    byte[] message = new byte[2 + 3 + 2 + 2 + oid.length];
    int i = 0;
    message[i++] = TAG_SEQUENCE;
    message[i++] = (byte) (3 + 2 + 2 + oid.length);
    message[i++] = TAG_INTEGER;
    message[i++] = 1;
    message[i++] = MESSAGE_ID;
    message[i++] = 0x77; // [APPLICATION 23] constructed: ExtendedRequest
    message[i++] = (byte) (2 + oid.length);
    message[i++] = (byte) 0x80; // [0] primitive: requestName
    message[i++] = (byte) oid.length;
    System.arraycopy(oid, 0, message, i, oid.length);
    return message;
  }

  /** A cursor over the body of the LDAPMessage; every length is checked against the bytes left. */
  private static final class Ber {
    private final byte[] bytes;
    private int position;

    Ber(byte[] bytes) {
      this.bytes = bytes;
    }

    long integer(int tag, String name) throws StartTlsException {
      int length = header(tag, name);
      if (length < 1 || length > 4) {
        throw Dialog.unexpected(name + " of 1..4 bytes", length + " bytes");
      }
      long value = bytes[position]; // two's complement: the sign comes from the first byte
      for (int i = 1; i < length; i++) {
        value = value << 8 | (bytes[position + i] & 0xff);
      }
      position += length;
      return value;
    }

    String octetString(String name) throws StartTlsException {
      int length = header(TAG_OCTET_STRING, name);
      String s = new String(bytes, position, length, StandardCharsets.UTF_8);
      position += length;
      return s;
    }

    /** Reads a constructed element's tag and length and steps inside it; returns the tag. */
    int expectConstructed() throws StartTlsException {
      need(2, "protocolOp");
      int tag = bytes[position] & 0xff;
      header(tag, "protocolOp");
      return tag;
    }

    private int header(int tag, String name) throws StartTlsException {
      need(2, name);
      if ((bytes[position] & 0xff) != tag) {
        throw Dialog.unexpected(String.format("%s (tag 0x%02x)", name, tag), String.format("tag 0x%02x", bytes[position] & 0xff));
      }
      int first = bytes[position + 1] & 0xff;
      position += 2;
      int length;
      if (first < 0x80) {
        length = first;
      } else if (first >= 0x81 && first <= 0x82) {
        need(first - 0x80, name);
        length = 0;
        for (int i = 0; i < first - 0x80; i++) {
          length = length << 8 | (bytes[position++] & 0xff);
        }
      } else {
        throw Dialog.unexpected("a BER definite length for " + name, String.format("length byte 0x%02x", first));
      }
      need(length, name);
      return length;
    }

    private void need(int count, String name) throws StartTlsException {
      if (bytes.length - position < count) {
        throw Dialog.unexpected(name + " within the response", "the response ends " + (bytes.length - position)
            + " bytes in, " + count + " needed");
      }
    }
  }
}
