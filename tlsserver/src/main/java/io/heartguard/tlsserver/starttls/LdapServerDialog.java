package io.heartguard.tlsserver.starttls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * LDAP as OpenLDAP 2.4's slapd spoke it with "security tls=1" (RFC 4511 section 4.14): the client speaks first; an
 * ExtendedRequest naming the StartTLS OID is answered by an ExtendedResponse with resultCode success and the OID as
 * responseName, and TLS follows. A bind or search before it gets confidentialityRequired. BER by hand: only definite
 * lengths, each checked against the bytes present.
 */
enum LdapServerDialog implements ServerDialog {
  INSTANCE;

  static final String START_TLS_OID = "1.3.6.1.4.1.1466.20037";
  /** A StartTLS request is 31 bytes; a bind or search before it a few hundred. */
  static final int MAX_MESSAGE = 16 * 1024;
  static final int TAG_SEQUENCE = 0x30;
  static final int TAG_INTEGER = 0x02;
  static final int TAG_ENUMERATED = 0x0a;
  static final int TAG_OCTET_STRING = 0x04;
  /** [APPLICATION n] constructed (RFC 4511 section 4.2 ff.): 0x60 | n; UnbindRequest is primitive, 0x42. */
  static final int BIND_REQUEST = 0x60;
  static final int BIND_RESPONSE = 0x61;
  static final int UNBIND_REQUEST = 0x42;
  static final int SEARCH_REQUEST = 0x63;
  static final int SEARCH_RESULT_DONE = 0x65;
  static final int EXTENDED_REQUEST = 0x77;
  static final int EXTENDED_RESPONSE = 0x78;
  /** [0] primitive requestName; [10] primitive responseName (RFC 4511 section 4.12). */
  static final int REQUEST_NAME = 0x80;
  static final int RESPONSE_NAME = 0x8a;
  /** RFC 4511 appendix A: resultCode values. */
  static final int SUCCESS = 0;
  static final int PROTOCOL_ERROR = 2;
  static final int CONFIDENTIALITY_REQUIRED = 13;

  @Override
  public void serve(Plaintext p) throws IOException, StartTlsDialogException {
    for (int i = 0; i < Plaintext.MAX_COMMANDS; i++) {
      Ber message = new Ber(readMessage(p), 0);
      byte[] messageId = message.value(TAG_INTEGER, "messageID");
      if (messageId.length < 1 || messageId.length > 4) {
        throw new StartTlsDialogException("LDAP messageID of " + messageId.length + " bytes, expected 1..4");
      }
      int op = message.peekTag("protocolOp");
      Ber body = new Ber(message.value(op, "protocolOp"), 0);
      switch (op) {
        case EXTENDED_REQUEST -> {
          String oid = new String(body.value(REQUEST_NAME, "requestName"), StandardCharsets.US_ASCII);
          if (oid.equals(START_TLS_OID)) {
            // RFC 4511 section 4.14.2: success, with the StartTLS OID as responseName.
            p.write(response(messageId, EXTENDED_RESPONSE, SUCCESS, "",
                tlv(RESPONSE_NAME, START_TLS_OID.getBytes(StandardCharsets.US_ASCII))));
            return;
          }
          p.write(response(messageId, EXTENDED_RESPONSE, PROTOCOL_ERROR, "unsupported extended operation", new byte[0]));
        }
        case BIND_REQUEST -> p.write(response(messageId, BIND_RESPONSE, CONFIDENTIALITY_REQUIRED,
            "TLS confidentiality required", new byte[0]));
        case SEARCH_REQUEST -> p.write(response(messageId, SEARCH_RESULT_DONE, CONFIDENTIALITY_REQUIRED,
            "TLS confidentiality required", new byte[0]));
        case UNBIND_REQUEST -> throw new StartTlsDialogException("LDAP client unbound before StartTLS");
        default -> throw new StartTlsDialogException(String.format(
            "LDAP protocolOp tag 0x%02x before StartTLS, expected an ExtendedRequest (0x77)", op));
      }
    }
    throw new StartTlsDialogException("client sent " + Plaintext.MAX_COMMANDS + " commands without starting TLS");
  }

  /** One LDAPMessage's content (the SEQUENCE's value). */
  private static byte[] readMessage(Plaintext p) throws IOException, StartTlsDialogException {
    byte[] head = p.readBytes(2, "an LDAPMessage");
    if ((head[0] & 0xff) != TAG_SEQUENCE) {
      throw new StartTlsDialogException(String.format("LDAP message tag 0x%02x, expected a SEQUENCE (0x30)", head[0] & 0xff)
          + ((head[0] & 0xff) == 0x16 ? ": the client started TLS without StartTLS" : ""));
    }
    int first = head[1] & 0xff;
    int length;
    if (first < 0x80) {
      length = first;
    } else if (first >= 0x81 && first <= 0x84) {
      // X.690 section 8.1.3.5: long form, the low 7 bits count the length bytes.
      length = 0;
      for (byte b : p.readBytes(first - 0x80, "an LDAPMessage length")) {
        length = length << 8 | (b & 0xff);
      }
    } else {
      throw new StartTlsDialogException(String.format("LDAP length byte 0x%02x, expected a definite length", first));
    }
    if (length < 0 || length > MAX_MESSAGE) {
      throw new StartTlsDialogException("LDAP message of " + Integer.toUnsignedString(length) + " bytes, expected at most "
          + MAX_MESSAGE);
    }
    return p.readBytes(length, "an LDAPMessage");
  }

  /** LDAPMessage { messageID, op { resultCode, matchedDN "", diagnosticMessage, extra } }. */
  static byte[] response(byte[] messageId, int op, int resultCode, String diagnostic, byte[] extra) {
    ByteArrayOutputStream result = new ByteArrayOutputStream();
    result.writeBytes(tlv(TAG_ENUMERATED, new byte[] {(byte) resultCode}));
    result.writeBytes(tlv(TAG_OCTET_STRING, new byte[0]));
    result.writeBytes(tlv(TAG_OCTET_STRING, diagnostic.getBytes(StandardCharsets.UTF_8)));
    result.writeBytes(extra);
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    message.writeBytes(tlv(TAG_INTEGER, messageId));
    message.writeBytes(tlv(op, result.toByteArray()));
    return tlv(TAG_SEQUENCE, message.toByteArray());
  }

  /** Tag, definite length (short form under 128, else 0x81 or 0x82), value. */
  static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (value.length < 0x80) {
      out.write(value.length);
    } else if (value.length <= 0xff) {
      out.write(0x81);
      out.write(value.length);
    } else {
      out.write(0x82);
      out.write(value.length >>> 8);
      out.write(value.length & 0xff);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  /** A cursor over BER elements; every length is checked against the bytes left. */
  private static final class Ber {
    private final byte[] bytes;
    private int position;

    Ber(byte[] bytes, int position) {
      this.bytes = bytes;
      this.position = position;
    }

    int peekTag(String name) throws StartTlsDialogException {
      need(1, name);
      return bytes[position] & 0xff;
    }

    /** The value of the next element, which must carry {@code tag}. */
    byte[] value(int tag, String name) throws StartTlsDialogException {
      need(2, name);
      int seen = bytes[position] & 0xff;
      if (seen != tag) {
        throw new StartTlsDialogException(String.format("LDAP %s tag 0x%02x, expected 0x%02x", name, seen, tag));
      }
      int first = bytes[position + 1] & 0xff;
      position += 2;
      int length;
      if (first < 0x80) {
        length = first;
      } else if (first == 0x81 || first == 0x82) {
        need(first - 0x80, name);
        length = 0;
        for (int i = 0; i < first - 0x80; i++) {
          length = length << 8 | (bytes[position++] & 0xff);
        }
      } else {
        throw new StartTlsDialogException(String.format("LDAP %s length byte 0x%02x, expected a definite length", name, first));
      }
      need(length, name);
      byte[] value = Arrays.copyOfRange(bytes, position, position + length);
      position += length;
      return value;
    }

    private void need(int count, String name) throws StartTlsDialogException {
      if (bytes.length - position < count) {
        throw new StartTlsDialogException("LDAP " + name + " needs " + count + " bytes, the message has "
            + (bytes.length - position) + " left");
      }
    }
  }
}
