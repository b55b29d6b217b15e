package io.heartguard.wire.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.testkit.RealOpenSsl;
import io.heartguard.testkit.RealOpenSslServers;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Full handshakes against the real OpenSSL 1.0.1f and 1.0.1g {@code s_server -www}: every version and every suite
 * family, then "GET / HTTP/1.0" as application data and the page back, protected, until s_server closes (its
 * {@code -www} mode marks the session shut down without sending close_notify).
 * The page names the suite the server used, so both ends agree on what was negotiated.
 */
class TlsSessionAgainstOpenSslTest {
  @RegisterExtension static final RealOpenSslServers openssl = RealOpenSslServers.both();

  @Test
  void everyVersionAndSuiteFamilyCompletesAndCarriesAPageWith101f() throws Exception {
    handshakeEverySuite(openssl.vulnerable());
  }

  @Test
  void everyVersionAndSuiteFamilyCompletesAndCarriesAPageWith101g() throws Exception {
    handshakeEverySuite(openssl.fixed());
  }

  private static void handshakeEverySuite(RealOpenSsl server) throws Exception {
    for (ProtocolVersion version : List.of(ProtocolVersion.TLS1_0, ProtocolVersion.TLS1_1, ProtocolVersion.TLS1_2)) {
      for (TlsSuite suite : TlsSuite.values()) {
        if (!suite.allowedIn(version)) {
          continue;
        }
        String page = fetchPage(server, version, suite);

        assertThat(page).as("%s %s %s", server.release(), version, suite).startsWith("HTTP/1.0 200 ok")
            .contains("Cipher is " + openSslName(suite))
            .contains("Protocol  : " + (version.equals(ProtocolVersion.TLS1_0) ? "TLSv1\n" : version.displayName()));
      }
    }
  }

  /** The page s_server -www writes, read over a session that offers only {@code suite}. */
  static String fetchPage(RealOpenSsl server, ProtocolVersion version, TlsSuite suite) throws Exception {
    TlsSession session = new TlsSession(version, List.of(suite), "localhost", new SecureRandom());
    try (Socket socket = new Socket(server.host(), server.port())) {
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      RecordReader records = new RecordReader();
      socket.getOutputStream().write(session.clientHello());
      while (!session.established()) {
        TlsRecord record = nextRecord(in, records);
        assertThat(record).as("a record before the handshake ends").isNotNull();
        socket.getOutputStream().write(session.receive(record));
      }
      assertThat(session.suite()).isEqualTo(suite);
      assertThat(session.version()).isEqualTo(version);
      socket.getOutputStream().write(session.seal(ContentType.APPLICATION_DATA,
          "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      ByteArrayOutputStream page = new ByteArrayOutputStream();
      TlsRecord record;
      while ((record = nextRecord(in, records)) != null) {
        byte[] plaintext = session.open(record).toByteArray();
        if (record.type() == ContentType.ALERT) {
          assertThat(plaintext).as("close_notify").containsExactly(Alert.WARNING, Alert.CLOSE_NOTIFY);
          return page.toString(StandardCharsets.ISO_8859_1);
        }
        assertThat(record.type()).isEqualTo(ContentType.APPLICATION_DATA);
        page.writeBytes(plaintext);
      }
      return page.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** The next record, or null at a clean end of stream. */
  private static TlsRecord nextRecord(InputStream in, RecordReader records) throws Exception {
    byte[] chunk = new byte[16384];
    while (true) {
      TlsRecord record = records.next();
      if (record != null) {
        return record;
      }
      int n = in.read(chunk);
      if (n < 0) {
        assertThat(records.buffered()).as("bytes of a cut record").isZero();
        return null;
      }
      records.feed(chunk, 0, n);
    }
  }

  /** OpenSSL's names for the suites, as s_server's page prints them. */
  private static String openSslName(TlsSuite suite) {
    return switch (suite) {
      case ECDHE_RSA_WITH_AES_256_GCM_SHA384 -> "ECDHE-RSA-AES256-GCM-SHA384";
      case ECDHE_RSA_WITH_AES_128_GCM_SHA256 -> "ECDHE-RSA-AES128-GCM-SHA256";
      case ECDHE_RSA_WITH_AES_256_CBC_SHA384 -> "ECDHE-RSA-AES256-SHA384";
      case ECDHE_RSA_WITH_AES_128_CBC_SHA256 -> "ECDHE-RSA-AES128-SHA256";
      case ECDHE_RSA_WITH_AES_256_CBC_SHA -> "ECDHE-RSA-AES256-SHA";
      case ECDHE_RSA_WITH_AES_128_CBC_SHA -> "ECDHE-RSA-AES128-SHA";
      case RSA_WITH_AES_256_GCM_SHA384 -> "AES256-GCM-SHA384";
      case RSA_WITH_AES_128_GCM_SHA256 -> "AES128-GCM-SHA256";
      case RSA_WITH_AES_256_CBC_SHA256 -> "AES256-SHA256";
      case RSA_WITH_AES_128_CBC_SHA256 -> "AES128-SHA256";
      case RSA_WITH_AES_256_CBC_SHA -> "AES256-SHA";
      case RSA_WITH_AES_128_CBC_SHA -> "AES128-SHA";
    };
  }
}
