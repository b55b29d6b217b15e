package io.heartguard.targets;

import io.heartguard.address.Cidr;
import io.heartguard.address.Ip128;
import io.heartguard.address.SpecialPurpose;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Everything one scan should reach: host names, and a numeric space of (address, port) pairs built from addresses,
 * CIDR blocks and ranges, minus the exclusions. Memory grows with the number of targets written, never with the
 * number of addresses they cover: a /8 costs what a /24 costs.
 *
 * <p>Order: host names first, in the order given, each as every address it resolves to × its ports (names are few
 * and chosen by hand, so their results and resolution failures come first); then the numeric space in a random
 * order that {@link CyclicWalk} draws from the seed. The numeric space is at most {@link #MAX_SIZE} pairs.
 *
 * <p>Immutable; {@link #open()} may be called again and yields the same order.
 */
public final class TargetSpace {
  /**
   * At most 2^40 address-port pairs (an IPv6 /88 on one port): at a million checks a second that is 13 days, and the
   * cyclic walk's arithmetic stays in 64 bits.
   */
  public static final long MAX_SIZE = CyclicWalk.MAX_SIZE;

  /** Addresses that share one port list: the unit the walk maps an index into. */
  record Group(PortList ports, AddressSet addresses, long size, int[] shadowedBy) {}

  /** A host name with every port it was given (example.com and example.com:8443 make one entry). */
  record HostTarget(String input, String name, PortList ports) {}

  private final List<HostTarget> names;
  private final Group[] groups;
  /** groupStart[g]: the first walk index of group g. */
  private final long[] groupStart;
  private final long numericSize;
  private final AddressSet exclusions;
  private final long seed;
  private final int shardIndex;
  private final int shardCount;
  private final HostResolver resolver;
  private final List<SpecialPurpose> leftOut;

  private TargetSpace(Builder b, List<HostTarget> names, Group[] groups, AddressSet exclusions, long seed,
      List<SpecialPurpose> leftOut) {
    this.leftOut = List.copyOf(leftOut);
    this.names = List.copyOf(names);
    this.groups = groups;
    this.groupStart = new long[groups.length];
    long total = 0;
    for (int g = 0; g < groups.length; g++) {
      groupStart[g] = total;
      total += groups[g].size();
    }
    this.numericSize = total;
    this.exclusions = exclusions;
    this.seed = seed;
    this.shardIndex = b.shardIndex;
    this.shardCount = b.shardCount;
    this.resolver = b.resolver;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A new walk over this space (this shard of it), from the start, in the order the seed fixes. */
  public TargetSource open() {
    CyclicWalk walk = numericSize == 0 ? null
        : new CyclicWalk(numericSize, new SplittableRandom(seed), shardIndex, shardCount);
    return new SpaceSource(this, walk);
  }

  /**
   * The number of targets the whole space yields, for a progress total: exact for addresses, blocks and ranges after
   * exclusions (an upper bound when one address appears with overlapping port lists, as {@code 10.0.0.5:443} inside
   * {@code 10.0.0.0/24 -p 443,8443}: the pair is checked once); each host name counts as one address per port, since
   * how many it has is known only when the walk resolves it.
   */
  public long size() {
    long total = numericSize;
    for (HostTarget name : names) {
      total += name.ports().size();
    }
    return total;
  }

  /** The number of (address, port) pairs from addresses, blocks and ranges, after exclusions. */
  public long numericSize() {
    return numericSize;
  }

  public int nameCount() {
    return names.size();
  }

  public boolean isEmpty() {
    return numericSize == 0 && names.isEmpty();
  }

  /**
   * The special-purpose ranges left out of larger blocks (see {@link Builder#leaveOutSpecialPurpose}), in registry
   * order, each once: what a scan must say it skipped.
   */
  public List<SpecialPurpose> leftOut() {
    return leftOut;
  }

  /** The seed of the order; print it so that a scan can be repeated in the same order with {@code --seed}. */
  public long seed() {
    return seed;
  }

  /** The part of the space this walk covers: {@link Shard#WHOLE} unless the builder was given one. */
  public Shard shard() {
    return new Shard(shardIndex + 1, shardCount);
  }

  int shardIndex() {
    return shardIndex;
  }

  int shardCount() {
    return shardCount;
  }

  List<HostTarget> names() {
    return names;
  }

  HostResolver resolver() {
    return resolver;
  }

  AddressSet exclusions() {
    return exclusions;
  }

  /** The group holding walk index {@code index}. */
  int groupOf(long index) {
    int lo = 0;
    int hi = groupStart.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (groupStart[mid] <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  Group group(int g) {
    return groups[g];
  }

  long groupStart(int g) {
    return groupStart[g];
  }

  /** Collects targets, exclusions and options; {@link #build()} checks the whole and fixes the order. */
  public static final class Builder {
    private final List<TargetSpec> specs = new ArrayList<>();
    private final List<TargetSpec.Block> excluded = new ArrayList<>();
    private PortList ports = PortList.DEFAULT;
    private Long seed;
    private int shardIndex = 0;
    private int shardCount = 1;
    private HostResolver resolver = HostResolver.SYSTEM;
    private boolean leaveOutSpecialPurpose = true;

    private Builder() {}

    /**
     * Whether a block leaves out the special-purpose ranges ({@link SpecialPurpose#REGISTRY}: 0/8, 10/8, 127/8, 224/4,
     * 240/4, 255.255.255.255, ...) that it covers but is not itself inside, as zmap's default blocklist does:
     * {@code 0.0.0.0/0} skips them, while {@code 127.0.0.1} or {@code 10.0.0.0/16}, written inside one, is scanned.
     * On by default; off only to rebuild a job started before the rule.
     */
    public Builder leaveOutSpecialPurpose(boolean leaveOut) {
      this.leaveOutSpecialPurpose = leaveOut;
      return this;
    }

    /** The ports for every target that names none ({@code -p}); {@link PortList#DEFAULT} (443) otherwise. */
    public Builder ports(PortList ports) {
      this.ports = ports;
      return this;
    }

    /** One target as written on the command line. */
    public Builder add(String target) throws TargetSyntaxException {
      specs.add(TargetSpec.parse(target));
      return this;
    }

    public Builder add(TargetSpec target) {
      specs.add(target);
      return this;
    }

    /**
     * Targets from a list ({@code -iL FILE}, or stdin for {@code -}): whitespace-separated, {@code #} to the end of
     * the line a comment, blank lines ignored. {@code sourceName} prefixes error messages ("hosts.txt:12: ...").
     */
    public Builder addList(Reader list, String sourceName) throws TargetSyntaxException {
      readList(list, sourceName, token -> specs.add(TargetSpec.parse(token)));
      return this;
    }

    public Builder addFile(Path file) throws TargetSyntaxException {
      return readFile(file, "target", reader -> addList(reader, file.toString()));
    }

    /** An exclusion as written after {@code --exclude}: addresses, blocks and ranges separated by commas. */
    public Builder exclude(String exclusions) throws TargetSyntaxException {
      for (String token : exclusions.split(",", -1)) {
        excluded.add(TargetSpec.parseExclusion(token));
      }
      return this;
    }

    /** Exclusions from a list ({@code --exclude-file}), in the format of {@link #addList}. */
    public Builder excludeList(Reader list, String sourceName) throws TargetSyntaxException {
      readList(list, sourceName, token -> excluded.add(TargetSpec.parseExclusion(token)));
      return this;
    }

    public Builder excludeFile(Path file) throws TargetSyntaxException {
      return readFile(file, "exclude", reader -> excludeList(reader, file.toString()));
    }

    /** Fixes the order: the same targets and seed give the same order. Without it, a random seed is drawn. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Walks only shard {@code index} of {@code count} (0-based): the shards of one seed together yield each target
     * exactly once, so several scanners can split a space. Sharding needs an explicit seed.
     */
    public Builder shard(int index, int count) throws TargetSyntaxException {
      if (count < 1 || index < 0 || index >= count) {
        throw new TargetSyntaxException(
            "bad shard " + index + " of " + count + ": expected a shard number 0.." + (count - 1) + " and a count of at least 1");
      }
      this.shardIndex = index;
      this.shardCount = count;
      return this;
    }

    /** Walks only {@code shard} ({@code --shard K/N}); sharding needs an explicit seed. */
    public Builder shard(Shard shard) {
      this.shardIndex = shard.index();
      this.shardCount = shard.count();
      return this;
    }

    public Builder resolver(HostResolver resolver) {
      this.resolver = resolver;
      return this;
    }

    public TargetSpace build() throws TargetSyntaxException {
      if (shardCount > 1 && seed == null) {
        throw new TargetSyntaxException(
            "sharding (shard " + shardIndex + " of " + shardCount + ") needs a seed, so that every shard walks the same order");
      }
      long chosenSeed = seed != null ? seed : new SplittableRandom().nextLong();
      AddressSet exclusions = AddressSet.union(excluded);

      Map<String, HostTarget> names = new LinkedHashMap<>();
      Map<PortList, List<TargetSpec.Block>> blocksByPorts = new LinkedHashMap<>();
      Map<PortList, List<TargetSpec.Block>> writtenByPorts = new LinkedHashMap<>(); // as given, for messages
      Set<SpecialPurpose> leftOut = new LinkedHashSet<>();
      for (TargetSpec spec : specs) {
        PortList own = spec.port().isPresent() ? PortList.of(spec.port().getAsInt()) : ports;
        switch (spec) {
          case TargetSpec.Name n -> names.merge(n.name(), new HostTarget(n.input(), n.name(), own),
              (was, add) -> new HostTarget(was.input(), was.name(), was.ports().union(add.ports())));
          case TargetSpec.Block b -> {
            writtenByPorts.computeIfAbsent(own, k -> new ArrayList<>()).add(b);
            blocksByPorts.computeIfAbsent(own, k -> new ArrayList<>())
                .addAll(leaveOutSpecialPurpose ? withoutSpecialPurpose(b, leftOut) : List.of(b));
          }
        }
      }
      List<SpecialPurpose> leftOutInOrder = SpecialPurpose.REGISTRY.stream().filter(leftOut::contains).toList();

      List<Group> groups = new ArrayList<>();
      long total = 0;
      for (Map.Entry<PortList, List<TargetSpec.Block>> e : blocksByPorts.entrySet()) {
        PortList groupPorts = e.getKey();
        AddressSet addresses = AddressSet.union(e.getValue()).minus(exclusions);
        if (addresses.count() == 0) {
          continue;
        }
        long size = addresses.count() > MAX_SIZE / groupPorts.size() ? Long.MAX_VALUE : addresses.count() * groupPorts.size();
        if (size > MAX_SIZE) {
          throw tooLarge(writtenByPorts.get(groupPorts), groupPorts);
        }
        total += size;
        if (total > MAX_SIZE) {
          throw tooLargeInAll();
        }
        List<Integer> shadowedBy = new ArrayList<>();
        for (int j = 0; j < groups.size(); j++) {
          // An address on a port both lists hold was given twice: the earlier group checks it, this one skips it.
          if (groups.get(j).ports().intersects(groupPorts) && groups.get(j).addresses().intersects(addresses)) {
            shadowedBy.add(j);
          }
        }
        groups.add(new Group(groupPorts, addresses, size, shadowedBy.stream().mapToInt(Integer::intValue).toArray()));
      }
      return new TargetSpace(this, new ArrayList<>(names.values()), groups.toArray(Group[]::new), exclusions, chosenSeed,
          leftOutInOrder);
    }

    /** The block without the special-purpose ranges it covers but does not lie inside; those go to {@code leftOut}. */
    static List<TargetSpec.Block> withoutSpecialPurpose(TargetSpec.Block b, Set<SpecialPurpose> leftOut) {
      List<Cidr> cuts = new ArrayList<>();
      for (SpecialPurpose s : SpecialPurpose.REGISTRY) {
        Cidr r = s.range();
        boolean meets = r.first().compareTo(b.last()) <= 0 && r.last().compareTo(b.first()) >= 0;
        if (meets && !r.containsAll(b.first(), b.last())) {
          cuts.add(r);
          leftOut.add(s);
        }
      }
      if (cuts.isEmpty()) {
        return List.of(b);
      }
      cuts.sort((x, y) -> x.first().compareTo(y.first()));
      List<TargetSpec.Block> pieces = new ArrayList<>();
      Ip128 next = b.first();
      for (Cidr r : cuts) {
        if (r.last().compareTo(next) < 0) {
          continue; // inside a range already cut
        }
        if (r.first().compareTo(next) > 0) {
          Ip128 end = r.first().previous().compareTo(b.last()) < 0 ? r.first().previous() : b.last();
          pieces.add(new TargetSpec.Block(b.input(), next, end, b.port()));
        }
        if (r.last().compareTo(b.last()) >= 0) {
          return pieces;
        }
        next = r.last().next();
      }
      pieces.add(new TargetSpec.Block(b.input(), next, b.last(), b.port()));
      return pieces;
    }

    /** Names the largest block and the prefix that would fit, as the one-line error for a space too large. */
    private static TargetSyntaxException tooLarge(List<TargetSpec.Block> blocks, PortList ports) {
      TargetSpec.Block largest = blocks.get(0);
      for (TargetSpec.Block b : blocks) {
        if (Ip128.log2Ceiling(b.first(), b.last()) > Ip128.log2Ceiling(largest.first(), largest.last())) {
          largest = b;
        }
      }
      if (largest.addressCount() <= MAX_SIZE / ports.size()) {
        return tooLargeInAll(); // no one block is to blame
      }
      int bits = largest.isIpv4() ? 32 : 128;
      int log2 = Ip128.log2Ceiling(largest.first(), largest.last());
      // The largest power-of-two block that fits with these ports: 2^fit addresses × ports <= 2^40.
      int fit = 63 - Long.numberOfLeadingZeros(MAX_SIZE / ports.size());
      String portText = ports.size() == 1 ? "1 port" : ports.size() + " ports";
      String addressText = largest.addressCount() < (1L << 20) ? largest.addressCount() + " addresses" : "2^" + log2 + " addresses";
      return new TargetSyntaxException("target space too large: \"" + largest.input() + "\" is " + addressText + " × "
          + portText + ", and a scan walks at most 2^40 (" + MAX_SIZE + ") address-port pairs: use a prefix of /"
          + (bits - fit) + " or longer" + (ports.size() > 1 ? ", or fewer ports" : ""));
    }

    private static TargetSyntaxException tooLargeInAll() {
      return new TargetSyntaxException("target space too large: more than " + MAX_SIZE
          + " (2^40) address-port pairs in all, which is the most one scan walks: split the targets over several"
          + " scans (or shards) or give fewer ports");
    }

    private interface TokenSink {
      void accept(String token) throws TargetSyntaxException;
    }

    private interface ListReader {
      Builder read(Reader reader) throws TargetSyntaxException;
    }

    private Builder readFile(Path file, String what, ListReader reader) throws TargetSyntaxException {
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        return reader.read(r);
      } catch (NoSuchFileException e) {
        throw new TargetSyntaxException("cannot read " + what + " list \"" + file + "\": no such file");
      } catch (IOException e) {
        throw new TargetSyntaxException("cannot read " + what + " list \"" + file + "\": " + e.getMessage());
      }
    }

    private static void readList(Reader list, String sourceName, TokenSink sink) throws TargetSyntaxException {
      BufferedReader reader = list instanceof BufferedReader br ? br : new BufferedReader(list);
      int lineNumber = 0;
      try {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          lineNumber++;
          for (String token : tokens(line)) {
            try {
              sink.accept(token);
            } catch (TargetSyntaxException e) {
              throw new TargetSyntaxException(sourceName + ":" + lineNumber + ": " + e.getMessage());
            }
          }
        }
      } catch (IOException e) {
        throw new TargetSyntaxException("cannot read " + sourceName + " after line " + lineNumber + ": " + e.getMessage());
      }
    }

    /** The targets of one line: '#' starts a comment at the line's start or after a blank (a URL may hold one). */
    static List<String> tokens(String line) {
      List<String> tokens = new ArrayList<>(2);
      int i = 0;
      int n = line.length();
      while (i < n) {
        while (i < n && Character.isWhitespace(line.charAt(i))) {
          i++;
        }
        if (i == n || line.charAt(i) == '#') {
          break;
        }
        int start = i;
        while (i < n && !Character.isWhitespace(line.charAt(i))) {
          i++;
        }
        tokens.add(line.substring(start, i));
      }
      return tokens;
    }
  }
}
