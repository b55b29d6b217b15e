package io.heartguard.scan.cli;

import io.heartguard.wire.PeerText;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Errors as one line on stderr: a usage error names the problem and points at --help (exit 2); an unexpected
 * failure prints its message, and its stack trace only with --debug. Install on the root command:
 * {@code OneLineErrors.install(commandLine)}.
 */
public final class OneLineErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {
  public static CommandLine install(CommandLine commandLine) {
    OneLineErrors handler = new OneLineErrors();
    return commandLine.setParameterExceptionHandler(handler).setExecutionExceptionHandler(handler);
  }

  /** At most this much of a message: an argument of 100 KB must not come back whole. */
  static final int MAX_MESSAGE_CHARS = 400;

  /** The message as one printable line of at most {@link #MAX_MESSAGE_CHARS} characters (arguments may hold anything). */
  static String oneLine(String message) {
    return PeerText.printable(message, MAX_MESSAGE_CHARS);
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(e.getMessage()) + " (see --help)");
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(e.getMessage() != null ? e.getMessage() : e.toString()));
    if (parseResult.hasMatchedOption("--debug")) {
      e.printStackTrace(err);
    }
    err.flush();
    return cmd.getCommandSpec().exitCodeOnExecutionException();
  }
}
