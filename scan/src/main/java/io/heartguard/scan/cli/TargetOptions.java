package io.heartguard.scan.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Where targets come from (docs/TARGETS.md): arguments, {@code -iL}, stdin, ports and exclusions. */
final class TargetOptions {
  @Parameters(arity = "0..*", paramLabel = "TARGET",
      description = {"host, host:port, 192.0.2.1:8443, [::1]:443, https://host[:port]/, a CIDR block (10.0.0.0/24,"
          + " 2001:db8::/120) or range (192.0.2.1-50), or - for a list on stdin; a name is checked on every address it"
          + " resolves to (docs/TARGETS.md)"})
  List<String> arguments = new ArrayList<>();

  @Option(names = "-iL", paramLabel = "FILE", description = "read targets from FILE: blank-separated, # starts a comment")
  List<Path> lists = new ArrayList<>();

  @Option(names = {"-p", "--ports"}, paramLabel = "PORTS",
      description = "ports for targets that name none, like 443,465,993,995,8443 or 8440-8443 (default: 443, or the"
          + " --starttls protocol's)")
  String ports;

  @Option(names = "--exclude", paramLabel = "LIST", description = "skip these addresses, blocks and ranges (comma-separated)")
  List<String> excludes = new ArrayList<>();

  @Option(names = "--exclude-file", paramLabel = "FILE", description = "skip the addresses, blocks and ranges in FILE")
  List<Path> excludeLists = new ArrayList<>();

  @Option(names = "--seed", paramLabel = "N", description = "fix the random order of the targets (printed when drawn)")
  Long seed;

  @Option(names = "--shard", paramLabel = "K/N",
      description = "check only shard K of N (K from 1): the N shards split the order --seed fixes, so give every"
          + " machine the same targets and seed (docs/SCAN-MANY.md)")
  String shard;

  @Option(names = "--allow-large",
      description = "scan a target space of more than " + ScanRun.LARGE_SPACE + " address-port pairs (a /16 on one port);"
          + " without it such a scan is refused (docs/SCAN-MANY.md)")
  boolean allowLarge;

  boolean given() {
    return !arguments.isEmpty() || !lists.isEmpty();
  }
}
