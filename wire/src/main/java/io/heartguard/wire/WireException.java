package io.heartguard.wire;

/**
 * Bytes that do not follow the wire format. Every parser in the wire core throws only a subclass of this, whatever
 * the input, and its message says what was seen and what the rule expected.
 */
public abstract class WireException extends Exception {
  protected WireException(String message) {
    super(message);
  }
}
