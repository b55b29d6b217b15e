package io.heartguard.wire.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import org.junit.jupiter.api.Test;

/** Sealing and opening with the same keys, for every suite and version; a flipped bit fails the MAC or the tag. */
class RecordProtectionTest {
  private static final byte[] CLIENT_RANDOM = Bytes.repeat(1, 32).toByteArray();
  private static final byte[] SERVER_RANDOM = Bytes.repeat(2, 32).toByteArray();

  @Test
  void whatOneSideSealsTheOtherOpensInSequenceForEverySuiteAndVersion() throws Exception {
    for (ProtocolVersion version : new ProtocolVersion[] {ProtocolVersion.TLS1_0, ProtocolVersion.TLS1_1, ProtocolVersion.TLS1_2}) {
      for (TlsSuite suite : TlsSuite.values()) {
        if (!suite.allowedIn(version)) {
          continue;
        }
        KeySchedule keys = KeySchedule.derive(version, suite, Bytes.repeat(3, 48).toByteArray(), CLIENT_RANDOM, SERVER_RANDOM);
        RecordProtection sender = keys.protection(true);
        RecordProtection receiver = keys.protection(true);
        for (int length : new int[] {0, 1, 15, 16, 17, 4627, 16384}) {
          byte[] plaintext = Bytes.repeat(length & 0xff, length).toByteArray();
          TlsRecord record = only(sender.seal(ContentType.HEARTBEAT, plaintext));

          assertThat(record.type()).isEqualTo(ContentType.HEARTBEAT);
          assertThat(record.version()).isEqualTo(version);
          assertThat(receiver.open(record)).as("%s %s %d", version, suite, length).isEqualTo(plaintext);
        }
        assertThat(receiver.sequence()).isEqualTo(7);
      }
    }
  }

  @Test
  void aFlippedCiphertextBitFailsTheMacOrTheTag() throws Exception {
    for (TlsSuite suite : new TlsSuite[] {TlsSuite.RSA_WITH_AES_128_CBC_SHA, TlsSuite.RSA_WITH_AES_128_GCM_SHA256}) {
      KeySchedule keys = KeySchedule.derive(ProtocolVersion.TLS1_2, suite, Bytes.repeat(3, 48).toByteArray(), CLIENT_RANDOM, SERVER_RANDOM);
      byte[] sealed = keys.protection(true).seal(ContentType.APPLICATION_DATA, "GET / HTTP/1.0\r\n\r\n".getBytes());
      sealed[sealed.length - 20] ^= 1;

      assertThatThrownBy(() -> keys.protection(true).open(only(sealed)))
          .isInstanceOf(TlsException.class).hasMessageContaining("bad_record_mac");
    }
  }

  @Test
  void theServersKeysCannotOpenTheClientsRecords() {
    KeySchedule keys = KeySchedule.derive(ProtocolVersion.TLS1_1, TlsSuite.RSA_WITH_AES_256_CBC_SHA,
        Bytes.repeat(3, 48).toByteArray(), CLIENT_RANDOM, SERVER_RANDOM);
    byte[] sealed = keys.protection(true).seal(ContentType.APPLICATION_DATA, new byte[40]);

    assertThatThrownBy(() -> keys.protection(false).open(only(sealed))).isInstanceOf(TlsException.class);
  }

  private static TlsRecord only(byte[] bytes) throws Exception {
    RecordReader reader = new RecordReader();
    reader.feed(bytes);
    TlsRecord record = reader.next();
    assertThat(reader.next()).isNull();
    assertThat(reader.buffered()).isZero();
    return record;
  }
}
