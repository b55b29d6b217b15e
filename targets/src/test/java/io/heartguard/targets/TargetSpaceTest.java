package io.heartguard.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetSpaceTest {
  /** Answers from a table, never from the network; a name not in it does not resolve. */
  static final class TableResolver implements HostResolver {
    final Map<String, List<String>> table;
    final List<String> asked = new ArrayList<>();

    TableResolver(Map<String, List<String>> table) {
      this.table = table;
    }

    @Override
    public List<InetAddress> resolve(String name) throws UnknownHostException {
      asked.add(name);
      List<String> literals = table.get(name);
      if (literals == null) {
        throw new UnknownHostException(name);
      }
      List<InetAddress> out = new ArrayList<>();
      for (String literal : literals) {
        out.add(InetAddress.getByAddress(name, InetAddress.getByName(literal).getAddress()));
      }
      return out;
    }
  }

  static List<ScanTarget> all(TargetSpace space) {
    List<ScanTarget> out = new ArrayList<>();
    try (TargetSource source = space.open()) {
      for (Optional<ScanTarget> t = source.next(); t.isPresent(); t = source.next()) {
        out.add(t.get());
      }
      assertThat(source.next()).as("an exhausted source stays exhausted").isEmpty();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return out;
  }

  /** "host:port" (authority) of each target, for set comparisons. */
  static List<String> authorities(TargetSpace space) {
    return all(space).stream().map(ScanTarget::authority).toList();
  }

  static TargetSpace.Builder space(String... targets) throws TargetSyntaxException {
    TargetSpace.Builder b = TargetSpace.builder().seed(1);
    for (String t : targets) {
      b.add(t);
    }
    return b;
  }

  @Test
  void everyAddressOfABlockComesOnceOnEveryPort() throws TargetSyntaxException {
    TargetSpace s = space("192.0.2.0/30").ports(PortList.parse("443,8443")).build();
    assertThat(authorities(s)).containsExactlyInAnyOrder(
        "192.0.2.0:443", "192.0.2.1:443", "192.0.2.2:443", "192.0.2.3:443",
        "192.0.2.0:8443", "192.0.2.1:8443", "192.0.2.2:8443", "192.0.2.3:8443");
    assertThat(s.size()).isEqualTo(8);
  }

  @Test
  void aTargetCarriesItsInputTheLiteralAndTheAddress() throws Exception {
    ScanTarget t = all(space("2001:db8::/127").build()).get(0);
    assertThat(t.input()).isEqualTo("2001:db8::/127");
    assertThat(t.host()).isIn("2001:db8::", "2001:db8::1");
    assertThat(t.address()).isEqualTo(InetAddress.getByName(t.host()));
    assertThat(t.port()).isEqualTo(443);
    assertThat(t.isName()).isFalse();
    assertThat(t.authority()).startsWith("[2001:db8::");
  }

  @Test
  void aLoneAddressKeepsTheTextItWasWrittenAs() throws TargetSyntaxException {
    List<ScanTarget> targets = all(space("192.0.2.1", "2001:DB8:0::1", "192.0.2.2:8443").build());
    assertThat(targets).extracting(t -> t.input() + " " + t.host()).containsExactlyInAnyOrder(
        "192.0.2.1 192.0.2.1", "2001:DB8:0::1 2001:db8::1", "192.0.2.2:8443 192.0.2.2");
  }

  @Test
  void anExplicitPortWinsOverThePortList() throws TargetSyntaxException {
    TargetSpace s = space("192.0.2.1:8443", "[2001:db8::1]:993", "https://192.0.2.2/")
        .ports(PortList.parse("465,995")).build();
    assertThat(authorities(s)).containsExactlyInAnyOrder("192.0.2.1:8443", "[2001:db8::1]:993", "192.0.2.2:443");
  }

  @Test
  void exclusionsRemoveExactlyTheirAddresses() throws TargetSyntaxException {
    TargetSpace s = space("10.0.0.0/24", "10.0.1.0/30")
        .exclude("10.0.0.0/26,10.0.0.100-10.0.0.110")
        .exclude("10.0.0.255")
        .exclude("10.0.1.0/24")
        .build();
    Set<String> expected = new HashSet<>();
    IntStream.rangeClosed(64, 254).filter(i -> i < 100 || i > 110).forEach(i -> expected.add("10.0.0." + i + ":443"));
    assertThat(authorities(s)).hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(s.size()).as("exact after exclusions").isEqualTo(256 - 64 - 11 - 1);
  }

  @Test
  void exclusionsFromAListApplyToIpv6AndToResolvedNames() throws TargetSyntaxException {
    TableResolver dns = new TableResolver(Map.of("www.example", List.of("192.0.2.10", "192.0.2.11", "2001:db8::10")));
    TargetSpace s = space("www.example", "2001:db8::/126")
        .excludeList(new StringReader("# lab hosts\n192.0.2.10\n2001:db8::1-2001:db8::2 2001:db8::10\n"), "skip.txt")
        .resolver(dns)
        .build();
    assertThat(authorities(s)).containsExactlyInAnyOrder(
        "www.example:443", "[2001:db8::]:443", "[2001:db8::3]:443");
    assertThat(all(s).get(0).address()).isEqualTo(addr("192.0.2.11"));
  }

  @Test
  void overlappingBlocksYieldEachAddressOnceLabelledByTheBlockThatStartsFirst() throws TargetSyntaxException {
    TargetSpace s = space("10.0.0.5", "10.0.0.0/25", "10.0.0.0/24", "10.0.0.100-10.0.1.3").build();
    List<ScanTarget> targets = all(s);
    assertThat(targets).hasSize(256 + 4);
    assertThat(targets.stream().map(ScanTarget::host).distinct()).hasSize(260);
    assertThat(s.size()).isEqualTo(260);
    ScanTarget five = targets.stream().filter(t -> t.host().equals("10.0.0.5")).findFirst().orElseThrow();
    assertThat(five.input()).isEqualTo("10.0.0.0/24");
    ScanTarget beyond = targets.stream().filter(t -> t.host().equals("10.0.1.2")).findFirst().orElseThrow();
    assertThat(beyond.input()).isEqualTo("10.0.0.100-10.0.1.3");
  }

  @Test
  void anAddressUnderTwoPortListsIsCheckedOncePerPort() throws TargetSyntaxException {
    TargetSpace s = space("10.0.0.0/30", "10.0.0.1:443", "10.0.0.9:443").ports(PortList.parse("443,8443")).build();
    List<String> seen = authorities(s);
    assertThat(seen).doesNotHaveDuplicates().hasSize(9).contains("10.0.0.1:443", "10.0.0.9:443");
    assertThat(s.size()).as("an upper bound: 10.0.0.1:443 is counted twice").isEqualTo(10);
  }

  @Test
  void namesComeFirstAsEveryAddressOnEveryPortThenTheShuffledNumbers() throws TargetSyntaxException {
    TableResolver dns = new TableResolver(Map.of(
        "a.example", List.of("192.0.2.1", "2001:db8::1", "192.0.2.1"),
        "b.example", List.of("192.0.2.2")));
    TargetSpace s = space("198.51.100.0/30", "b.example:8443", "A.example").resolver(dns)
        .ports(PortList.parse("443,465")).build();
    assertThat(dns.asked).as("nothing resolves before the walk reaches it").isEmpty();
    List<ScanTarget> targets = all(s);
    assertThat(targets.subList(0, 5)).extracting(t -> t.host() + " " + t.address().getHostAddress() + " " + t.port())
        .containsExactly(
            "b.example 192.0.2.2 8443",
            "a.example 192.0.2.1 443", "a.example 192.0.2.1 465",
            "a.example 2001:db8:0:0:0:0:0:1 443", "a.example 2001:db8:0:0:0:0:0:1 465");
    assertThat(targets.get(0).isName()).isTrue();
    assertThat(targets.get(1).input()).isEqualTo("A.example");
    assertThat(targets.subList(5, targets.size())).hasSize(8).allMatch(t -> t.host().startsWith("198.51.100."));
    assertThat(s.size()).as("a name counts once per port until resolved").isEqualTo(8 + 1 + 2);
  }

  @Test
  void aNameThatDoesNotResolveYieldsOneUnresolvedTargetPerPort() throws TargetSyntaxException {
    TargetSpace s = space("nowhere.invalid").ports(PortList.parse("443,8443"))
        .resolver(new TableResolver(Map.of())).build();
    assertThat(all(s)).containsExactly(
        new ScanTarget("nowhere.invalid", "nowhere.invalid", null, 443),
        new ScanTarget("nowhere.invalid", "nowhere.invalid", null, 8443));
  }

  @Test
  void oneNameWrittenTwiceIsOneTargetOnTheUnionOfItsPorts() throws TargetSyntaxException {
    TableResolver dns = new TableResolver(Map.of("a.example", List.of("192.0.2.1")));
    TargetSpace s = space("a.example", "a.example:8443", "https://A.example./", "a.example:8443").resolver(dns).build();
    assertThat(authorities(s)).containsExactly("a.example:443", "a.example:8443");
    assertThat(dns.asked).containsExactly("a.example");
  }

  @Test
  void theOrderIsShuffledAndASeedRepeatsIt() throws TargetSyntaxException {
    List<String> first = authorities(space("10.0.0.0/24").build());
    List<String> again = authorities(space("10.0.0.0/24").build());
    List<String> other = authorities(space("10.0.0.0/24").seed(2).build());
    List<String> sequential = IntStream.range(0, 256).mapToObj(i -> "10.0.0." + i + ":443").toList();
    assertThat(first).isEqualTo(again).isNotEqualTo(other).isNotEqualTo(sequential)
        .containsExactlyInAnyOrderElementsOf(sequential);
    TargetSpace unseeded = TargetSpace.builder().add("10.0.0.0/24").build();
    TargetSpace replay = TargetSpace.builder().add("10.0.0.0/24").seed(unseeded.seed()).build();
    assertThat(authorities(replay)).as("the drawn seed replays the order").isEqualTo(authorities(unseeded));
  }

  @Test
  void theShardsOfOneSeedSplitNamesAndNumbersExactly() throws TargetSyntaxException {
    TableResolver dns = new TableResolver(Map.of(
        "a.example", List.of("192.0.2.1"), "b.example", List.of("192.0.2.2"), "c.example", List.of("192.0.2.3")));
    List<String> whole = authorities(space("a.example", "b.example", "c.example", "10.0.0.0/22").resolver(dns).build());
    List<String> union = new ArrayList<>();
    long hints = 0;
    for (int shard = 0; shard < 3; shard++) {
      TargetSpace s = space("a.example", "b.example", "c.example", "10.0.0.0/22").resolver(dns).shard(shard, 3).build();
      List<String> part = authorities(s);
      union.addAll(part);
      hints += s.open().sizeHint().orElseThrow();
    }
    assertThat(union).hasSize(1024 + 3).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(whole);
    assertThat(hints).isEqualTo(1024 + 3);
  }

  @Test
  void shardingNeedsASeedAndAShardInRange() {
    assertThatThrownBy(() -> TargetSpace.builder().add("10.0.0.0/8").shard(1, 4).build())
        .hasMessage("sharding (shard 1 of 4) needs a seed, so that every shard walks the same order");
    assertThatThrownBy(() -> TargetSpace.builder().shard(4, 4))
        .hasMessage("bad shard 4 of 4: expected a shard number 0..3 and a count of at least 1");
  }

  @Test
  void anIpv6Slash64IsRefusedWithThePrefixThatWouldFit() {
    assertThatThrownBy(() -> space("10.0.0.0/8", "2001:db8::/64").build())
        .isInstanceOf(TargetSyntaxException.class)
        .hasMessage("target space too large: \"2001:db8::/64\" is 2^64 addresses × 1 port, and a scan walks at most"
            + " 2^40 (1099511627776) address-port pairs: use a prefix of /88 or longer");
  }

  @Test
  void theWholeIpv4SpaceOnEveryPortIsRefusedWithThePrefixThatWouldFit() {
    assertThatThrownBy(() -> space("0.0.0.0/0").ports(PortList.parse("1-65535")).build())
        .hasMessage("target space too large: \"0.0.0.0/0\" is 2^32 addresses × 65535 ports, and a scan walks at most"
            + " 2^40 (1099511627776) address-port pairs: use a prefix of /8 or longer, or fewer ports");
  }

  @Test
  void manyBlocksTooLargeTogetherAreRefusedAsAWhole() throws TargetSyntaxException {
    assertThatThrownBy(() -> space("2001:db8::/88", "2001:db8:1::/88").build())
        .hasMessage("target space too large: more than 1099511627776 (2^40) address-port pairs in all, which is the"
            + " most one scan walks: split the targets over several scans (or shards) or give fewer ports");
  }

  @Test
  void theLargestSpaceIsWalkable() throws Exception {
    TargetSpace s = space("2001:db8::/88").build();
    assertThat(s.size()).isEqualTo(TargetSpace.MAX_SIZE);
    assertThat(s.open().next()).get().extracting(ScanTarget::host).asString().startsWith("2001:db8::");
  }

  @Test
  void listsTakeSeveralTargetsALineAndSkipComments() throws TargetSyntaxException {
    String list = """
        # servers, one or more a line
        192.0.2.1 192.0.2.2   # two on one line

        \t2001:db8::1
        https://h.example/page#top
        #192.0.2.99
        """;
    TableResolver dns = new TableResolver(Map.of("h.example", List.of("192.0.2.3")));
    TargetSpace s = TargetSpace.builder().seed(1).addList(new StringReader(list), "hosts.txt").resolver(dns).build();
    assertThat(authorities(s)).containsExactlyInAnyOrder(
        "h.example:443", "192.0.2.1:443", "192.0.2.2:443", "[2001:db8::1]:443");
  }

  @Test
  void aBadLineInAListNamesTheListAndTheLine() {
    assertThatThrownBy(() -> TargetSpace.builder().addList(new StringReader("192.0.2.1\n\n10.0.0.0/33\n"), "hosts.txt"))
        .hasMessage("hosts.txt:3: bad CIDR prefix /33 in \"10.0.0.0/33\": IPv4 prefixes are 0..32");
    assertThatThrownBy(() -> TargetSpace.builder().excludeList(new StringReader("www.example"), "skip.txt"))
        .hasMessage("skip.txt:1: bad exclusion \"www.example\": expected an address, a CIDR block or a range, not a host name");
  }

  @Test
  void filesAreReadForTargetsAndExclusions(@TempDir Path dir) throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts.txt"), "192.0.2.0/29\n");
    Path skip = Files.writeString(dir.resolve("skip.txt"), "192.0.2.0-192.0.2.5 # not ours\n");
    TargetSpace s = TargetSpace.builder().seed(3).addFile(hosts).excludeFile(skip).build();
    assertThat(authorities(s)).containsExactlyInAnyOrder("192.0.2.6:443", "192.0.2.7:443");
    Path missing = dir.resolve("absent.txt");
    assertThatThrownBy(() -> TargetSpace.builder().addFile(missing))
        .hasMessage("cannot read target list \"" + missing + "\": no such file");
  }

  @Test
  void aSpaceWhollyExcludedIsEmpty() throws TargetSyntaxException {
    TargetSpace s = space("192.0.2.0/24").exclude("192.0.2.0/23").build();
    assertThat(s.isEmpty()).isTrue();
    assertThat(s.size()).isZero();
    assertThat(all(s)).isEmpty();
    assertThat(s.open().sizeHint()).hasValue(0);
  }

  @Test
  void theWholeAddressLineCanBeExcludedWithoutOverflow() throws TargetSyntaxException {
    TargetSpace s = space("192.0.2.1", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120").exclude("::/0").build();
    assertThat(s.isEmpty()).isTrue();
    TargetSpace top = space("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe-ffff").build();
    assertThat(authorities(top)).containsExactlyInAnyOrder(
        "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe]:443", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:443");
  }

  private static InetAddress addr(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
