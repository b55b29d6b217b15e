package io.heartguard.sensor.capture;

/** Something wrong inside a capture, where it was, and what the reader did about it. */
public record CaptureProblem(String source, long byteOffset, String message) {
  @Override
  public String toString() {
    return source + " at byte " + byteOffset + ": " + message;
  }
}
