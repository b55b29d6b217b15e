package io.heartguard.sensor;

import io.heartguard.detect.Alert;
import io.heartguard.detect.AlertSink;
import io.heartguard.detect.EveJsonWriter;
import io.heartguard.detect.EveTopic;
import io.heartguard.detect.FlowInfo;
import io.heartguard.detect.LeakRedactor;
import io.heartguard.evidence.LeakFile;
import io.heartguard.evidence.LeakHeader;
import io.heartguard.sensor.capture.CaptureException;
import io.heartguard.sensor.flow.ChecksumMode;
import io.heartguard.sensor.flow.OsPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code heartguard sensor}: reads captures, writes Heartbleed alerts as EVE JSON lines, summarises on stderr. */
@Command(name = "sensor", mixinStandardHelpOptions = true,
    description = {"Watches packet captures for Heartbleed (CVE-2014-0160) attacks and leaks.",
        "Plaintext and encrypted heartbeat attacks, leaks and probes, in TLS on any port, after STARTTLS, and in DTLS.",
        "Exit status: 0 nothing found, 1 alerts (also when another capture could not be read), 2 usage or input"
            + " error with no alerts."},
    footer = {"", "Example: tcpdump -i eth0 -w - | heartguard sensor -r -"})
public final class SensorCommand implements Callable<Integer> {
  public static final int NOTHING_FOUND = 0;
  public static final int ALERTS = 1;
  public static final int INPUT_ERROR = 2;
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

  @Option(names = {"-r", "--read"}, paramLabel = "FILE|DIR|-", required = true,
      description = "A pcap or pcapng capture (gzip allowed), a directory of them, or - for standard input."
          + " Repeatable.")
  List<String> inputs = new ArrayList<>();

  @Option(names = "--alerts", paramLabel = "FILE", description = "Write alerts (JSON Lines) here instead of stdout.")
  Path alertsFile;

  @Option(names = "--eve-kafka", paramLabel = "HOST:PORT/TOPIC",
      description = "Also send each alert line to this Kafka topic; a broker that is down costs counted drops, never detection.")
  String eveKafka;

  @Option(names = "--dump-leaks", paramLabel = "DIR",
      description = "Write the memory leaked by heartbeat responses here, as hex dumps with secrets masked."
          + " Off by default: leaked memory is sensitive.")
  Path dumpLeaks;

  @Option(names = "--extract-leaks", paramLabel = "FILE",
      description = "AUTHORIZED ANALYSIS ONLY: write the raw bytes leaked by plaintext heartbeat responses to FILE"
          + " (mode 600), each after a one-line header with its flow and time, for heartguard keys to search"
          + " (docs/KEYS.md). Never printed.")
  Path extractLeaks;

  @Option(names = "--max-flows", paramLabel = "N", description = "Flows tracked at once (default: ${DEFAULT-VALUE}).")
  int maxFlows = Sensor.DEFAULT_MAX_FLOWS;

  @Option(names = "--flow-timeout", paramLabel = "DURATION",
      description = "Close flows idle this long in capture time, e.g. 90s, 5m (default: ${DEFAULT-VALUE}).")
  String flowTimeout = "120s";

  @Option(names = "--max-memory-mb", paramLabel = "MB",
      description = "Cap on bytes buffered by all flows; least recently used flows are evicted beyond it"
          + " (default: ${DEFAULT-VALUE}).")
  int maxMemoryMb = (int) (Sensor.DEFAULT_MEMORY_CAP_BYTES >> 20);

  @Option(names = "--os-policy", paramLabel = "OS",
      description = "Reassemble overlapping TCP segments and IPv4 fragments as this receiver does: linux, bsd,"
          + " windows, first or last (default: ${DEFAULT-VALUE}). See docs/sensor.md.")
  String osPolicy = "linux";

  @Option(names = "--checksums", paramLabel = "MODE",
      description = "Drop packets with wrong IPv4 or TCP checksums: on, off, or auto, which turns checking off"
          + " when the capture's first TCP segments show checksum offload (default: ${DEFAULT-VALUE}).")
  String checksums = "auto";

  @Option(names = "--debug", description = "Say more about problems on stderr.")
  boolean debug;

  private final PrintStream err;
  private final InputStream stdin;
  private final OutputStream stdout;

  public SensorCommand() {
    this(System.in, System.out, System.err);
  }

  SensorCommand(InputStream stdin, OutputStream stdout, PrintStream err) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.err = err;
  }

  /** Runs the sensor without the {@code heartguard} launcher (tests that send it Ctrl-C, packaging on its own). */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new SensorCommand()).execute(args));
  }

  @Override
  public Integer call() {
    long timeoutNanos;
    OsPolicy policy;
    ChecksumMode checksumMode;
    try {
      timeoutNanos = parseDuration(flowTimeout);
      policy = OsPolicy.parse(osPolicy);
      checksumMode = ChecksumMode.parse(checksums);
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    if (maxFlows < 1 || maxMemoryMb < 1) {
      return usage("--max-flows and --max-memory-mb must be at least 1, got " + maxFlows + " and " + maxMemoryMb);
    }
    List<String> sources = new ArrayList<>();
    for (String input : inputs) {
      if (input.equals("-")) {
        sources.add("-");
        continue;
      }
      Path path = Path.of(input);
      if (Files.isDirectory(path)) {
        List<String> found;
        try (Stream<Path> files = Files.walk(path)) {
          found = files.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
          return usage("cannot list directory " + input + ": " + e.getMessage());
        }
        if (found.isEmpty()) {
          return usage("no files in directory " + input);
        }
        sources.addAll(found);
      } else if (!Files.isReadable(path)) {
        return usage("cannot read " + input + ": no such file or not readable");
      } else {
        sources.add(input);
      }
    }
    if (dumpLeaks != null) {
      try {
        LeakFile.createDirectories(dumpLeaks);
      } catch (IOException e) {
        return usage("cannot create leak directory " + dumpLeaks + ": " + e.getMessage());
      }
    }
    LeakFile extracted;
    try {
      extracted = extractLeaks == null ? null : LeakFile.create(extractLeaks);
    } catch (IOException e) {
      return usage("cannot write --extract-leaks file " + extractLeaks + ": " + e.getMessage());
    }
    OutputStream alertOut;
    try {
      alertOut = alertsFile != null ? Files.newOutputStream(alertsFile) : stdout;
    } catch (IOException e) {
      return usage("cannot write alerts to " + alertsFile + ": " + e.getMessage());
    }
    if (eveKafka != null) {
      try {
        alertOut = EveTopic.alongside(alertOut, eveKafka, alertsFile != null);
      } catch (IOException e) {
        return usage(e.getMessage());
      }
    }
    long started = System.nanoTime();
    EveJsonWriter eve = new EveJsonWriter(alertOut);
    AlertSink sink = dumpLeaks == null && extracted == null ? eve : alert -> {
      if (!alert.leakedBytes().isEmpty()) {
        if (dumpLeaks != null) {
          writeLeak(alert);
        }
        if (extracted != null) {
          extractLeak(extracted, alert);
        }
      }
      eve.onAlert(alert.withoutLeakedBytes());
    };
    Sensor sensor = new Sensor(sink, dumpLeaks != null || extracted != null, maxFlows, timeoutNanos,
        (long) maxMemoryMb << 20, policy, checksumMode);
    Run run = new Run(sensor, eve, alertOut, extracted, started);
    // Ctrl-C (or SIGTERM) on a live capture ends the run as the end of its input does, once, and exits with the same
    // code: halt, because System.exit cannot be called from a shutdown hook. The reading thread, perhaps blocked on
    // stdin, prints nothing after that: its packets are ignored and the run has already ended.
    Thread hook = new Thread(() -> Runtime.getRuntime().halt(run.end(null)), "sensor-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      for (String source : sources) {
        try {
          if (source.equals("-")) {
            sensor.read("stdin", stdin);
          } else {
            sensor.read(Path.of(source));
          }
        } catch (CaptureException e) {
          err.println("heartguard sensor: " + e.getMessage());
          run.inputError = true;
        }
      }
      return run.end(null);
    } catch (UncheckedIOException e) {
      return run.end(e);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook); // only now: a Ctrl-C while the topic drains waits for it
      } catch (IllegalStateException e) {
        // The JVM is shutting down (Ctrl-C): the hook ends the run and the JVM, with the code the run ended with.
      }
    }
  }

  /** One run's alert outputs and its summary, ended once: by the end of its input, or by Ctrl-C from another thread. */
  private final class Run {
    private final Sensor sensor;
    private final EveJsonWriter eve;
    private final OutputStream alertOut;
    private final LeakFile extracted;
    private final long started;
    /** A capture could not be read: set by the reading thread, read when the run ends. */
    volatile boolean inputError;
    private Integer exitCode;

    Run(Sensor sensor, EveJsonWriter eve, OutputStream alertOut, LeakFile extracted, long started) {
      this.sensor = sensor;
      this.eve = eve;
      this.alertOut = alertOut;
      this.extracted = extracted;
      this.started = started;
    }

    /**
     * Finishes the flows still open, closes the alert outputs and prints the summary, the first time; returns the exit
     * code. {@code writeFailed}: the alerts could not be written, which ends the run with no summary. The sensor
     * decodes no packet once finished, so no alert line is half-written when the outputs close.
     */
    synchronized int end(UncheckedIOException writeFailed) {
      if (exitCode != null) {
        return exitCode;
      }
      UncheckedIOException failure = writeFailed;
      if (failure == null) {
        try {
          sensor.finish();
        } catch (UncheckedIOException e) {
          failure = e;
        }
      }
      if (failure != null) {
        err.println("heartguard sensor: cannot write alerts: " + failure.getCause().getMessage());
      }
      boolean alertsLost = !closeOutputs();
      exitCode = failure != null ? INPUT_ERROR : summary(alertsLost);
      err.flush();
      return exitCode;
    }

    /** Closes a file or a topic; stdout is only flushed. False, said on stderr, when the last lines could not go. */
    private boolean closeOutputs() {
      try {
        if (extracted != null) {
          extracted.close();
        }
        if (alertsFile != null || eveKafka != null) {
          eve.close();
          alertOut.close();
        } else {
          eve.flush();
        }
        return true;
      } catch (IOException | UncheckedIOException e) {
        err.println("heartguard sensor: cannot finish writing alerts: " + e.getMessage());
        return false;
      }
    }

    private int summary(boolean alertsLost) {
      err.print(sensor.stats().render((System.nanoTime() - started) / 1e9));
      if (debug && sensor.stats().firstInternalError != null) {
        err.println("heartguard sensor: first internal error: " + sensor.stats().firstInternalError);
      }
      if (alertsLost) {
        return INPUT_ERROR;
      }
      // Alerts found in the captures that could be read outrank an unreadable one, which was reported above.
      if (sensor.stats().alerts() > 0) {
        return ALERTS;
      }
      return inputError ? INPUT_ERROR : NOTHING_FOUND;
    }
  }

  private void writeLeak(Alert alert) {
    Path file = dumpLeaks.resolve("flow-" + alert.flow().flowId() + "-" + alert.rule().id() + "-"
        + alert.direction().eveName() + ".txt");
    String text = "# " + alert.reason() + System.lineSeparator()
        + "# secrets masked with '*'; " + alert.leakedBytes().size() + " bytes" + System.lineSeparator()
        + LeakRedactor.maskedHexDump(alert.leakedBytes().toByteArray());
    try (LeakFile leak = LeakFile.create(file)) {
      leak.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      err.println("heartguard sensor: cannot write leak dump " + file + ": " + e.getMessage());
    }
  }

  /**
   * One leak into the --extract-leaks file: its {@link LeakHeader} (which {@code heartguard keys} reads back to name
   * the flow of what it finds), then the leaked bytes as they were.
   */
  private void extractLeak(LeakFile file, Alert alert) {
    FlowInfo flow = alert.flow();
    LeakHeader header = new LeakHeader("flow=" + flow.flowId() + " client=" + flow.clientAddress() + ":"
        + flow.clientPort() + " server=" + flow.serverAddress() + ":" + flow.serverPort() + " time="
        + EveJsonWriter.timestamp(alert.timestampNanos()) + " rule=" + alert.rule().id(), alert.leakedBytes().size());
    try {
      file.write(header.toBytes());
      file.write(alert.leakedBytes().toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int usage(String message) {
    err.println("heartguard sensor: " + message);
    return INPUT_ERROR;
  }

  /** "120s", "5m", "1h", "500ms"; a bare number is seconds. */
  static long parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("--flow-timeout " + text + " is not a duration like 90s, 5m, 1h or 500ms");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> n * 1_000_000L;
      case "m" -> n * 60_000_000_000L;
      case "h" -> n * 3_600_000_000_000L;
      default -> n * 1_000_000_000L;
    };
  }
}
