package io.heartguard.guard;

import static io.heartguard.detect.Direction.TO_CLIENT;
import static io.heartguard.detect.Direction.TO_SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever the traffic and however it is cut into reads, the guard forwards what it does not block byte for byte,
 * in order, and blocks only whole heartbeat records (or cuts the stream, never rewrites it).
 */
class ForwardingPropertiesTest {

  /** A stream of records, and the reads it arrives in. */
  record Traffic(List<byte[]> records, List<Integer> cuts) {
    byte[] bytes() {
      return TlsBytes.concat(records.toArray(byte[][]::new));
    }
  }

  @Property(tries = 300, seed = "20140407")
  void tlsWithoutHeartbeatsCrossesUnchangedBothWays(@ForAll("tlsWithoutHeartbeats") Traffic client,
      @ForAll("tlsWithoutHeartbeats") Traffic server) {
    InspectedConnection c = InspectedConnection.withDefaults();

    sendCut(c, TO_SERVER, client);
    sendCut(c, TO_CLIENT, server);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(client.bytes());
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(server.bytes());
    assertThat(c.alerts).isEmpty();
    assertThat(c.finishClean()).isTrue();
  }

  @Property(tries = 300, seed = "20140408")
  void withHeartbeatsOnlyWholeHeartbeatRecordsAreDroppedOrTheStreamCut(@ForAll("tlsWithHeartbeats") Traffic client,
      @ForAll("tlsWithHeartbeats") Traffic server) {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.BLOCK_MALFORMED, Policy.BLOCK_LEAK), Action.DROP);

    sendCut(c, TO_SERVER, client);
    sendCut(c, TO_CLIENT, server);

    // Random records include ChangeCipherSpec records of other lengths than 1, and after them heartbeats are judged
    // on their headers, so a stream may also be cut where a record the framer refuses begins; never rewritten.
    assertIsInputLessSomeHeartbeats(c.forwarded(TO_SERVER), client.records(), !c.open(TO_SERVER));
    assertIsInputLessSomeHeartbeats(c.forwarded(TO_CLIENT), server.records(), !c.open(TO_CLIENT));
    Statistics.label("blocked").collect(c.blockedRules().isEmpty() ? "nothing" : "something");
    // The property means little unless random heartbeats do get blocked in a good share of the tries.
    Statistics.label("blocked").coverage(check -> check.check("something").percentage(p -> p > 20));
  }

  @Property(tries = 300, seed = "20140409")
  void monitorForwardsAnyBytesUnchanged(@ForAll("anyBytes") Traffic client, @ForAll("tlsWithHeartbeats") Traffic server) {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.MONITOR), Action.RESET);

    sendCut(c, TO_SERVER, client);
    sendCut(c, TO_CLIENT, server);
    // Both are done: bytes held for a decision (at most eleven) go on, as they would at a FIN.
    c.channel(TO_SERVER).pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    c.channel(TO_CLIENT).pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(client.bytes());
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(server.bytes());
  }

  @Property(tries = 300, seed = "20140410")
  void textProtocolsAreResetUnderEveryBlockingPolicyWithNothingForwarded(@ForAll("text") Traffic client,
      @ForAll("text") Traffic server) {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.RESTRICT, Policy.BLOCK_MALFORMED), Action.DROP);

    sendCut(c, TO_SERVER, client);
    sendCut(c, TO_CLIENT, server);

    assertThat(c.forwarded(TO_SERVER)).isEmpty();
    assertThat(c.forwarded(TO_CLIENT)).isEmpty();
    assertThat(c.blockedRules()).containsExactly("not_tls", "not_tls");
  }

  @Property(tries = 300, seed = "20140412")
  void textProtocolsCrossUnchangedUnderMonitor(@ForAll("text") Traffic client, @ForAll("text") Traffic server) {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.MONITOR), Action.RESET);

    sendCut(c, TO_SERVER, client);
    sendCut(c, TO_CLIENT, server);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(client.bytes());
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(server.bytes());
  }

  @Property(tries = 300, seed = "20140411")
  void anyBytesComeOutAsAPrefixOrAreCutNeverRewritten(@ForAll("anyBytes") Traffic client) {
    InspectedConnection c = InspectedConnection.withDefaults();

    sendCut(c, TO_SERVER, client);
    if (c.open(TO_SERVER)) {
      // The client is done: bytes held for a decision (at most eleven) go on, as they would at its FIN.
      c.channel(TO_SERVER).pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }

    byte[] out = c.forwarded(TO_SERVER);
    byte[] in = client.bytes();
    if (c.resets.isEmpty()) {
      assertThat(out).isEqualTo(in);
    } else {
      assertThat(Arrays.equals(in, 0, out.length, out, 0, out.length)).as("forwarded bytes are a prefix").isTrue();
    }
  }

  private static void sendCut(InspectedConnection c, io.heartguard.detect.Direction d, Traffic t) {
    byte[] bytes = t.bytes();
    int pos = 0;
    for (int cut : t.cuts()) {
      int end = Math.min(bytes.length, pos + cut);
      if (end > pos && c.open(d)) {
        c.send(d, Arrays.copyOfRange(bytes, pos, end));
      }
      pos = end;
    }
    if (pos < bytes.length && c.open(d)) {
      c.send(d, Arrays.copyOfRange(bytes, pos, bytes.length));
    }
  }

  /**
   * Walks the records in order: each must come out whole, unless it is a heartbeat that was dropped, or the stream
   * was reset ({@code cut}), after which nothing more comes out.
   */
  private static void assertIsInputLessSomeHeartbeats(byte[] out, List<byte[]> records, boolean cut) {
    int pos = 0;
    for (byte[] r : records) {
      boolean present = pos + r.length <= out.length && Arrays.equals(out, pos, pos + r.length, r, 0, r.length);
      if (present) {
        pos += r.length;
      } else if (cut && pos == out.length) {
        break;
      } else {
        assertThat(r[0]).as("only heartbeat records may be missing").isEqualTo((byte) 24);
      }
    }
    assertThat(pos).as("nothing but input records comes out").isEqualTo(out.length);
  }

  @Provide
  Arbitrary<Traffic> tlsWithoutHeartbeats() {
    return traffic(Arbitraries.of(20, 21, 22, 23));
  }

  @Provide
  Arbitrary<Traffic> tlsWithHeartbeats() {
    return traffic(Arbitraries.of(20, 21, 22, 23, 24, 24));
  }

  @Provide
  Arbitrary<Traffic> anyBytes() {
    Arbitrary<byte[]> chunk = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300);
    return Combinators.combine(chunk.list().ofMinSize(1).ofMaxSize(8), cuts()).as(Traffic::new);
  }

  @Provide
  Arbitrary<Traffic> text() {
    Arbitrary<byte[]> line = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(120)
        .map(s -> (s + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return Combinators.combine(line.list().ofMinSize(1).ofMaxSize(10), cuts()).as(Traffic::new);
  }

  private static Arbitrary<Traffic> traffic(Arbitrary<Integer> types) {
    Arbitrary<byte[]> record = Combinators.combine(types,
        Arbitraries.bytes().array(byte[].class).ofMaxSize(600)).as((type, body) -> TlsBytes.record(type, type == 20 ? new byte[] {1} : body)); // CCS: one byte
    // Opening with a ClientHello record makes the stream start as TLS does.
    return Combinators.combine(record.list().ofMaxSize(12), cuts()).as((records, cuts) -> {
      List<byte[]> all = new ArrayList<>();
      all.add(TlsBytes.CLIENT_HELLO);
      all.addAll(records);
      return new Traffic(all, cuts);
    });
  }

  private static Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(1, 700).list().ofMaxSize(20);
  }
}
