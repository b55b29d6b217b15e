package io.heartguard.scan.starttls;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * MySQL and MariaDB: the server speaks first with its Initial Handshake (protocol 10), whose capability flags say
 * whether it offers TLS (CLIENT_SSL); the client answers with an SSLRequest, a shortened HandshakeResponse41 that
 * stops before the user name, and starts TLS without waiting for a reply.
 */
enum MysqlDialog implements Dialog {
  INSTANCE;

  static final int PROTOCOL_10 = 10;
  /** An ERR_Packet's header byte: the server refuses us before any handshake (too many connections, host blocked). */
  static final int ERR_PACKET = 0xff;
  static final int CLIENT_LONG_PASSWORD = 0x1;
  static final int CLIENT_LONG_FLAG = 0x4;
  static final int CLIENT_PROTOCOL_41 = 0x200;
  static final int CLIENT_SSL = 0x800;
  static final int CLIENT_TRANSACTIONS = 0x2000;
  static final int CLIENT_SECURE_CONNECTION = 0x8000;
  static final int CLIENT_PLUGIN_AUTH = 0x80000;
  /** What a 2014 client (libmysqlclient 5.5) asked for, with CLIENT_SSL. */
  static final int CLIENT_FLAGS = CLIENT_LONG_PASSWORD | CLIENT_LONG_FLAG | CLIENT_PROTOCOL_41 | CLIENT_SSL
      | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
  /** 16 MiB, as the mysql client says. */
  static final int MAX_PACKET_SIZE = 1 << 24;
  /** utf8_general_ci. */
  static final int CHARSET_UTF8 = 33;
  /** The Initial Handshake is under 100 bytes; far longer is not one. */
  static final int MAX_HANDSHAKE_BYTES = 8 * 1024;

  /**
   * The SSLRequest: a packet header (3-byte little-endian length 32, sequence id 1), then capability flags, max packet
   * size, charset, and 23 reserved zero bytes.
   */
  static final byte[] SSL_REQUEST = ByteBuffer.allocate(4 + 32).order(ByteOrder.LITTLE_ENDIAN)
      .put((byte) 32).put((byte) 0).put((byte) 0).put((byte) 1)
      .putInt(CLIENT_FLAGS).putInt(MAX_PACKET_SIZE).put((byte) CHARSET_UTF8).put(new byte[23]).array();

  @Override
  public String run(Conversation conversation, String host) throws StartTlsException {
    byte[] header = conversation.readBytes(4, "the server's Initial Handshake");
    int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
    if (length < 1 || length > MAX_HANDSHAKE_BYTES) {
      throw Dialog.unexpected("a MySQL Initial Handshake packet of 1.." + MAX_HANDSHAKE_BYTES + " bytes",
          "a packet header announcing " + length + " bytes");
    }
    ByteBuffer packet = ByteBuffer.wrap(conversation.readBytes(length, "the server's Initial Handshake"))
        .order(ByteOrder.LITTLE_ENDIAN);
    int protocol = packet.get() & 0xff;
    if (protocol == ERR_PACKET && packet.remaining() >= 2) {
      int code = packet.getShort() & 0xffff;
      throw Dialog.refused("error " + code + " before the handshake: "
          + Conversation.quote(new String(packet.array(), 3, length - 3, StandardCharsets.UTF_8)));
    }
    if (protocol != PROTOCOL_10) {
      throw Dialog.unexpected("a MySQL Initial Handshake of protocol 10", "protocol " + protocol);
    }
    String version = nulTerminated(packet);
    // connection id (4), auth-plugin-data part 1 (8), filler (1), then the lower 16 capability bits.
    if (packet.remaining() < 4 + 8 + 1 + 2) {
      throw Dialog.unexpected("capability flags in the Initial Handshake", "a handshake cut short after the version");
    }
    packet.position(packet.position() + 4 + 8 + 1);
    int capabilities = packet.getShort() & 0xffff;
    if ((capabilities & CLIENT_SSL) == 0) {
      throw Dialog.refused("server " + Conversation.quote(version) + " does not set CLIENT_SSL in its capabilities");
    }
    conversation.send(SSL_REQUEST);
    return "server " + Conversation.quote(version) + " with CLIENT_SSL; SSLRequest sent";
  }

  private static String nulTerminated(ByteBuffer packet) throws StartTlsException {
    int start = packet.position();
    while (packet.hasRemaining()) {
      if (packet.get() == 0) {
        return new String(packet.array(), start, packet.position() - 1 - start, StandardCharsets.UTF_8);
      }
    }
    throw Dialog.unexpected("a NUL-terminated server version", "no NUL in the Initial Handshake");
  }
}
