package io.heartguard.wire.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DtlsHandshakeFragmentTest {
  /** A ServerHelloDone, whole, then the first 2 of 5 bytes of a Certificate, in one handshake record. */
  static final Bytes TWO_FRAGMENTS = Bytes.ofHex(""
      + "0e 000000 0002 000000 000000"   // server_hello_done, length 0, message_seq 2, offset 0, fragment 0
      + "0b 000005 0001 000000 000002"   // certificate, length 5, message_seq 1, offset 0, fragment 2
      + "0000");                         //   the first two bytes of its body

  @Test
  void aRecordHoldsSeveralFragmentsInOrder() throws Exception {
    List<DtlsHandshakeFragment> fragments = DtlsHandshakeFragment.parseAll(TWO_FRAGMENTS);
    assertThat(fragments).hasSize(2);
    assertThat(fragments.get(0).asWholeMessage()).isEqualTo(new HandshakeMessage(HandshakeType.SERVER_HELLO_DONE, Bytes.EMPTY));
    assertThat(fragments.get(1).asWholeMessage()).isNull();
    assertThat(fragments.get(1).header()).isEqualTo(new DtlsHandshakeHeader(11, 5, 1, 0, 2));
    byte[] joined = new byte[TWO_FRAGMENTS.size()];
    System.arraycopy(fragments.get(0).toByteArray(), 0, joined, 0, 12);
    System.arraycopy(fragments.get(1).toByteArray(), 0, joined, 12, 14);
    assertThat(Bytes.of(joined)).isEqualTo(TWO_FRAGMENTS);
  }

  @Test
  void aFragmentLongerThanItsRecordIsRefused() {
    assertThatThrownBy(() -> DtlsHandshakeFragment.parseAll(TWO_FRAGMENTS.slice(0, TWO_FRAGMENTS.size() - 1)))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("handshake fragment at offset 12 declares fragment_length 2 but the record holds only 1 more bytes");
  }

  @Test
  void anEmptyMessageSplitsIntoOneEmptyFragment() {
    List<DtlsHandshakeFragment> parts =
        DtlsHandshakeFragment.split(new HandshakeMessage(HandshakeType.SERVER_HELLO_DONE, Bytes.EMPTY), 2, 100);
    assertThat(parts).singleElement().extracting(DtlsHandshakeFragment::length).isEqualTo(12);
  }

  @Property(seed = "20140407")
  void splitFragmentsCoverTheMessageAndRoundTrip(@ForAll @Size(max = 3000) byte[] body,
      @ForAll @IntRange(min = 1, max = 1400) int maxBodyBytes, @ForAll @IntRange(max = 0xffff) int messageSeq)
      throws Exception {
    HandshakeMessage message = new HandshakeMessage(HandshakeType.CERTIFICATE, Bytes.of(body));
    List<DtlsHandshakeFragment> parts = DtlsHandshakeFragment.split(message, messageSeq, maxBodyBytes);
    List<Byte> joinedBody = new ArrayList<>();
    byte[] record = new byte[parts.stream().mapToInt(DtlsHandshakeFragment::length).sum()];
    int at = 0;
    for (DtlsHandshakeFragment p : parts) {
      assertThat(p.header().fragmentOffset()).isEqualTo(joinedBody.size());
      assertThat(p.body().size()).isLessThanOrEqualTo(maxBodyBytes);
      for (byte b : p.body().toByteArray()) {
        joinedBody.add(b);
      }
      System.arraycopy(p.toByteArray(), 0, record, at, p.length());
      at += p.length();
    }
    assertThat(joinedBody).hasSize(body.length);
    assertThat(DtlsHandshakeFragment.parseAll(Bytes.of(record))).isEqualTo(parts);
  }
}
