package io.heartguard.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heartguard.store.StoredCertificate;
import io.heartguard.store.StoredResult;
import io.heartguard.scan.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One checked target on the results topic, in its stored form (counts and facts, never leaked bytes), keyed by
 * {@link #key(long, String, String, int)}: a worker that redoes a block sends the same key again, and the coordinator
 * keeps the first.
 */
record ResultMessage(StoredResult result) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Job-unique: {@code #SEQ} for a numbered target, {@code HOST ADDRESS PORT} for an address a name resolved to. */
  static String key(long seq, String host, String address, int port) {
    return seq >= 0 ? "#" + seq : host + " " + address + " " + port;
  }

  String key() {
    return key(result.sequence(), result.host(), result.address(), result.port());
  }

  String recordKey() {
    return result.jobId() + "/" + key();
  }

  byte[] toJson() {
    StoredResult r = result;
    ObjectNode n = JSON.createObjectNode();
    n.put("job", r.jobId());
    n.put("seq", r.sequence());
    n.put("input", r.targetInput());
    n.put("host", r.host());
    n.put("port", r.port());
    n.put("address", r.address());
    n.put("protocol", r.protocol());
    n.put("tls_version", r.tlsVersion());
    n.put("cipher", r.cipher());
    n.put("heartbeat", r.heartbeatMode());
    n.put("verdict", r.verdict().name());
    n.put("reason", r.reason());
    n.put("bytes_leaked", r.bytesLeaked());
    StoredCertificate c = r.certificate();
    if (c != null) {
      ObjectNode cert = n.putObject("certificate");
      cert.put("subject", c.subject());
      cert.put("issuer", c.issuer());
      cert.put("not_before_ms", c.notBefore().toEpochMilli());
      cert.put("not_after_ms", c.notAfter().toEpochMilli());
      cert.put("issued_after_disclosure", c.issuedAfterDisclosure());
    }
    n.put("elapsed_ms", r.elapsedMillis());
    n.put("checked_at_ms", r.checkedAt().toEpochMilli());
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  static ResultMessage parse(byte[] json) throws IOException {
    try {
      JsonNode n = JSON.readTree(json);
      JsonNode c = n.get("certificate");
      StoredCertificate cert = c == null || c.isNull() ? null : new StoredCertificate(Block.required(c, "subject").asText(),
          Block.required(c, "issuer").asText(), Instant.ofEpochMilli(Block.required(c, "not_before_ms").asLong()),
          Instant.ofEpochMilli(Block.required(c, "not_after_ms").asLong()),
          Block.required(c, "issued_after_disclosure").asBoolean());
      return new ResultMessage(new StoredResult(Block.required(n, "job").asText(), Block.required(n, "seq").asLong(),
          Block.required(n, "input").asText(), Block.required(n, "host").asText(), Block.required(n, "port").asInt(),
          text(n, "address"), Block.required(n, "protocol").asText(), text(n, "tls_version"), text(n, "cipher"),
          text(n, "heartbeat"), Verdict.valueOf(Block.required(n, "verdict").asText()),
          Block.required(n, "reason").asText(), Block.required(n, "bytes_leaked").asLong(), cert,
          Block.required(n, "elapsed_ms").asLong(), Instant.ofEpochMilli(Block.required(n, "checked_at_ms").asLong())));
    } catch (IllegalArgumentException e) {
      throw new IOException("not a result: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
