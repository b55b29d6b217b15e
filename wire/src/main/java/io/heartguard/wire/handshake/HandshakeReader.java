package io.heartguard.wire.handshake;

import io.heartguard.wire.Bytes;
import java.util.Arrays;

/**
 * Reassembles handshake messages from the fragments of successive handshake records: one message may span many
 * records (a 16 KB certificate chain), and one record may carry many messages (RFC 5246 section 6.2.1). A message
 * longer than {@code maxMessageLength} is refused as soon as its header is seen, before its body is buffered.
 */
public final class HandshakeReader {
  /** Generous for certificate chains, small enough that a hostile length cannot make us hold much. */
  public static final int DEFAULT_MAX_MESSAGE_LENGTH = 256 * 1024;

  private final int maxMessageLength;
  private byte[] buffer = new byte[512];
  private int start;
  private int end;

  public HandshakeReader() {
    this(DEFAULT_MAX_MESSAGE_LENGTH);
  }

  public HandshakeReader(int maxMessageLength) {
    if (maxMessageLength < 0) {
      throw new IllegalArgumentException("maxMessageLength must not be negative, got " + maxMessageLength);
    }
    this.maxMessageLength = maxMessageLength;
  }

  /**
   * Appends a handshake record's fragment. Once the message at the head has been refused the stream cannot be
   * framed again, so further bytes are dropped rather than buffered; {@link #next} keeps reporting the refusal.
   */
  public void feed(Bytes recordFragment) {
    if (headIsRefused()) {
      return;
    }
    int n = recordFragment.size();
    if (end + n > buffer.length) {
      int live = end - start;
      byte[] target = live + n > buffer.length ? new byte[Math.max(buffer.length * 2, live + n)] : buffer;
      System.arraycopy(buffer, start, target, 0, live);
      buffer = target;
      start = 0;
      end = live;
    }
    recordFragment.copyTo(buffer, end);
    end += n;
  }

  /** The next complete message, or null when more records are needed. */
  public HandshakeMessage next() throws HandshakeException {
    if (end - start < HandshakeMessage.HEADER_LENGTH) {
      return null;
    }
    int type = buffer[start] & 0xff;
    int length = headLength();
    if (length > maxMessageLength) {
      throw new HandshakeException("handshake message of type " + type + " claims " + length
          + " bytes, more than the " + maxMessageLength + " accepted");
    }
    if (end - start < HandshakeMessage.HEADER_LENGTH + length) {
      return null;
    }
    Bytes body = Bytes.of(buffer, start + HandshakeMessage.HEADER_LENGTH, length);
    start += HandshakeMessage.HEADER_LENGTH + length;
    return new HandshakeMessage(type, body);
  }

  private int headLength() {
    return ((buffer[start + 1] & 0xff) << 16) | ((buffer[start + 2] & 0xff) << 8) | (buffer[start + 3] & 0xff);
  }

  private boolean headIsRefused() {
    return end - start >= HandshakeMessage.HEADER_LENGTH && headLength() > maxMessageLength;
  }

  /** Bytes of a message not yet complete. */
  public int buffered() {
    return end - start;
  }

  byte[] pending() {
    return Arrays.copyOfRange(buffer, start, end);
  }
}
