package io.heartguard.guard;

import io.heartguard.detect.RecordAction;
import java.util.Locale;

/**
 * What a blocking policy does with a record it blocks ({@code --action}): the {@link RecordAction} taken on a hit.
 * An alert is raised either way.
 */
public enum Action {
  /** Drop the offending record. Dropping an encrypted record breaks the TLS sequence numbers, so peers then fail. */
  DROP,
  /** Reset both connections (the default): the attacker learns nothing more and the server stops talking. */
  RESET;

  public RecordAction recordAction() {
    return this == DROP ? RecordAction.DROP : RecordAction.RESET;
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Action parse(String text) {
    for (Action a : values()) {
      if (a.cliName().equals(text.strip())) {
        return a;
      }
    }
    throw new IllegalArgumentException("action '" + text + "' is not one of drop, reset");
  }
}
