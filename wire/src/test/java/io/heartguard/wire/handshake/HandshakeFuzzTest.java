package io.heartguard.wire.handshake;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.heartguard.wire.Bytes;

/**
 * Under {@code mvn test} these replay the empty input and the seeds in HandshakeFuzzTestInputs/; with
 * JAZZER_FUZZ=1 they fuzz. Any exception other than {@link HandshakeException} escapes and is a finding, and so is
 * a parsed value that does not write back to a body that parses to the same value.
 */
class HandshakeFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void handshakeReader(byte[] input) {
    HandshakeReader reader = new HandshakeReader();
    reader.feed(Bytes.of(input));
    try {
      while (reader.next() != null) {
        if (reader.buffered() > input.length) {
          throw new AssertionError("buffered " + reader.buffered() + " of " + input.length + " bytes fed");
        }
      }
    } catch (HandshakeException refused) {
      // the one exception the reader may throw
    }
  }

  @FuzzTest(maxDuration = "30s")
  void clientHello(byte[] input) {
    try {
      ClientHello hello = ClientHello.parse(Bytes.of(input));
      requireEqual(hello, ClientHello.parse(hello.toBody()));
    } catch (HandshakeException refused) {
      // the one exception the parser may throw
    }
  }

  @FuzzTest(maxDuration = "30s")
  void serverHello(byte[] input) {
    try {
      ServerHello hello = ServerHello.parse(Bytes.of(input));
      requireEqual(hello, ServerHello.parse(hello.toBody()));
    } catch (HandshakeException refused) {
      // the one exception the parser may throw
    }
  }

  @FuzzTest(maxDuration = "30s")
  void certificateMessage(byte[] input) {
    try {
      CertificateMessage message = CertificateMessage.parse(Bytes.of(input));
      requireEqual(Bytes.of(input), message.toBody());
    } catch (HandshakeException refused) {
      // the one exception the parser may throw
    }
  }

  @FuzzTest(maxDuration = "30s")
  void dtlsHandshakeHeader(byte[] input) {
    try {
      DtlsHandshakeHeader header = DtlsHandshakeHeader.parse(input, 0);
      requireEqual(Bytes.of(input, 0, DtlsHandshakeHeader.LENGTH), Bytes.of(header.toByteArray()));
    } catch (HandshakeException refused) {
      // the one exception the parser may throw
    }
  }

  private static void requireEqual(Object expected, Object actual) {
    if (!expected.equals(actual)) {
      throw new AssertionError("round trip changed " + expected + " into " + actual);
    }
  }
}
