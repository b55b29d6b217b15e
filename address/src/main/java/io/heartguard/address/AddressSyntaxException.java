package io.heartguard.address;

/**
 * Text that is not an address, port or host:port. The message names the bad token and what the rule expects; {@link
 * #in(String)} says the same within the larger input the token came from, so one message fits every caller.
 */
public final class AddressSyntaxException extends IllegalArgumentException {
  /** Tokens longer than this are cut in messages: a 100 KB argument must not come back whole. */
  static final int MAX_TOKEN_CHARS = 80;

  private final String what;
  private final String token;
  private final boolean quote;
  private final String reason;

  AddressSyntaxException(String what, String token, boolean quote, String reason) {
    this(what, token, quote, reason, null);
  }

  private AddressSyntaxException(String what, String token, boolean quote, String reason, String input) {
    super(format(what, token, quote, input, reason));
    this.what = what;
    this.token = token;
    this.quote = quote;
    this.reason = reason;
  }

  /** The message within {@code input}: {@code bad port 0 in "host:0": ports are 1..65535}. */
  public String in(String input) {
    return format(what, token, quote, input, reason);
  }

  /** The same error, its message naming {@code input} as the larger text the token came from. */
  public AddressSyntaxException within(String input) {
    return new AddressSyntaxException(what, token, quote, reason, input);
  }

  private static String format(String what, String token, boolean quote, String input, String reason) {
    String t = quote ? quoted(token) : token;
    return "bad " + what + " " + t + (input == null || input.equals(token) ? "" : " in " + quoted(input)) + ": " + reason;
  }

  /** {@code "text"}, cut to {@value #MAX_TOKEN_CHARS} characters and an ellipsis. */
  public static String quoted(String text) {
    return "\"" + cut(text) + "\"";
  }

  /** At most {@value #MAX_TOKEN_CHARS} characters and an ellipsis: what a message may echo of its input. */
  public static String cut(String text) {
    return text.length() <= MAX_TOKEN_CHARS ? text : text.substring(0, MAX_TOKEN_CHARS) + "\u2026";
  }
}
