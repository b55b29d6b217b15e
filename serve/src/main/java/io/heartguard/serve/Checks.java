package io.heartguard.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.heartguard.address.Ip128;
import io.heartguard.address.IpText;
import io.heartguard.address.Port;
import io.heartguard.scan.HeartbleedCheck;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.ScanResultJson;
import io.heartguard.scan.Scanner;
import io.heartguard.scan.engine.ResultSink;
import io.heartguard.scan.engine.ScanEngine;
import io.heartguard.scan.starttls.StartTls;
import io.heartguard.scan.starttls.StartTlsMode;
import io.heartguard.store.StoreException;
import io.heartguard.store.WebCheck;
import io.heartguard.store.WebCheckStore;
import io.heartguard.targets.ScanTarget;
import io.heartguard.targets.TargetSource;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The checks of a web checker: validates a request (syntax, address policy, limits), answers from the cache or
 * queues it, and runs the queue through one long-lived {@link ScanEngine} — the same engine and check as
 * {@code heartguard scan} — whose concurrency is the in-flight cap. Every change of a check's status is stored
 * first and then announced to its listeners (the SSE streams).
 */
final class Checks implements AutoCloseable {
  /** 128 random bits in RFC 4648 base32, lower case, no padding: 26 URL-safe characters. */
  static final Pattern ID = Pattern.compile("[a-z2-7]{26}");
  static final String PROTOCOL_AUTO = "auto";
  /** How many client addresses and targets the rate limits remember (least recently seen go first). */
  private static final int RATE_KEYS = 100_000;
  /** How long checks in flight may finish after close before they are cancelled and marked interrupted. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(1);
  /** The longest a name lookup may hold a request; the check's own timeout when that is shorter. */
  private static final Duration MAX_RESOLVE = Duration.ofSeconds(5);
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  /** A queued check: its id, how to reach TLS, and its key in {@link #inFlightByTarget}. */
  private record Pending(String id, StartTlsMode mode, String key) {}

  /** A submission's answer: the check, and whether it is a recent result rather than a new or running check. */
  record Submitted(WebCheck check, boolean cached) {}

  private final ServeOptions options;
  private final WebCheckStore store;
  private final AddressPolicy policy;
  private final RateLimits clientLimits;
  private final RateLimits targetLimits;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final JsonFactory json = new JsonFactory();
  /**
   * Queued and running checks, keyed by the very target queued for each (the engine hands it to the scanner, and the
   * scanner's result carries it to the sink): by identity, so two checks of one host and port (auto and smtp, say)
   * stay apart, and the target itself stays what the user submitted.
   */
  private final Map<ScanTarget, Pending> pending = Collections.synchronizedMap(new IdentityHashMap<>());
  /** The check in flight for each target key (protocol://host:port): a second request joins it instead of starting one. */
  private final Map<String, String> inFlightByTarget = new ConcurrentHashMap<>();
  private final Map<String, List<Consumer<WebCheck>>> listeners = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final BlockingQueue<ScanTarget> queue = new LinkedBlockingQueue<>();
  private final ScanEngine engine;
  private final Thread engineThread;
  private volatile boolean closed;

  /** Marks the end of the queue for the engine: compared by identity. */
  private static final ScanTarget END = new ScanTarget("end", "end", null, 1);

  Checks(ServeOptions options, WebCheckStore store, Scanner scanner, Clock clock) throws StoreException {
    this.options = options;
    this.store = store;
    this.policy = AddressPolicy.allowing(options.allowed());
    this.clientLimits = new RateLimits(options.clientRate(), RATE_KEYS);
    this.targetLimits = new RateLimits(options.targetRate(), RATE_KEYS);
    this.clock = clock;
    // A previous process that stopped (or died) with checks in flight left them queued or running.
    store.interruptUnfinished(clock.instant());
    this.engine = new ScanEngine(running(scanner), options.scanOptions(), options.maxInFlight()).grace(STOP_GRACE);
    this.engineThread = Thread.ofPlatform().name("heartguard-serve-engine").daemon().start(this::runEngine);
  }

  /** Validates and queues (or answers from the cache); throws {@link ApiError} for anything it refuses. */
  Submitted submit(CheckRequest request, String client) {
    if (closed) {
      throw ApiError.busy("the checker is shutting down; try again shortly", 5);
    }
    String input = request.target() == null ? "" : request.target().strip();
    if (input.isEmpty()) {
      throw ApiError.badRequest("enter a host name, host:port or https:// URL to check");
    }
    if (input.length() > CheckRequest.MAX_TARGET_LENGTH) {
      throw ApiError.badRequest("the target is " + input.length() + " characters long; at most "
          + CheckRequest.MAX_TARGET_LENGTH + " are accepted");
    }
    StartTls fixed = protocol(request.protocol());
    boolean auto = request.protocol() == null || request.protocol().isBlank()
        || request.protocol().strip().equalsIgnoreCase(PROTOCOL_AUTO);
    int defaultPort = fixed != null ? fixed.defaultPort() : ScanTarget.DEFAULT_PORT;
    ScanTarget parsed;
    try {
      parsed = ScanTarget.parse(input, defaultPort);
      boolean portNamed = ScanTarget.parse(input, defaultPort == 1 ? 2 : 1).port() == parsed.port();
      if (request.port() != null) {
        Port.require(request.port());
        if (portNamed && request.port() != parsed.port()) {
          throw ApiError.badRequest("the target names port " + parsed.port() + " but 'port' is " + request.port()
              + "; give the port once");
        }
        parsed = new ScanTarget(parsed.input(), parsed.host(), request.port());
      }
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(Html.printable(e.getMessage(), 200));
    }
    String host = parsed.host().toLowerCase(Locale.ROOT);
    int port = parsed.port();
    StartTls starttls = auto ? StartTls.forPort(port).orElse(null) : fixed;
    String protocol = starttls == null ? ScanResult.PLAIN_TLS : starttls.protocolName();
    long now = System.nanoTime();
    long wait = clientLimits.take(client, now);
    if (wait > 0) {
      throw ApiError.rateLimited("too many checks from " + client + "; at most " + options.clientRate()
          + " a minute, try again in " + wait + " s", wait);
    }
    InetAddress address = validatedAddress(host);
    if (!request.fresh()) {
      Optional<Submitted> recent = recent(host, port, protocol);
      if (recent.isPresent()) {
        return recent.get();
      }
    }
    String targetKey = protocol + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    Optional<WebCheck> joined = Optional.ofNullable(inFlightByTarget.get(targetKey)).flatMap(this::find).filter(c -> !c.finished());
    if (joined.isPresent()) {
      return new Submitted(joined.get(), false);
    }
    wait = targetLimits.take(targetKey, now);
    if (wait > 0) {
      throw ApiError.rateLimited(Html.printable(host, 100) + ":" + port + " was checked too often; at most "
          + options.targetRate() + " a minute, try again in " + wait + " s", wait);
    }
    if (inFlight.incrementAndGet() > options.maxInFlight()) {
      inFlight.decrementAndGet();
      long retry = Math.max(1, options.scanOptions().timeout().toSeconds());
      throw ApiError.busy("too many checks in flight (" + options.maxInFlight() + "); try again in " + retry + " s", retry);
    }
    String id = newId();
    ScanTarget target = new ScanTarget(input, host, address, port);
    WebCheck check = new WebCheck(id, input, host, port, protocol, address.getHostAddress(), WebCheck.Status.QUEUED,
        null, null, clock.instant(), null);
    try {
      store.insert(check);
    } catch (StoreException e) {
      inFlight.decrementAndGet();
      throw new IllegalStateException(e.getMessage(), e);
    }
    pending.put(target, new Pending(id, starttls == null ? StartTlsMode.NONE : StartTlsMode.of(starttls), targetKey));
    inFlightByTarget.put(targetKey, id);
    // The engine connects to the address validated here, never to a second resolution of the name: no rebinding.
    queue.add(target);
    return new Submitted(check, false);
  }

  private Optional<Submitted> recent(String host, int port, String protocol) {
    if (options.cacheFor().isZero()) {
      return Optional.empty();
    }
    try {
      return store.latestDone(host, port, protocol, clock.instant().minus(options.cacheFor()))
          .map(check -> new Submitted(check, true));
    } catch (StoreException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** auto (null), tls, or a STARTTLS protocol; a 400 names the choices otherwise. */
  static StartTls protocol(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals(PROTOCOL_AUTO) || t.equals(ScanResult.PLAIN_TLS)) {
      return null;
    }
    try {
      return StartTls.parse(t);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("unknown protocol '" + Html.printable(text, 40) + "'; expected " + String.join(", ", protocolNames()));
    }
  }

  /** The choices of the protocol field: auto, tls and every STARTTLS protocol scan speaks. */
  static List<String> protocolNames() {
    return Stream.concat(Stream.of(PROTOCOL_AUTO, ScanResult.PLAIN_TLS), Stream.of(StartTls.values()).map(StartTls::protocolName))
        .collect(Collectors.toList());
  }

  /**
   * Resolves once and checks every address: a name is refused if any of its addresses is, for a resolver may hand
   * any of them out next time. The first address is the one connected to.
   */
  private InetAddress validatedAddress(String host) {
    // A literal is read by the address grammar, never by Java's parser (which reads 0177.0.0.1 as 177.0.0.1).
    Optional<Ip128> address = IpText.literal(host);
    boolean literal = address.isPresent();
    InetAddress[] addresses = literal ? new InetAddress[] {address.get().toInetAddress()} : resolve(host);
    for (InetAddress a : addresses) {
      Optional<String> why = policy.refusal(a);
      if (why.isPresent()) {
        throw ApiError.refused(literal
            ? Html.printable(host, 100) + " is refused: " + why.get()
            : Html.printable(host, 100) + " resolves to " + a.getHostAddress() + ", which is refused: " + why.get());
      }
    }
    return addresses[0];
  }

  /**
   * All addresses of a name, within {@link #MAX_RESOLVE}: the system resolver has no timeout of ours, and a name whose
   * DNS never answers must not hold a request (or, many of them, every request thread) for its retries.
   */
  private InetAddress[] resolve(String host) {
    Duration limit = options.scanOptions().timeout().compareTo(MAX_RESOLVE) < 0 ? options.scanOptions().timeout()
        : MAX_RESOLVE;
    CompletableFuture<InetAddress[]> lookup = new CompletableFuture<>();
    Thread resolver = Thread.ofVirtual().name("heartguard-serve-resolve").start(() -> {
      try {
        lookup.complete(InetAddress.getAllByName(host)); // a literal is parsed, not looked up
      } catch (UnknownHostException | RuntimeException e) {
        lookup.completeExceptionally(e);
      }
    });
    try {
      return lookup.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      resolver.interrupt(); // the system resolver ignores it, but a resolver that can stop should
      throw ApiError.timeout("resolving " + Html.printable(host, 100) + " took more than " + limit.toMillis()
          + " ms; try again later");
    } catch (ExecutionException e) {
      throw ApiError.badRequest("cannot resolve " + Html.printable(host, 100) + "; check the spelling");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiError.busy("the server is stopping", 1);
    }
  }

  Optional<WebCheck> find(String id) {
    if (!ID.matcher(id).matches()) {
      return Optional.empty();
    }
    try {
      return store.find(id);
    } catch (StoreException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  List<WebCheck> forHost(String host, int limit) {
    try {
      return store.forHost(host.strip().toLowerCase(Locale.ROOT), limit);
    } catch (StoreException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  List<WebCheck> recent(int limit) {
    try {
      return store.recent(limit);
    } catch (StoreException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  int inFlight() {
    return inFlight.get();
  }

  /**
   * Calls {@code listener} on each later change of the check's status; returns a handle that removes it. The
   * caller reads the current state after subscribing, so no change falls between.
   */
  Runnable listen(String id, Consumer<WebCheck> listener) {
    listeners.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(listener);
    return () -> listeners.computeIfPresent(id, (k, list) -> {
      list.remove(listener);
      return list.isEmpty() ? null : list;
    });
  }

  private void announce(String id) {
    List<Consumer<WebCheck>> each = listeners.get(id);
    if (each == null) {
      return;
    }
    find(id).ifPresent(check -> each.forEach(l -> l.accept(check)));
  }

  /** The engine's scanner: marks the check running, then runs scan's check on the validated target. */
  private Scanner running(Scanner scanner) {
    return (queued, scanOptions) -> {
      Pending p = pending.get(queued);
      try {
        store.markRunning(p.id());
      } catch (StoreException e) {
        System.err.println("heartguard serve: " + e.getMessage());
      }
      announce(p.id());
      ScanResult result = scanner.check(queued, scanOptions.withStartTls(p.mode()));
      // The sink finds the check by the queued target, so the result must carry that very object.
      return result.target() == queued ? result : withTarget(result, queued);
    };
  }

  private final class Finished implements ResultSink {
    @Override
    public void accept(ScanResult result) {
      Pending p = pending.remove(result.target());
      if (p == null) {
        return;
      }
      String id = p.id();
      inFlightByTarget.remove(p.key(), id);
      try {
        store.finish(id, result.verdict().name(), toJson(result), clock.instant());
      } catch (IOException e) {
        // The server keeps serving; this check stays running until a restart marks it interrupted.
        System.err.println("heartguard serve: " + e.getMessage());
      } finally {
        inFlight.decrementAndGet();
      }
      announce(id);
    }
  }

  private void runEngine() {
    TargetSource source = new TargetSource() {
      @Override
      public Optional<ScanTarget> next() throws InterruptedException {
        ScanTarget next = queue.take();
        return next == END ? Optional.empty() : Optional.of(next);
      }

      @Override
      public OptionalLong sizeHint() {
        return OptionalLong.empty();
      }
    };
    try {
      engine.run(source, new Finished());
    } catch (IOException e) {
      System.err.println("heartguard serve: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  String toJson(ScanResult result) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = json.createGenerator(out)) {
      ScanResultJson.write(generator, result);
    }
    return out.toString();
  }

  private static ScanResult withTarget(ScanResult r, ScanTarget target) {
    return new ScanResult(target, r.address(), r.tlsVersion(), r.cipher(), r.heartbeat(), r.verdict(), r.reason(),
        r.evidence(), r.bytesLeaked(), r.certificate(), r.dump(), r.warnings(), r.elapsedMillis(), r.protocol(), r.failure());
  }

  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    StringBuilder id = new StringBuilder(26);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        id.append(BASE32[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      id.append(BASE32[(buffer << (5 - bits)) & 31]);
    }
    return id.toString();
  }

  /** Stops taking checks, lets those in flight finish within a second, and marks the rest interrupted. */
  @Override
  public void close() throws StoreException {
    closed = true;
    engine.stop();
    queue.add(END);
    try {
      engineThread.join(STOP_GRACE.toMillis() + options.scanOptions().timeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<String> unfinished;
    synchronized (pending) {
      unfinished = pending.values().stream().map(Pending::id).toList();
    }
    store.interruptUnfinished(clock.instant());
    pending.clear();
    inFlightByTarget.clear();
    for (String id : unfinished) {
      announce(id);
    }
  }

  /** The default scanner: scan's own check. */
  static Scanner defaultScanner() {
    return new HeartbleedCheck();
  }
}
