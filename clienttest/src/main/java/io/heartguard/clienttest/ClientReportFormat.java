package io.heartguard.clienttest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.heartguard.wire.PeerText;
import java.util.LinkedHashMap;
import java.util.Map;

/** How a report is printed: one table row (with a header once) or one JSON object per line. */
enum ClientReportFormat {
  TABLE,
  JSON_LINES;

  /** Control characters are escaped by JSON itself; non-ASCII (C1 controls, bidi overrides) is escaped too. */
  private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  /** SNI longer than this is cut in the table (a host name has at most 253 characters; the column is 24 wide). */
  static final int TABLE_SNI_CHARS = 64;
  static final String TABLE_HEADER = String.format("%-22s %-15s %-32s %-24s %-5s %s", "CLIENT", "VERDICT", "JA3 MD5",
      "SNI", "LEAK", "REASON");

  String format(ClientReport r) {
    if (this == TABLE) {
      return String.format("%-22s %-15s %-32s %-24s %-5d %s", r.address(), r.verdict(),
          r.ja3Md5() == null ? "-" : r.ja3Md5(), r.serverName() == null ? "-" : PeerText.printable(r.serverName(), TABLE_SNI_CHARS), r.bytesLeaked(),
          PeerText.printable(r.reason()));
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("client", r.address());
    line.put("verdict", r.verdict().name());
    line.put("reason", r.reason());
    line.put("bytes_leaked", r.bytesLeaked());
    line.put("ja3", r.ja3());
    line.put("ja3_md5", r.ja3Md5());
    line.put("versions", r.versions());
    line.put("cipher_suites", r.cipherSuites());
    line.put("sni", r.serverName());
    line.put("heartbeat_offered", r.heartbeatOffered());
    line.put("starttls", r.starttls());
    try {
      return JSON.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a report: " + e.getMessage(), e);
    }
  }
}
