package io.heartguard.targets;

/**
 * A target, port list or exclusion the user wrote cannot be used: bad syntax, a space too large to walk, or a target
 * list that cannot be read. The message is one line that names the bad token and what was expected, ready to print
 * as a usage error; the CLI chooses the exit code.
 */
public final class TargetSyntaxException extends Exception {
  public TargetSyntaxException(String message) {
    super(message);
  }
}
