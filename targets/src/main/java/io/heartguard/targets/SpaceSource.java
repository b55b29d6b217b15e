package io.heartguard.targets;

import io.heartguard.address.Ip128;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One walk over a {@link TargetSpace}: names first, then the numeric space in cyclic-walk order. Holds the space
 * (shared, O(targets written)), the walk (a few longs) and the addresses of the one name being expanded.
 */
final class SpaceSource implements TargetSource {
  private final TargetSpace space;
  private final CyclicWalk walk;
  private int nextName;
  private TargetSpace.HostTarget name;
  /** The addresses of {@link #name}, or a single null when it did not resolve. */
  private List<InetAddress> nameAddresses = List.of();
  private int addressIndex;
  private int portIndex;

  SpaceSource(TargetSpace space, CyclicWalk walk) {
    this.space = space;
    this.walk = walk;
    this.nextName = space.shardIndex();
  }

  @Override
  public Optional<ScanTarget> next() {
    ScanTarget fromName = nextFromNames();
    if (fromName != null) {
      return Optional.of(fromName);
    }
    if (walk == null) {
      return Optional.empty();
    }
    for (long index = walk.next(); index >= 0; index = walk.next()) {
      ScanTarget target = numeric(index);
      if (target != null) {
        return Optional.of(target);
      }
    }
    return Optional.empty();
  }

  /** The shard's share: its names on their ports, and an even part of the numeric space. */
  @Override
  public OptionalLong sizeHint() {
    long total = (space.numericSize() + space.shardCount() - 1 - space.shardIndex()) / space.shardCount();
    List<TargetSpace.HostTarget> names = space.names();
    for (int i = space.shardIndex(); i < names.size(); i += space.shardCount()) {
      total += names.get(i).ports().size();
    }
    return OptionalLong.of(total);
  }

  private ScanTarget nextFromNames() {
    List<TargetSpace.HostTarget> names = space.names();
    while (true) {
      if (name != null && addressIndex < nameAddresses.size()) {
        InetAddress address = nameAddresses.get(addressIndex);
        int port = name.ports().port(portIndex);
        if (++portIndex == name.ports().size()) {
          portIndex = 0;
          addressIndex++;
        }
        return new ScanTarget(name.input(), name.name(), address, port);
      }
      if (nextName >= names.size()) {
        name = null;
        nameAddresses = List.of();
        return null;
      }
      name = names.get(nextName);
      nextName += space.shardCount(); // shard k of n takes names k, k+n, ...
      nameAddresses = resolve(name.name());
      addressIndex = 0;
      portIndex = 0;
    }
  }

  /** Every distinct address of the name outside the exclusions; a single null when it does not resolve. */
  private List<InetAddress> resolve(String host) {
    List<InetAddress> found;
    try {
      found = space.resolver().resolve(host);
    } catch (UnknownHostException e) {
      found = null;
    }
    if (found == null || found.isEmpty()) {
      List<InetAddress> unresolved = new ArrayList<>(1);
      unresolved.add(null); // the scan reports it, rather than the name vanishing from the results
      return unresolved;
    }
    List<InetAddress> kept = new ArrayList<>();
    for (InetAddress address : new LinkedHashSet<>(found)) {
      if (!space.exclusions().contains(Ip128.of(address))) {
        kept.add(address);
      }
    }
    return kept;
  }

  /** The target at walk index {@code index}, or null when an earlier group already yields the same pair. */
  private ScanTarget numeric(long index) {
    int g = space.groupOf(index);
    TargetSpace.Group group = space.group(g);
    long offset = index - space.groupStart(g);
    int portCount = group.ports().size();
    long addressIndex = offset / portCount;
    int port = group.ports().port((int) (offset % portCount));
    int piece = group.addresses().pieceOf(addressIndex);
    Ip128 address = group.addresses().address(piece, addressIndex);
    for (int earlier : group.shadowedBy()) {
      TargetSpace.Group other = space.group(earlier);
      if (other.ports().contains(port) && other.addresses().contains(address)) {
        return null;
      }
    }
    InetAddress inet = address.toInetAddress();
    String input = group.addresses().label(piece);
    return new ScanTarget(input != null ? input : inet.getHostName(), inet.getHostName(), inet, port);
  }
}
