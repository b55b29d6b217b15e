package io.heartguard.sensor.capture;

/** Receives packets as the capture holds them; the bytes are valid only during the call. */
public interface PacketSink {
  void onPacket(int linkType, byte[] data, int offset, int capturedLength, int originalLength, long timestampNanos);
}
