package io.heartguard.sensor.capture;

/** A capture that cannot be read at all: not a capture, or unreadable. Problems inside one are reported, not thrown. */
public final class CaptureException extends Exception {
  public CaptureException(String message) {
    super(message);
  }

  public CaptureException(String message, Throwable cause) {
    super(message, cause);
  }
}
