package io.heartguard.keys;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code heartguard keys}: did a leak give away the server's private key? */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = {
        "AUTHORIZED TESTING ONLY. Searches leaked memory (scan --dump, lab client --encrypted --dump, sensor"
            + " --extract-leaks) for a prime factor of the certificate's RSA modulus, at every offset, in both byte"
            + " orders, and writes the private key it gives as PKCS#8 PEM (mode 600). Prints where it was found,"
            + " never the key or the leaked bytes (docs/KEYS.md).",
        "Exit code 1 when the key was recovered, 0 when it was not."})
public final class KeysCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--cert", required = true, paramLabel = "CERT.pem", description = "the server's certificate (PEM or DER)")
  Path certificate;

  @Option(names = "--out", paramLabel = "KEY.pem", defaultValue = "recovered-key.pem",
      description = "where the recovered private key goes, created with mode 600 (default: ${DEFAULT-VALUE})")
  Path out;

  private int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--threads", paramLabel = "N", description = "threads searching (default: one per core)")
  void threads(int n) {
    if (n < 1 || n > 1024) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--threads takes 1 to 1024, got " + n);
    }
    threads = n;
  }

  @Parameters(arity = "1..*", paramLabel = "DUMP", description = "files of leaked memory, searched in order")
  List<Path> dumps;

  public KeysCommand() {}

  /** Standalone entry point; {@code heartguard} runs this command as its {@code keys} subcommand instead. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new KeysCommand()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    RSAPublicKey key = KeyRecovery.certificateKey(certificate);
    long started = System.nanoTime();
    KeyRecovery.Outcome outcome = KeyRecovery.recover(key, dumps, out, threads);
    long millis = (System.nanoTime() - started) / 1_000_000;
    err.println("keys: " + outcome.describe(0) + "; searched " + outcome.search().bytesSearched() + " bytes in "
        + millis + " ms on " + threads + " thread(s)");
    err.flush();
    return outcome.found() ? 1 : 0;
  }
}
