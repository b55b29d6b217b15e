package io.heartguard.targets;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a host name into every address it has; tests give a fixed table, the scanner asks the system. */
@FunctionalInterface
public interface HostResolver {
  /** The system resolver: every A and AAAA record, in the order {@link InetAddress#getAllByName} returns them. */
  HostResolver SYSTEM = name -> List.of(InetAddress.getAllByName(name));

  /** Every address of {@code name}; throws when the name does not resolve. */
  List<InetAddress> resolve(String name) throws UnknownHostException;
}
