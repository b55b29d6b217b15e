package io.heartguard.tlsserver.starttls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * MySQL 5.5 as Debian wheezy shipped it with ssl-cert set: the server speaks first with Protocol::HandshakeV10
 * offering CLIENT_SSL; the client's Protocol::SSLRequest (a 32-byte HandshakeResponse41 cut before the user name,
 * with CLIENT_SSL) is the go-ahead, and TLS follows without a reply.
 */
enum MysqlServerDialog implements ServerDialog {
  INSTANCE;

  static final int CLIENT_SSL = 0x0800;
  /** CLIENT_LONG_PASSWORD, LONG_FLAG, CONNECT_WITH_DB, PROTOCOL_41, SSL, TRANSACTIONS, SECURE_CONNECTION, PLUGIN_AUTH. */
  static final int SERVER_CAPABILITIES = 0x0001 | 0x0004 | 0x0008 | 0x0200 | CLIENT_SSL | 0x2000 | 0x8000 | 0x00080000;
  static final String SERVER_VERSION = "5.5.35-0+wheezy1";
  /** The SSLRequest's payload: capability flags (4), max packet size (4), charset (1), 23 reserved bytes. */
  static final int SSL_REQUEST_LENGTH = 32;
  /** A HandshakeResponse41 with user, auth data and database stays far below this. */
  static final int MAX_CLIENT_PACKET = 16 * 1024;
  /** ER_ACCESS_DENIED_ERROR, SQLSTATE 28000. */
  static final int ACCESS_DENIED = 1045;

  @Override
  public void serve(Plaintext p) throws IOException, StartTlsDialogException {
    p.write(packet(0, handshakeV10()));
    byte[] header = p.readBytes(4, "the client's first packet header");
    int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
    if (length < 4 || length > MAX_CLIENT_PACKET) {
      throw new StartTlsDialogException("MySQL client packet of " + length + " bytes, expected a "
          + SSL_REQUEST_LENGTH + "-byte SSLRequest");
    }
    byte[] body = p.readBytes(length, "the client's first packet");
    int capabilities = (body[0] & 0xff) | (body[1] & 0xff) << 8 | (body[2] & 0xff) << 16 | (body[3] & 0xff) << 24;
    if ((capabilities & CLIENT_SSL) != 0 && length == SSL_REQUEST_LENGTH) {
      return;
    }
    // A full HandshakeResponse41 in plaintext: the account requires SSL, so the login fails.
    p.write(packet((header[3] & 0xff) + 1, errPacket(ACCESS_DENIED, "28000", "Access denied: this server requires SSL")));
    throw new StartTlsDialogException("MySQL client sent a " + length + "-byte packet"
        + ((capabilities & CLIENT_SSL) == 0 ? " without CLIENT_SSL" : "") + ", expected a " + SSL_REQUEST_LENGTH
        + "-byte SSLRequest");
  }

  /** Protocol::HandshakeV10. */
  static byte[] handshakeV10() {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(10); // protocol version
    p.writeBytes((SERVER_VERSION + "\0").getBytes(StandardCharsets.US_ASCII));
    p.writeBytes(new byte[] {1, 0, 0, 0}); // connection id
    p.writeBytes("R8/nPbh9".getBytes(StandardCharsets.US_ASCII)); // auth-plugin-data-part-1: no login happens here
    p.write(0); // filler
    p.write(SERVER_CAPABILITIES & 0xff);
    p.write((SERVER_CAPABILITIES >>> 8) & 0xff);
    p.write(0x08); // latin1_swedish_ci, MySQL 5.5's default
    p.writeBytes(new byte[] {2, 0}); // SERVER_STATUS_AUTOCOMMIT
    p.write((SERVER_CAPABILITIES >>> 16) & 0xff);
    p.write((SERVER_CAPABILITIES >>> 24) & 0xff);
    p.write(21); // auth-plugin-data length: 8 + 12 + the NUL
    p.writeBytes(new byte[10]); // reserved
    p.writeBytes("k>T5~Xq2;Yw@\0".getBytes(StandardCharsets.US_ASCII)); // auth-plugin-data-part-2
    p.writeBytes("mysql_native_password\0".getBytes(StandardCharsets.US_ASCII));
    return p.toByteArray();
  }

  /** ERR_Packet with CLIENT_PROTOCOL_41: 0xff, error code, '#', SQLSTATE, message. */
  static byte[] errPacket(int code, String sqlState, String message) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(0xff);
    p.write(code & 0xff);
    p.write(code >>> 8);
    p.writeBytes(("#" + sqlState + message).getBytes(StandardCharsets.UTF_8));
    return p.toByteArray();
  }

  /** A packet: 3-byte little-endian payload length, sequence id, payload. */
  static byte[] packet(int sequenceId, byte[] payload) {
    byte[] packet = new byte[4 + payload.length];
    packet[0] = (byte) payload.length;
    packet[1] = (byte) (payload.length >>> 8);
    packet[2] = (byte) (payload.length >>> 16);
    packet[3] = (byte) sequenceId;
    System.arraycopy(payload, 0, packet, 4, payload.length);
    return packet;
  }
}
