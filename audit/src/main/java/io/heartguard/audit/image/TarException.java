package io.heartguard.audit.image;

import java.io.IOException;

/** A tar stream that breaks its format (POSIX.1-2001 ustar and pax, and GNU's long-name records). */
public final class TarException extends IOException {
  public TarException(String message) {
    super(message);
  }
}
