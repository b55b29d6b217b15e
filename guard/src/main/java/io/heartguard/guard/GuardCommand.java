package io.heartguard.guard;

import io.heartguard.detect.EveJsonWriter;
import io.heartguard.detect.EveTopic;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code heartguard guard}: runs the proxy until Ctrl-C, then drains. */
@Command(
    name = "guard",
    mixinStandardHelpOptions = true,
    description = {
      "Runs an inline TCP proxy that blocks Heartbleed without keys.",
      "It frames each direction from its first byte as OpenSSL reads it, drops or resets heartbeats (all of them by"
          + " default; with block-malformed and block-leak only malformed requests, heartbeats during the handshake"
          + " and responses longer than their request), resets what it cannot frame, and passes everything else"
          + " through byte for byte. Put it in front of a server, or in front of clients' outbound path. STARTTLS is"
          + " not carried (use monitor)."
    },
    footerHeading = "%nConfig file (--config):%n",
    footer = {
      "  One listener per line: LISTEN UPSTREAM [POLICY[,POLICY]] [ACTION]; '#' starts a comment.",
      "  Missing fields take --policy and --action. Example:",
      "    0.0.0.0:443      10.0.0.5:443      block-malformed,block-leak  reset",
      "    127.0.0.1:10993  imap.example:993  restrict                    drop"
    })
public final class GuardCommand implements Callable<Integer> {
  /**
   * How long Ctrl-C waits for the alert streams to close after the drain: the JVM exits when its shutdown hook ends,
   * so the hook waits for them, or the lines still queued for --eve-kafka (whose close waits up to 5 s for the broker)
   * and its count of drops would be lost.
   */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  @Spec CommandSpec spec;

  @Option(names = "--listen", paramLabel = "ADDR:PORT", description = "Address to accept connections on.")
  String listen;

  @Option(names = "--upstream", paramLabel = "HOST:PORT", description = "Where to forward them.")
  String upstream;

  @Option(names = "--config", paramLabel = "FILE", description = "Listeners, one per line (see below).")
  Path config;

  @Option(names = "--policy", paramLabel = "P[,P]", defaultValue = "restrict",
      description = "block-malformed, block-leak, restrict or monitor; comma-separated (default: ${DEFAULT-VALUE}).")
  String policy;

  @Option(names = "--action", paramLabel = "drop|reset", defaultValue = "reset",
      description = "On a hit: drop the record or reset both connections (default: ${DEFAULT-VALUE}).")
  String action;

  @Option(names = "--alerts", paramLabel = "FILE", description = "Append alerts as JSON Lines here (default: stdout).")
  Path alerts;

  @Option(names = "--admin", paramLabel = "ADDR:PORT",
      description = "Serve /metrics and /health here (default: off), e.g. 127.0.0.1:9464.")
  String admin;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000",
      description = "Refuse (reset) connections beyond this many (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
      description = "Close connections idle this long (default: ${DEFAULT-VALUE}).")
  long idleSeconds;

  @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "On Ctrl-C, let open connections finish this long (default: ${DEFAULT-VALUE}).")
  long drainSeconds;

  /** Runs the guard without the {@code heartguard} launcher (benchmarks, packaging on its own). */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new GuardCommand()).execute(args));
  }

  @Option(names = "--eve-kafka", paramLabel = "HOST:PORT/TOPIC",
      description = "Also send each alert line to this Kafka topic; a broker that is down costs counted drops, never blocking.")
  String eveKafka;

  @Option(names = "--threads", paramLabel = "N", description = "Event loop threads (default: one per CPU).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    List<ListenerSpec> listeners = listeners();
    GuardServer.Limits defaults = GuardServer.Limits.defaults();
    GuardServer.Limits limits = (threads != null ? defaults.withThreads(threads) : defaults)
        .withMaxConnections(maxConnections)
        .withIdleTimeout(Duration.ofSeconds(idleSeconds))
        .withDrainTimeout(Duration.ofSeconds(drainSeconds));
    OutputStream alertStream = alerts == null ? System.out : new FileOutputStream(alerts.toFile(), true);
    if (eveKafka != null) {
      alertStream = EveTopic.alongside(alertStream, eveKafka, alerts != null);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    // The writer never closes its stream; a file or a topic is closed here, stdout stays open.
    try (OutputStream owned = alerts != null || eveKafka != null ? alertStream : null;
        EveJsonWriter log = new EveJsonWriter(alertStream)) {
      GuardServer server = GuardServer.start(listeners, limits, log, new GuardMetrics());
      AdminServer adminServer = admin == null ? null : AdminServer.start(Endpoint.parse(admin), server);
      for (int i = 0; i < listeners.size(); i++) {
        ListenerSpec l = listeners.get(i);
        System.err.println("guard: listening on " + Endpoint.of(server.addresses().get(i)) + " -> upstream "
            + l.upstream() + " (policy " + l.describePolicy() + ")");
      }
      if (adminServer != null) {
        System.err.println("guard: metrics on http://" + Endpoint.of(adminServer.address()) + "/metrics");
      }
      Thread hook = new Thread(() -> {
        System.err.println("guard: shutting down, draining open connections for up to " + drainSeconds + " s");
        try {
          server.close(); // /health answers 503 while this drains
          if (adminServer != null) {
            adminServer.close();
          }
        } finally {
          stopped.countDown();
        }
        try {
          closed.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "guard-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      stopped.await();
    } finally {
      closed.countDown(); // the streams are closed: the shutdown hook may end, and the JVM with it
    }
    return 0;
  }

  private List<ListenerSpec> listeners() throws Exception {
    Set<Policy> policies;
    Action parsedAction;
    try {
      policies = Policy.parseList(policy);
      parsedAction = Action.parse(action);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    List<ListenerSpec> result = new ArrayList<>();
    if (config != null) {
      try {
        result.addAll(GuardConfig.read(config, policies, parsedAction));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    if ((listen == null) != (upstream == null)) {
      throw new ParameterException(spec.commandLine(), "--listen and --upstream go together");
    }
    if (listen != null) {
      try {
        result.add(new ListenerSpec(Endpoint.parse(listen), Endpoint.parse(upstream), policies, parsedAction));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    if (result.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "give --listen and --upstream, or --config FILE");
    }
    return result;
  }
}
