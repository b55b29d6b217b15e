package io.heartguard.lab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.heartguard.tlsserver.Ja3Fingerprint;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per line: every heartbeat the lab saw (what it claimed and what was served, never the bytes), and
 * every connection that ended badly, with the reason. Lines from concurrent connections never interleave.
 */
final class LabLog implements AutoCloseable {
  /**
   * Peers choose much of what a line says (a reason quoting them, the SNI they sent), and the log is often read on a
   * terminal: control characters are escaped by JSON itself, and everything outside ASCII (C1 controls such as
   * U+009B, bidirectional overrides) is written as a JSON unicode escape too, so a line holds printable ASCII only.
   */
  private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private final OutputStream out;
  private final boolean closeOut;
  private final Clock clock;
  private final LabMode mode;

  LabLog(OutputStream out, boolean closeOut, Clock clock, LabMode mode) {
    this.out = out;
    this.closeOut = closeOut;
    this.clock = clock;
    this.mode = mode;
  }

  /**
   * {@code bytesServed} is the response message's length (0 when none); {@code bytesOverread} how much of it came from
   * past the request record; {@code bytesSent} how many bytes this write put on the wire (the rest stays in the
   * 4 KB handshake buffer).
   */
  void heartbeat(String peer, HeartbeatResponder.Reply reply, int bytesSent) {
    Map<String, Object> line = start("heartbeat", peer);
    line.put("type", reply.typeCode());
    line.put("payload_length", reply.declaredPayloadLength());
    line.put("record_length", reply.recordLength());
    line.put("outcome", reply.outcome().name().toLowerCase(java.util.Locale.ROOT));
    line.put("bytes_served", reply.message() == null ? 0 : reply.message().length);
    line.put("bytes_overread", reply.overreadBytes());
    line.put("bytes_sent", bytesSent);
    write(line);
  }

  /**
   * The honeypot's line for one heartbeat: who (source address and JA3), what it asked and was served, the scanner it
   * looks like, whether the heartbeat came encrypted inside a completed handshake, and the canary login issued when
   * the leak reached it (null otherwise). Leaked bytes are never logged.
   */
  void attempt(String peer, String source, Ja3Fingerprint ja3, ScannerGuess tool, HeartbeatResponder.Reply reply,
      String outcome, int bytesServed, int bytesSent, boolean encrypted, String canary) {
    Map<String, Object> line = start("attempt", peer);
    line.put("source", source);
    line.put("ja3", ja3 == null ? null : ja3.text());
    line.put("ja3_md5", ja3 == null ? null : ja3.md5());
    line.put("tool", tool.label());
    line.put("type", reply.typeCode());
    line.put("payload_length", reply.declaredPayloadLength());
    line.put("record_length", reply.recordLength());
    line.put("outcome", outcome);
    line.put("bytes_served", bytesServed);
    line.put("bytes_sent", bytesSent);
    line.put("encrypted", encrypted);
    line.put("canary", canary);
    write(line);
  }

  /** The first heartbeat refused over a byte budget, once until the source (or anyone, for {@code scope} global) is served again. */
  void rateLimited(String peer, String source, String scope, String limits) {
    Map<String, Object> line = start("rate_limited", peer);
    line.put("source", source);
    line.put("scope", scope);
    line.put("limits", limits);
    write(line);
  }

  /** A connection closed for {@code reason}: one line, no stack trace. */
  void connectionClosed(String peer, String reason) {
    Map<String, Object> line = start("close", peer);
    line.put("reason", reason);
    write(line);
  }

  private Map<String, Object> start(String event, String peer) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", clock.instant().toString());
    line.put("event", event);
    line.put("peer", peer);
    line.put("mode", mode.label());
    return line;
  }

  private void write(Map<String, Object> line) {
    byte[] bytes;
    try {
      bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a log line: " + e.getMessage(), e);
    }
    synchronized (this) {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the heartbeat log: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (closeOut) {
      out.close();
    } else {
      out.flush();
    }
  }
}
