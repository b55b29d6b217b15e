package io.heartguard.wire.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import org.junit.jupiter.api.Test;

class AlertTest {
  @Test
  void parsesAFatalHandshakeFailureRecord() throws Exception {
    RecordReader reader = new RecordReader();
    reader.feed(Bytes.ofHex(""
        + "15 0302 0002"     // alert record, TLS 1.1, 2 bytes
        + "02 28").toByteArray());   // fatal (2), handshake_failure (40)
    TlsRecord record = reader.next();
    assertThat(record.type()).isEqualTo(ContentType.ALERT);

    Alert alert = Alert.parse(record.fragment());

    assertThat(alert).isEqualTo(new Alert(Alert.FATAL, Alert.HANDSHAKE_FAILURE));
    assertThat(alert.isFatal()).isTrue();
    assertThat(alert).hasToString("fatal handshake_failure(40)");
    assertThat(alert.toBytes()).isEqualTo(record.fragment());
  }

  @Test
  void namesWarningsAndUnknownCodes() {
    assertThat(new Alert(Alert.WARNING, Alert.CLOSE_NOTIFY)).hasToString("warning close_notify(0)");
    assertThat(new Alert(Alert.WARNING, Alert.UNRECOGNIZED_NAME)).hasToString("warning unrecognized_name(112)");
    assertThat(new Alert(7, 200)).hasToString("level 7 alert(200)");
  }

  @Test
  void alertMustBeExactlyTwoBytes() {
    assertThatThrownBy(() -> Alert.parse(Bytes.ofHex("02")))
        .isInstanceOf(AlertException.class)
        .hasMessage("alert description needs 1 bytes but only 0 remain");
    assertThatThrownBy(() -> Alert.parse(Bytes.ofHex("022800")))
        .isInstanceOf(AlertException.class)
        .hasMessage("alert has 1 trailing bytes");
  }

  @Test
  void encryptedAlertIsRefusedRatherThanMisread() {
    // After ChangeCipherSpec an alert record is ciphertext (here the 26 bytes of an AES-GCM close_notify).
    assertThatThrownBy(() -> Alert.parse(Bytes.repeat(0x9c, 26)))
        .isInstanceOf(AlertException.class)
        .hasMessage("alert has 24 trailing bytes");
  }
}
