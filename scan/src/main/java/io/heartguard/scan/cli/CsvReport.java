package io.heartguard.scan.cli;

import io.heartguard.scan.CertificateFacts;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.engine.ResultSink;
import java.io.IOException;
import java.io.Writer;

/**
 * {@code --csv}: a header, then one row per target as each check completes. RFC 4180: CRLF ends each record
 * (section 2, rule 1), a field holding a comma, a double quote, CR or LF is enclosed in double quotes (rule 6) and a
 * double quote inside it is doubled (rule 7). Absent values are empty fields.
 */
final class CsvReport implements ResultSink {
  static final String HEADER = "target,host,port,address,protocol,tls_version,cipher,heartbeat,verdict,reason,"
      + "bytes_leaked,cert_subject,cert_issuer,cert_not_before,cert_not_after,cert_issued_after_disclosure,elapsed_ms";

  private final Writer out;

  CsvReport(Writer out) throws IOException {
    this.out = out;
    out.write(HEADER + "\r\n");
    out.flush();
  }

  @Override
  public void accept(ScanResult r) throws IOException {
    CertificateFacts c = r.certificate();
    out.write(String.join(",",
        field(r.target().input()),
        field(r.target().host()),
        Integer.toString(r.target().port()),
        field(r.address()),
        field(r.protocol()),
        field(r.tlsVersion() == null ? null : r.tlsVersion().displayName()),
        field(r.cipher()),
        field(r.heartbeat() == null ? null : ScanResult.modeName(r.heartbeat())),
        r.verdict().name(),
        field(r.reason()),
        Long.toString(r.bytesLeaked()),
        field(c == null ? null : c.subject()),
        field(c == null ? null : c.issuer()),
        field(c == null ? null : c.notBefore().toString()),
        field(c == null ? null : c.notAfter().toString()),
        c == null ? "" : Boolean.toString(c.issuedAfterDisclosure()),
        Long.toString(r.elapsedMillis())));
    out.write("\r\n");
    out.flush();
  }

  /** One field, quoted when RFC 4180 section 2 rule 6 requires it; null is the empty field. */
  static String field(String value) {
    if (value == null) {
      return "";
    }
    boolean quote = false;
    for (int i = 0; i < value.length() && !quote; i++) {
      char ch = value.charAt(i);
      quote = ch == ',' || ch == '"' || ch == '\r' || ch == '\n';
    }
    return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }
}
