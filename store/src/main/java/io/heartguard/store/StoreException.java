package io.heartguard.store;

import java.io.IOException;

/**
 * A database could not be opened, read or written. The message is one line meant for the user, naming the database
 * (password removed) and what went wrong; it is an {@link IOException} so a result sink can pass it on unchanged.
 */
public final class StoreException extends IOException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
