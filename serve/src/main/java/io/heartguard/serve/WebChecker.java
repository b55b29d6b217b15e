package io.heartguard.serve;

import io.heartguard.scan.Scanner;
import io.heartguard.store.StoreException;
import io.heartguard.store.WebCheck;
import io.heartguard.store.WebCheckStore;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running web checker: pages and the JSON API over scan's engine, with checks kept in the store's database.
 * {@link #start} opens the database (marking checks a previous process left unfinished as interrupted), starts the
 * engine and listens; {@link #close} stops taking checks, marks those in flight interrupted and closes the database.
 */
public final class WebChecker implements AutoCloseable {
  /** Request bodies larger than this are refused: a check request is a few dozen bytes. */
  static final int MAX_BODY_BYTES = 8 * 1024;
  static final int HISTORY_LIMIT = 100;
  /** How long stopping waits for requests still being answered. */
  static final long STOP_TIMEOUT_MILLIS = 2_000;
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
      + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private final Javalin app;
  private final Checks checks;
  private final WebCheckStore store;
  private final List<String> routes;
  private final java.net.InetSocketAddress listen;
  private final Set<SseClient> streams;

  private WebChecker(Javalin app, Checks checks, WebCheckStore store, List<String> routes,
      java.net.InetSocketAddress listen, Set<SseClient> streams) {
    this.listen = listen;
    this.streams = streams;
    this.app = app;
    this.checks = checks;
    this.store = store;
    this.routes = routes;
  }

  /** Starts a checker; a database or listen failure is an exception with a one-line message. */
  public static WebChecker start(ServeOptions options) throws IOException {
    return start(options, Checks.defaultScanner());
  }

  /** As {@link #start(ServeOptions)} with another scanner (tests). */
  static WebChecker start(ServeOptions options, Scanner scanner) throws IOException {
    WebCheckStore store = WebCheckStore.open(options.database());
    Checks checks;
    try {
      checks = new Checks(options, store, scanner, Clock.systemUTC());
    } catch (StoreException | RuntimeException e) {
      store.close();
      throw e;
    }
    List<String> routes = new ArrayList<>();
    Set<SseClient> streams = ConcurrentHashMap.newKeySet();
    ClientAddress clients = new ClientAddress(options.trustedProxies());
    Javalin app = Javalin.create(config -> configure(config, checks, routes, streams, clients));
    try {
      app.start(options.listen().getHostString(), options.listen().getPort());
    } catch (RuntimeException e) {
      checks.close();
      store.close();
      throw new IOException("cannot listen on " + options.listen().getHostString() + ":" + options.listen().getPort()
          + ": " + rootMessage(e), e);
    }
    return new WebChecker(app, checks, store, List.copyOf(routes), options.listen(), streams);
  }

  /** http://HOST:PORT/ as a browser on this machine reaches it (an IPv6 listen address in brackets). */
  public URI uri() {
    java.net.InetAddress bound = listen.getAddress();
    String host = bound == null || bound.isAnyLocalAddress() ? "127.0.0.1" : bound.getHostAddress();
    return URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port() + "/");
  }

  public int port() {
    return app.port();
  }

  /** Every route as "METHOD /path", in registration order: what the OpenAPI file must describe. */
  List<String> routes() {
    return routes;
  }

  @Override
  public void close() throws IOException {
    try {
      checks.close(); // announces interrupted checks to their streams, which then end
    } finally {
      try {
        for (SseClient stream : List.copyOf(streams)) {
          stream.close(); // an open event stream would hold the server's graceful stop until its timeout
        }
        app.stop();
      } finally {
        store.close();
      }
    }
  }

  private static void configure(JavalinConfig config, Checks checks, List<String> routes, Set<SseClient> streams,
      ClientAddress clients) {
    config.startup.showJavalinBanner = false;
    config.jetty.modifyServer(server -> server.setStopTimeout(STOP_TIMEOUT_MILLIS));
    config.startup.showOldJavalinVersionWarning = false;
    config.http.maxRequestSize = MAX_BODY_BYTES;
    byte[] script = resource("app.js");
    byte[] style = resource("style.css");
    byte[] openapi = resource("openapi.yaml");

    config.routes.before(ctx -> {
      // Every response, pages and API and errors: no framing, no sniffing, no referrer, nothing from elsewhere.
      ctx.header("Content-Security-Policy", CSP);
      ctx.header("X-Frame-Options", "DENY");
      ctx.header("X-Content-Type-Options", "nosniff");
      ctx.header("Referrer-Policy", "no-referrer");
      ctx.header("Cross-Origin-Opener-Policy", "same-origin");
      ctx.header("Cross-Origin-Resource-Policy", "same-origin");
      ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    });

    config.routes.before(ctx -> {
      // No cookies or sessions here, but another site could still make its visitors' browsers start checks (with
      // their addresses and rate limits): a browser's POST from another site is refused. Tools send neither header.
      if (ctx.method() == io.javalin.http.HandlerType.POST
          && !sameOrigin(ctx.header("Sec-Fetch-Site"), ctx.header("Origin"), ctx.header("Host"))) {
        throw ApiError.refused("cross-site request refused: a check can be started from this server's own pages or"
            + " by a program, not from another site");
      }
    });

    Route r = new Route(config, routes);
    r.get("/", ctx -> html(ctx, Pages.index(null, "", Checks.PROTOCOL_AUTO)));
    r.post("/checks", ctx -> submitForm(ctx, checks, client(ctx, clients)));
    r.get("/checks/{id}", ctx -> html(ctx, Pages.check(found(checks, ctx.pathParam("id")))));
    r.get("/hosts/{host}", ctx -> {
      String host = ctx.pathParam("host");
      html(ctx, Pages.host(host, checks.forHost(host, HISTORY_LIMIT)));
    });
    r.get("/recent", ctx -> html(ctx, Pages.recent(checks.recent(HISTORY_LIMIT))));
    r.get("/bulk", ctx -> html(ctx, Pages.bulk()));
    r.get("/static/app.js", ctx -> asset(ctx, "text/javascript; charset=utf-8", script));
    r.get("/static/style.css", ctx -> asset(ctx, "text/css; charset=utf-8", style));
    r.get("/health", ctx -> json(ctx, 200, "{\"status\":\"ok\",\"inFlight\":" + checks.inFlight() + "}"));
    r.post("/api/v1/checks", ctx -> {
      CheckRequest request = CheckRequest.fromJson(body(ctx));
      Checks.Submitted s = checks.submit(request, client(ctx, clients));
      boolean finished = s.check().finished();
      ctx.header("Location", "/api/v1/checks/" + s.check().id());
      json(ctx, s.cached() || finished ? 200 : 202, CheckJson.check(s.check(), s.cached()));
    });
    r.get("/api/v1/checks/{id}", ctx -> json(ctx, 200, CheckJson.check(found(checks, ctx.pathParam("id")), false)));
    config.routes.before("/api/v1/checks/{id}/events", ctx -> {
      // Javalin answers an empty 200 to a stream request without this header; say what is wrong instead.
      String accept = ctx.header("Accept");
      if (accept == null || !accept.contains("text/event-stream")) {
        throw ApiError.notAcceptable("this is a server-sent event stream: send 'Accept: text/event-stream', or poll"
            + " GET /api/v1/checks/" + Html.printable(ctx.pathParam("id"), 40));
      }
    });
    r.sse("/api/v1/checks/{id}/events", client -> events(client, checks, streams));
    r.get("/api/v1/hosts/{host}/checks", ctx -> {
      String host = ctx.pathParam("host");
      json(ctx, 200, CheckJson.checks(host, checks.forHost(host, HISTORY_LIMIT)));
    });
    r.get("/api/v1/openapi.yaml", ctx -> asset(ctx, "application/yaml; charset=utf-8", openapi));

    config.routes.exception(ApiError.class, (e, ctx) -> {
      if (e.retryAfterSeconds() > 0) {
        ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
      }
      error(ctx, e.status(), e.getMessage());
    });
    config.routes.exception(HttpResponseException.class, (e, ctx) -> {
      int status = e.getStatus() == 413 ? 400 : e.getStatus();
      String message = switch (e.getStatus()) {
        case 404 -> "no such page or API route: " + Html.printable(ctx.method() + " " + ctx.path(), 200);
        case 405 -> "method " + ctx.method() + " is not allowed on " + Html.printable(ctx.path(), 200);
        case 413 -> "the request body is larger than " + MAX_BODY_BYTES + " bytes";
        default -> Html.printable(String.valueOf(e.getMessage()), 200);
      };
      error(ctx, status, message);
    });
    config.routes.exception(Exception.class, (e, ctx) -> {
      // A database or internal failure: one line to the log and to the client, never a stack trace.
      System.err.println("heartguard serve: " + ctx.method() + " " + Html.printable(ctx.path(), 200) + ": " + rootMessage(e));
      error(ctx, 500, "internal error; try again later");
    });
  }

  /** The check form without JavaScript: a redirect to the new check's page, or the form again with the error. */
  private static void submitForm(Context ctx, Checks checks, String client) {
    String target = Optional.ofNullable(ctx.formParam("target")).orElse("");
    String protocol = Optional.ofNullable(ctx.formParam("protocol")).orElse(Checks.PROTOCOL_AUTO);
    boolean fresh = "true".equals(ctx.formParam("fresh")) || "on".equals(ctx.formParam("fresh"));
    try {
      Checks.Submitted s = checks.submit(new CheckRequest(target, null, protocol, fresh), client);
      ctx.redirect("/checks/" + s.check().id(), HttpStatus.SEE_OTHER);
    } catch (ApiError e) {
      if (e.retryAfterSeconds() > 0) {
        ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
      }
      String kept = Checks.protocolNames().contains(protocol) ? protocol : Checks.PROTOCOL_AUTO;
      html(ctx.status(e.status()), Pages.index(e.getMessage(), Html.printable(target, CheckRequest.MAX_TARGET_LENGTH), kept));
    }
  }

  /** SSE: the current status at once, then each change; the stream ends when the check has finished. */
  private static void events(SseClient client, Checks checks, Set<SseClient> streams) {
    String id = client.ctx().pathParam("id");
    Optional<WebCheck> now = checks.find(id);
    if (now.isEmpty()) {
      client.sendEvent("error", CheckJson.error("no check " + Html.printable(id, 40)));
      client.close();
      return;
    }
    client.keepAlive();
    streams.add(client);
    Runnable unsubscribe = checks.listen(id, check -> {
      synchronized (client) { // the engine's thread and this one may both send: one event at a time
        client.sendEvent("status", CheckJson.status(check));
      }
      if (check.finished()) {
        client.close();
      }
    });
    Runnable stop = () -> {
      unsubscribe.run();
      streams.remove(client);
    };
    client.onClose(stop); // the one close callback: on our close, the server's, or a client gone away
    WebCheck current = checks.find(id).orElse(now.get()); // read after subscribing: no change is missed
    synchronized (client) {
      client.sendEvent("status", CheckJson.status(current));
    }
    if (current.finished()) {
      stop.run();
      client.close();
    }
  }

  private static String client(Context ctx, ClientAddress clients) {
    return clients.of(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
  }

  private static WebCheck found(Checks checks, String id) {
    return checks.find(id).orElseThrow(() -> ApiError.notFound("no check with id " + Html.printable(id, 40)));
  }

  private static String body(Context ctx) throws IOException {
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw ApiError.badRequest("the request body is larger than " + MAX_BODY_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static void error(Context ctx, int status, String message) {
    if (ctx.path().startsWith("/api/") || ctx.path().equals("/health")) {
      json(ctx, status, CheckJson.error(message));
    } else {
      html(ctx.status(status), Pages.error(status, message));
    }
  }

  private static void html(Context ctx, String page) {
    ctx.contentType("text/html; charset=utf-8").result(page);
  }

  private static void json(Context ctx, int status, String body) {
    ctx.status(status).contentType("application/json; charset=utf-8").result(body);
  }

  private static void asset(Context ctx, String type, byte[] bytes) {
    ctx.header("Cache-Control", "public, max-age=300").contentType(type).result(bytes);
  }

  private static byte[] resource(String name) {
    try (InputStream in = WebChecker.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().lines().findFirst().orElse("");
  }

  /**
   * Whether a request comes from this server's own pages or from no page at all. Browsers send Fetch Metadata
   * ({@code Sec-Fetch-Site}), which our {@code Referrer-Policy: no-referrer} leaves intact, where it turns a form's
   * {@code Origin} into "null"; older browsers send only {@code Origin}, compared with {@code Host}.
   */
  static boolean sameOrigin(String fetchSite, String origin, String host) {
    if (fetchSite != null) {
      return fetchSite.equals("same-origin") || fetchSite.equals("none"); // none: typed or bookmarked by the user
    }
    if (origin == null || origin.equals("null")) {
      return true;
    }
    try {
      String authority = java.net.URI.create(origin).getRawAuthority();
      return authority != null && host != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Registers routes and remembers each, so a test can hold the OpenAPI file to all of them. */
  private record Route(JavalinConfig config, List<String> routes) {
    void get(String path, Handler handler) {
      routes.add("GET " + path);
      config.routes.get(path, handler);
    }

    void post(String path, Handler handler) {
      routes.add("POST " + path);
      config.routes.post(path, handler);
    }

    void sse(String path, java.util.function.Consumer<SseClient> handler) {
      routes.add("GET " + path);
      config.routes.sse(path, handler);
    }
  }
}
