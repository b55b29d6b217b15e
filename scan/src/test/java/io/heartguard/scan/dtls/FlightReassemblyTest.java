package io.heartguard.scan.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.DtlsHandshakeFragment;
import io.heartguard.wire.handshake.DtlsHandshakeHeader;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FlightReassemblyTest {
  private final FlightReassembly reassembly = new FlightReassembly();

  private static List<HandshakeMessage> flight(byte[] certificate) {
    return List.of(new HandshakeMessage(HandshakeType.SERVER_HELLO, Bytes.repeat(2, 70)),
        new HandshakeMessage(HandshakeType.CERTIFICATE, Bytes.of(certificate)),
        new HandshakeMessage(HandshakeType.SERVER_HELLO_DONE, Bytes.EMPTY));
  }

  @Property(seed = "20140407")
  void anyOrderOfFragmentsWithDuplicatesGivesBackTheFlight(@ForAll @Size(max = 5000) byte[] certificate,
      @ForAll @IntRange(min = 1, max = 700) int fragmentBytes, @ForAll Random shuffle) throws Exception {
    FlightReassembly r = new FlightReassembly();
    List<HandshakeMessage> messages = flight(certificate);
    List<DtlsHandshakeFragment> fragments = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      fragments.addAll(DtlsHandshakeFragment.split(messages.get(i), 1 + i, fragmentBytes));
    }
    fragments.addAll(fragments.subList(0, fragments.size() / 2)); // a partial retransmission
    Collections.shuffle(fragments, shuffle);
    for (DtlsHandshakeFragment f : fragments) {
      r.add(f);
    }
    assertThat(r.flight()).isEqualTo(messages);
  }

  @Test
  void aMissingMiddleFragmentKeepsTheFlightIncomplete() throws Exception {
    List<DtlsHandshakeFragment> cert =
        DtlsHandshakeFragment.split(new HandshakeMessage(HandshakeType.CERTIFICATE, Bytes.repeat(7, 300)), 2, 100);
    reassembly.add(DtlsHandshakeFragment.whole(new HandshakeMessage(HandshakeType.SERVER_HELLO, Bytes.repeat(2, 70)), 1));
    reassembly.add(cert.get(0));
    reassembly.add(cert.get(2));
    reassembly.add(DtlsHandshakeFragment.whole(new HandshakeMessage(HandshakeType.SERVER_HELLO_DONE, Bytes.EMPTY), 3));

    assertThat(reassembly.flight()).isNull();
    assertThat(reassembly.progress()).contains("message_seq 2 (type 11) 200 of 300 bytes");
    reassembly.add(cert.get(1));
    assertThat(reassembly.flight()).hasSize(3);
  }

  @Test
  void aFragmentDisagreeingWithItsMessagesLengthIsRefused() throws Exception {
    reassembly.add(new DtlsHandshakeFragment(new DtlsHandshakeHeader(11, 300, 2, 0, 1), Bytes.of((byte) 0)));
    assertThatThrownBy(() -> reassembly.add(new DtlsHandshakeFragment(new DtlsHandshakeHeader(11, 301, 2, 1, 1), Bytes.of((byte) 0))))
        .isInstanceOf(DtlsFailure.class)
        .hasMessage("message_seq 2: a fragment of type 11 and length 301 after fragments of type 11 and length 300");
  }

  @Test
  void tooManyMessagesAreRefused() throws Exception {
    for (int seq = 0; seq < FlightReassembly.MAX_MESSAGES; seq++) {
      reassembly.add(new DtlsHandshakeFragment(new DtlsHandshakeHeader(22, 10, seq, 0, 0), Bytes.EMPTY));
    }
    assertThatThrownBy(() -> reassembly.add(new DtlsHandshakeFragment(new DtlsHandshakeHeader(22, 10, 99, 0, 0), Bytes.EMPTY)))
        .isInstanceOf(DtlsFailure.class)
        .hasMessage("more than 32 handshake messages in the flight");
  }

  @Test
  void declaredBytesAreCappedInAll() throws Exception {
    for (int seq = 0; seq < 4; seq++) {
      reassembly.add(new DtlsHandshakeFragment(new DtlsHandshakeHeader(11, FlightReassembly.MAX_MESSAGE_BYTES, seq, 0, 0), Bytes.EMPTY));
    }
    assertThatThrownBy(() -> reassembly.add(new DtlsHandshakeFragment(new DtlsHandshakeHeader(11, 1, 9, 0, 0), Bytes.EMPTY)))
        .isInstanceOf(DtlsFailure.class)
        .hasMessage("the flight's messages declare more than 1048576 bytes in all");
  }

  @Test
  void tlsVersionsMapToTheirDtlsCounterparts() {
    assertThat(DtlsCheck.dtlsVersions(io.heartguard.scan.ScanOptions.ALL_VERSIONS)).containsExactlyElementsOf(DtlsCheck.ALL_VERSIONS);
    assertThat(DtlsCheck.dtlsVersions(List.of(io.heartguard.wire.record.ProtocolVersion.SSL3_0))).isEmpty();
  }
}
