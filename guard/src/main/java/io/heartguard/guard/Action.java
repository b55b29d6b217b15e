package io.heartguard.guard;

import java.util.Locale;

/** What a blocking policy does on a hit ({@code --action}); an alert is raised either way. */
public enum Action {
  /** Drop the offending record. Dropping an encrypted record breaks the TLS sequence numbers, so peers then fail. */
  DROP,
  /** Reset both connections (the default): the attacker learns nothing more and the server stops talking. */
  RESET;

  public Verdict verdict() {
    return this == DROP ? Verdict.DROP : Verdict.RESET;
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
