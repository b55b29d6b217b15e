package io.heartguard.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.Scanner;
import io.heartguard.scan.HeartbleedCheck;
import io.heartguard.scan.dtls.DtlsCheck;
import io.heartguard.scan.starttls.StartTlsMode;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the coordinator's {@code scan} options say each target is checked, carried in every block so that a worker
 * needs no options of its own but its broker and concurrency: the timeouts, the versions offered, the STARTTLS mode,
 * DTLS or TLS, the retries, and the whole job's rate (0 for none).
 */
record CheckSettings(long timeoutMillis, long connectTimeoutMillis, List<Integer> versions, String starttls,
    boolean dtls, int retries, double rate) {
  CheckSettings {
    versions = List.copyOf(versions);
  }

  static CheckSettings of(ScanOptions options, String protocol, int retries, Double rate) {
    StartTlsMode mode = options.starttls();
    String starttls = mode.byPort() ? "auto" : mode.protocol() == null ? "none" : mode.protocol().protocolName();
    return new CheckSettings(options.timeout().toMillis(), options.connectTimeout().toMillis(),
        options.versions().stream().map(ProtocolVersion::code).toList(), starttls, "dtls".equals(protocol), retries,
        rate == null ? 0 : rate);
  }

  ScanOptions options() {
    return ScanOptions.defaults().withTimeout(Duration.ofMillis(timeoutMillis))
        .withConnectTimeout(Duration.ofMillis(connectTimeoutMillis))
        .withVersions(versions.stream().map(ProtocolVersion::fromCode).toList())
        .withStartTls(StartTlsMode.parse(starttls));
  }

  Scanner scanner() {
    return dtls ? new DtlsCheck() : new HeartbleedCheck();
  }

  ObjectNode toJson(ObjectMapper json) {
    ObjectNode n = json.createObjectNode();
    n.put("timeout_ms", timeoutMillis);
    n.put("connect_timeout_ms", connectTimeoutMillis);
    versions.forEach(n.putArray("versions")::add);
    n.put("starttls", starttls);
    n.put("dtls", dtls);
    n.put("retries", retries);
    n.put("rate", rate);
    return n;
  }

  static CheckSettings parse(JsonNode n) throws IOException {
    List<Integer> versions = new ArrayList<>();
    for (JsonNode v : Block.required(n, "versions")) {
      versions.add(v.asInt());
    }
    return new CheckSettings(Block.required(n, "timeout_ms").asLong(), Block.required(n, "connect_timeout_ms").asLong(),
        versions, Block.required(n, "starttls").asText(), Block.required(n, "dtls").asBoolean(),
        Block.required(n, "retries").asInt(), Block.required(n, "rate").asDouble());
  }
}
