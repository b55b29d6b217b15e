package io.heartguard.serve;

import static io.heartguard.serve.Html.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heartguard.store.WebCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The server-rendered pages. Every value from a user, a DNS answer or a checked server is escaped with
 * {@link Html#text}; the only script is /static/app.js (CSP forbids inline script), and the pages work without it.
 */
final class Pages {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private Pages() {}

  /** The check page; {@code error} (already one line) is shown as an alert above the form, with the input kept. */
  static String index(String error, String target, String protocol) {
    StringBuilder b = new StringBuilder();
    b.append("<h1>Is this server affected by Heartbleed?</h1>\n");
    b.append("<p class=\"lead\">Enter a host name, host:port or https:// URL. heartguard connects once, sends a"
        + " heartbeat that claims a few bytes more than it carries and watches whether the server answers with bytes"
        + " it should not have. No leaked memory is kept or shown.</p>\n");
    if (error != null) {
      b.append("<p id=\"error\" role=\"alert\" class=\"error\">").append(text(error)).append("</p>\n");
    }
    b.append(form(target, protocol));
    b.append("<p>Many hosts? Use the <a href=\"/bulk\">bulk check</a>. See the <a href=\"/recent\">recent checks</a>"
        + " or the <a href=\"/api/v1/openapi.yaml\">API</a>.</p>\n");
    return page("Heartbleed check", b.toString(), null);
  }

  private static String form(String target, String protocol) {
    StringBuilder b = new StringBuilder();
    b.append("<form id=\"check-form\" method=\"post\" action=\"/checks\" class=\"check-form\">\n");
    b.append("<div class=\"field\"><label for=\"target\">Server to check</label>\n");
    b.append("<input id=\"target\" name=\"target\" type=\"text\" required maxlength=\"")
        .append(CheckRequest.MAX_TARGET_LENGTH).append("\" autocomplete=\"url\" autocapitalize=\"off\" spellcheck=\"false\""
            + " placeholder=\"example.com or example.com:8443\" aria-describedby=\"target-help\" value=\"")
        .append(text(target)).append("\">\n");
    b.append("<span id=\"target-help\" class=\"help\">Port 443 unless you name one.</span></div>\n");
    b.append("<div class=\"field\"><label for=\"protocol\">Protocol</label>\n<select id=\"protocol\" name=\"protocol\""
        + " aria-describedby=\"protocol-help\">\n");
    for (String p : Checks.protocolNames()) {
      b.append("<option value=\"").append(text(p)).append('"').append(p.equals(protocol) ? " selected" : "").append('>')
          .append(text(protocolLabel(p))).append("</option>\n");
    }
    b.append("</select>\n<span id=\"protocol-help\" class=\"help\">Auto picks STARTTLS from well-known ports (25 smtp,"
        + " 143 imap, ...), else TLS.</span></div>\n");
    b.append("<div class=\"field checkbox\"><input id=\"fresh\" name=\"fresh\" type=\"checkbox\" value=\"true\">"
        + "<label for=\"fresh\">Check again even if checked in the last minutes</label></div>\n");
    b.append("<button id=\"check\" type=\"submit\">Check</button>\n</form>\n");
    return b.toString();
  }

  private static String protocolLabel(String p) {
    return switch (p) {
      case Checks.PROTOCOL_AUTO -> "auto (by port)";
      case "tls" -> "HTTPS / TLS";
      default -> p + " (STARTTLS)";
    };
  }

  /** A check's stable page: pending while it runs (JavaScript follows it live, else the page refreshes itself). */
  static String check(WebCheck c) {
    JsonNode r = result(c);
    String state = verdictState(c);
    StringBuilder b = new StringBuilder();
    b.append("<h1>Heartbleed check of <span class=\"target\">").append(text(c.targetInput())).append("</span></h1>\n");
    b.append("<section id=\"result\" data-check-id=\"").append(text(c.id())).append("\" data-status=\"")
        .append(text(c.status().word())).append("\" aria-live=\"polite\">\n");
    b.append("<p id=\"verdict\" class=\"verdict verdict-").append(text(state)).append("\" data-verdict=\"")
        .append(text(state)).append("\" role=\"status\">").append(text(verdictWords(state))).append("</p>\n");
    switch (state) {
      case "pending" -> b.append("<p id=\"progress\">").append(c.status() == WebCheck.Status.QUEUED
          ? "Queued: the check starts in a moment." : "Running: connecting, saying hello and sending the heartbeat.")
          .append(" This page updates by itself.</p>\n");
      case "interrupted" -> b.append("<p>The checker stopped before this check finished, so there is no answer. ")
          .append("Check again below.</p>\n");
      default -> explain(b, state, r);
    }
    if (r != null) {
      details(b, c, r);
    } else {
      b.append("<dl class=\"facts\"><dt>Server</dt><dd>").append(text(authority(c))).append("</dd><dt>Address</dt><dd>")
          .append(text(c.address())).append("</dd><dt>Protocol</dt><dd>").append(text(c.protocol()))
          .append("</dd><dt>Requested</dt><dd>").append(text(WHEN.format(c.requestedAt()))).append("</dd></dl>\n");
    }
    b.append("</section>\n");
    if (!state.equals("pending")) {
      b.append("<form method=\"post\" action=\"/checks\" class=\"again\">")
          .append("<input type=\"hidden\" name=\"target\" value=\"").append(text(authority(c))).append("\">")
          .append("<input type=\"hidden\" name=\"protocol\" value=\"").append(text(c.protocol())).append("\">")
          .append("<input type=\"hidden\" name=\"fresh\" value=\"true\">")
          .append("<button type=\"submit\">Check again now</button></form>\n");
    }
    b.append("<p class=\"links\">Link to this result: <a id=\"share\" href=\"/checks/").append(text(c.id())).append("\">/checks/")
        .append(text(c.id())).append("</a> · <a href=\"/hosts/").append(text(Html.pathSegment(c.host())))
        .append("\">all checks of ").append(text(c.host())).append("</a> · <a href=\"/\">check another server</a></p>\n");
    String refresh = state.equals("pending") ? "<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>\n" : null;
    return page("Heartbleed check of " + c.targetInput(), b.toString(), refresh);
  }

  private static void explain(StringBuilder b, String verdict, JsonNode r) {
    String reason = r.path("reason").asText("");
    switch (verdict) {
      case "VULNERABLE" -> {
        b.append("<p class=\"summary\">This server answered a malformed heartbeat with ")
            .append(r.path("bytesLeaked").asLong()).append(" bytes of its own memory (counted, not kept). Anyone can")
            .append(" read its private keys, session cookies and passwords this way.</p>\n");
        b.append("<p class=\"reason\">What we saw: ").append(text(reason)).append(".</p>\n");
        b.append("<h2>What to do now</h2>\n<ol class=\"advice\">\n")
            .append("<li>Upgrade OpenSSL to 1.0.1g or later, or rebuild it with <code>-DOPENSSL_NO_HEARTBEATS</code>.</li>\n")
            .append("<li>Restart every process that loaded the library (web server, mail server, VPN, ...): a running")
            .append(" process keeps the old code until it restarts.</li>\n")
            .append("<li>Revoke the server's certificates and reissue them with new private keys: the old keys may")
            .append(" have leaked.</li>\n")
            .append("<li>Rotate session keys and tickets, and have users change their passwords once the server is")
            .append(" fixed.</li>\n</ol>\n");
      }
      case "NOT_VULNERABLE" -> b.append("<p class=\"summary\">This server did not leak memory.</p>\n")
          .append("<p class=\"reason\">What we saw: ").append(text(reason)).append(".</p>\n");
      default -> {
        b.append("<p class=\"summary\">We could not tell whether this server is affected: the check got no answer"
            + " that proves it either way.</p>\n<p class=\"reason\">What we saw: ").append(text(reason))
            .append(".</p>\n<h2>What to try</h2>\n<ul>\n")
            .append("<li>Check that the host and port are right and that the service is reachable from the internet.</li>\n")
            .append("<li>If the port speaks a protocol that starts in plain text (SMTP, IMAP, ...), choose it as the")
            .append(" protocol.</li>\n<li>Check again in a minute: a busy or rate-limiting server may time out once.</li>\n")
            .append("</ul>\n");
      }
    }
  }

  private static void details(StringBuilder b, WebCheck c, JsonNode r) {
    b.append("<h2>Details</h2>\n<dl class=\"facts\">\n");
    fact(b, "Server", authority(c));
    fact(b, "Address", r.path("address").asText(c.address()));
    fact(b, "Protocol", r.path("protocol").asText(c.protocol()));
    fact(b, "TLS version", r.path("tlsVersion").isNull() ? "none negotiated" : r.path("tlsVersion").asText());
    fact(b, "Cipher", r.path("cipher").isNull() ? "none" : r.path("cipher").asText());
    fact(b, "Heartbeat extension", r.path("heartbeat").isNull() ? "not offered by the server" : r.path("heartbeat").asText());
    fact(b, "Bytes leaked", r.path("bytesLeaked").asText("0"));
    fact(b, "Checked", WHEN.format(c.finishedAt() == null ? c.requestedAt() : c.finishedAt())
        + " (took " + r.path("elapsedMs").asLong() + " ms)");
    b.append("</dl>\n");
    JsonNode cert = r.path("certificate");
    b.append("<h2>Certificate</h2>\n");
    if (cert.isObject()) {
      boolean after = r.path("certificateIssuedAfterDisclosure").asBoolean();
      b.append("<dl class=\"facts\">\n");
      fact(b, "Subject", cert.path("subject").asText());
      fact(b, "Issuer", cert.path("issuer").asText());
      fact(b, "Valid from", day(cert.path("notBefore").asText()));
      fact(b, "Valid until", day(cert.path("notAfter").asText()));
      b.append("</dl>\n<p id=\"certificate-age\" class=\"").append(after ? "ok" : "warn").append("\">")
          .append(after ? "Issued after the disclosure on 2014-04-07: it may be a replacement."
              : "Issued on or before 2014-04-07, the day Heartbleed was disclosed: its private key may have leaked."
                  + " Replace it with a certificate for a new key.")
          .append("</p>\n");
    } else {
      b.append("<p>The server sent no certificate we could read.</p>\n");
    }
    JsonNode evidence = r.path("evidence");
    if (evidence.isArray() && !evidence.isEmpty()) {
      b.append("<h2>Evidence</h2>\n<ol id=\"evidence\" class=\"evidence\">\n");
      for (JsonNode e : evidence) {
        b.append("<li>").append(text(e.asText())).append("</li>\n");
      }
      b.append("</ol>\n");
    }
    JsonNode warnings = r.path("warnings");
    if (warnings.isArray() && !warnings.isEmpty()) {
      b.append("<h2>Warnings</h2>\n<ul class=\"warnings\">\n");
      for (JsonNode w : warnings) {
        b.append("<li>").append(text(w.asText())).append("</li>\n");
      }
      b.append("</ul>\n");
    }
  }

  private static void fact(StringBuilder b, String name, String value) {
    b.append("<dt>").append(text(name)).append("</dt><dd>").append(text(value)).append("</dd>\n");
  }

  /** A host's checks, newest first. */
  static String host(String host, List<WebCheck> checks) {
    StringBuilder b = new StringBuilder();
    b.append("<h1>Checks of <span class=\"target\">").append(text(host)).append("</span></h1>\n");
    if (checks.isEmpty()) {
      b.append("<p>No checks of this host yet. <a href=\"/\">Check it</a>.</p>\n");
    } else {
      table(b, checks, false);
    }
    return page("Checks of " + host, b.toString(), null);
  }

  static String recent(List<WebCheck> checks) {
    StringBuilder b = new StringBuilder("<h1>Recent checks</h1>\n");
    if (checks.isEmpty()) {
      b.append("<p>No checks yet. <a href=\"/\">Check a server</a>.</p>\n");
    } else {
      table(b, checks, true);
    }
    return page("Recent checks", b.toString(), null);
  }

  private static void table(StringBuilder b, List<WebCheck> checks, boolean withHost) {
    b.append("<div class=\"scroll\"><table class=\"checks\">\n<thead><tr><th scope=\"col\">When (UTC)</th>")
        .append(withHost ? "<th scope=\"col\">Server</th>" : "<th scope=\"col\">Port</th>")
        .append("<th scope=\"col\">Protocol</th><th scope=\"col\">Verdict</th><th scope=\"col\">Result</th></tr></thead>\n<tbody>\n");
    for (WebCheck c : checks) {
      String state = verdictState(c);
      b.append("<tr><td>").append(text(WHEN.format(c.requestedAt()))).append("</td><td>");
      if (withHost) {
        b.append("<a href=\"/hosts/").append(text(Html.pathSegment(c.host()))).append("\">").append(text(authority(c))).append("</a>");
      } else {
        b.append(c.port());
      }
      b.append("</td><td>").append(text(c.protocol())).append("</td><td class=\"verdict verdict-").append(text(state))
          .append("\" data-verdict=\"").append(text(state)).append("\">").append(text(verdictWords(state)))
          .append("</td><td><a href=\"/checks/").append(text(c.id())).append("\">details</a></td></tr>\n");
    }
    b.append("</tbody></table></div>\n");
  }

  static String bulk() {
    StringBuilder b = new StringBuilder("<h1>Bulk check</h1>\n");
    b.append("<p>Paste one server per line (host, host:port or https:// URL). Each is checked as on the main page;")
        .append(" the table fills in as results arrive. Rate limits apply: the page waits and retries when asked.</p>\n");
    b.append("<noscript><p class=\"error\">The bulk check needs JavaScript. Without it, check servers one at a time on")
        .append(" <a href=\"/\">the main page</a>.</p></noscript>\n");
    b.append("<form id=\"bulk-form\" class=\"check-form\">\n<div class=\"field\"><label for=\"targets\">Servers, one a line</label>\n")
        .append("<textarea id=\"targets\" name=\"targets\" rows=\"8\" spellcheck=\"false\" autocapitalize=\"off\"></textarea></div>\n")
        .append("<div class=\"field\"><label for=\"bulk-protocol\">Protocol</label>\n<select id=\"bulk-protocol\" name=\"protocol\">\n");
    for (String p : Checks.protocolNames()) {
      b.append("<option value=\"").append(text(p)).append("\">").append(text(protocolLabel(p))).append("</option>\n");
    }
    b.append("</select></div>\n<button id=\"check-all\" type=\"button\">Check all</button>\n</form>\n");
    b.append("<p id=\"bulk-status\" role=\"status\" aria-live=\"polite\"></p>\n");
    b.append("<div class=\"scroll\"><table id=\"bulk-results\" class=\"checks\">\n<thead><tr><th scope=\"col\">Server</th>")
        .append("<th scope=\"col\">Verdict</th><th scope=\"col\">Result</th></tr></thead>\n<tbody></tbody></table></div>\n");
    return page("Bulk check", b.toString(), null);
  }

  static String error(int status, String message) {
    String body = "<h1>" + (status == 404 ? "Not found" : "Cannot do that") + "</h1>\n<p id=\"error\" role=\"alert\" class=\"error\">"
        + text(message) + "</p>\n<p><a href=\"/\">Check a server</a></p>\n";
    return page(status == 404 ? "Not found" : "Error", body, null);
  }

  /** pending, interrupted, or the verdict name: the data-verdict values the pages and tests share. */
  static String verdictState(WebCheck c) {
    return switch (c.status()) {
      case QUEUED, RUNNING -> "pending";
      case INTERRUPTED -> "interrupted";
      case DONE -> c.verdict() == null ? "INCONCLUSIVE" : c.verdict();
    };
  }

  static String verdictWords(String state) {
    return switch (state) {
      case "pending" -> "Checking…";
      case "interrupted" -> "INTERRUPTED: no result";
      case "VULNERABLE" -> "VULNERABLE";
      case "NOT_VULNERABLE" -> "NOT VULNERABLE";
      default -> "INCONCLUSIVE";
    };
  }

  private static String authority(WebCheck c) {
    return (c.host().indexOf(':') >= 0 ? "[" + c.host() + "]" : c.host()) + ":" + c.port();
  }

  private static String day(String instant) {
    try {
      return DAY.format(Instant.parse(instant));
    } catch (RuntimeException e) {
      return instant;
    }
  }

  private static JsonNode result(WebCheck c) {
    if (c.resultJson() == null) {
      return null;
    }
    try {
      return JSON.readTree(c.resultJson());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String page(String title, String main, String head) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>" + text(title) + " · heartguard</title>\n"
        + "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
        + "<script src=\"/static/app.js\" defer></script>\n"
        + (head == null ? "" : head)
        + "</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
        + "<header><nav aria-label=\"Main\"><a href=\"/\" class=\"brand\">heartguard</a> <a href=\"/bulk\">Bulk check</a>"
        + " <a href=\"/recent\">Recent checks</a> <a href=\"/api/v1/openapi.yaml\">API</a></nav></header>\n"
        + "<main id=\"main\">\n" + main + "</main>\n"
        + "<footer><p>heartguard checks for Heartbleed (CVE-2014-0160). Leaked memory is never stored or shown.</p></footer>\n"
        + "</body>\n</html>\n";
  }
}
