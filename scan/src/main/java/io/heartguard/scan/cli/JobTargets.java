package io.heartguard.scan.cli;

import io.heartguard.targets.PortList;
import io.heartguard.targets.Shard;
import io.heartguard.targets.TargetSpace;
import io.heartguard.targets.TargetSyntaxException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a scan's target stream is built from, as the job's {@code target_spec} (docs/STORE.md): the targets in the
 * order given (stdin's read into the list, since stdin cannot be read again on resume), each {@code -iL} file by path
 * and SHA-256 (a file changed since is refused on resume), the port list, and the exclusions. With the job's seed
 * it rebuilds the same stream, target for target. One entry a line, {@code KEY VALUE}, after a version line. A
 * sharded job ({@code --shard K/N}) keeps its shard as a {@code shard K/N} line, so that resuming walks the same part;
 * a whole job writes none, as jobs from before sharding did. A {@code protocol} line says how each target was reached
 * ({@code tls}, {@code dtls}, {@code auto} or a STARTTLS protocol), so that a resume with other options is refused
 * rather than mixing verdicts of two protocols in one job; jobs from before it have none and are not checked. A
 * {@code special-purpose left-out} line says that blocks leave out the special-purpose ranges they cover
 * (docs/TARGETS.md); jobs from before that rule have none and are rebuilt as they were, so their order stays the same.
 */
record JobTargets(List<String> targets, List<ListFile> lists, String ports, List<String> excludes,
    List<ListFile> excludeLists, Shard shard, String protocol, boolean specialPurposeLeftOut) {
  static final String VERSION_LINE = "heartguard.scan.targets/1";
  static final String SPECIAL_PURPOSE_LINE = "special-purpose left-out";

  /** A list file and the digest of its contents when the job was created. */
  record ListFile(Path path, String sha256) {}

  JobTargets {
    targets = List.copyOf(targets);
    lists = List.copyOf(lists);
    excludes = List.copyOf(excludes);
    excludeLists = List.copyOf(excludeLists);
    shard = shard == null ? Shard.WHOLE : shard;
  }

  /** The same targets, reached by {@code protocol}. */
  JobTargets withProtocol(String protocol) {
    return new JobTargets(targets, lists, ports, excludes, excludeLists, shard, protocol, specialPurposeLeftOut);
  }

  /**
   * From the command line: {@code -} among the targets stands for stdin's list; {@code ports} is {@code -p} or the
   * default for targets that name no port.
   */
  static JobTargets of(List<String> arguments, List<Path> lists, PortList ports, List<String> excludes,
      List<Path> excludeLists, InputStream stdin) throws TargetSyntaxException {
    return of(arguments, lists, ports, excludes, excludeLists, Shard.WHOLE, stdin);
  }

  /** As {@link #of(List, List, PortList, List, List, InputStream)}, walking only {@code shard}. */
  static JobTargets of(List<String> arguments, List<Path> lists, PortList ports, List<String> excludes,
      List<Path> excludeLists, Shard shard, InputStream stdin) throws TargetSyntaxException {
    List<String> targets = new ArrayList<>();
    boolean stdinRead = false;
    for (String argument : arguments) {
      if (!argument.equals("-")) {
        targets.add(argument);
      } else if (!stdinRead) {
        stdinRead = true;
        try (Reader reader = new java.io.InputStreamReader(stdin, java.nio.charset.StandardCharsets.UTF_8)) {
          targets.addAll(tokens(reader));
        } catch (IOException e) {
          throw new TargetSyntaxException("cannot read the target list from stdin: " + e.getMessage());
        }
      }
    }
    List<ListFile> listFiles = new ArrayList<>();
    for (Path p : lists) {
      listFiles.add(new ListFile(p, sha256(p, "target")));
    }
    List<ListFile> excludeFiles = new ArrayList<>();
    for (Path p : excludeLists) {
      excludeFiles.add(new ListFile(p, sha256(p, "exclude")));
    }
    return new JobTargets(targets, listFiles, ports.toString(), excludes, excludeFiles, shard, null, true);
  }

  boolean isEmpty() {
    return targets.isEmpty() && lists.isEmpty();
  }

  /** The target space, in the order {@code seed} fixes; a list file that changed since {@link #of} is refused. */
  TargetSpace space(long seed) throws TargetSyntaxException {
    TargetSpace.Builder builder = TargetSpace.builder().ports(PortList.parse(ports)).seed(seed).shard(shard)
        .leaveOutSpecialPurpose(specialPurposeLeftOut);
    for (String target : targets) {
      builder.add(target);
    }
    for (ListFile list : lists) {
      requireUnchanged(list, "target");
      builder.addFile(list.path());
    }
    for (String exclude : excludes) {
      builder.exclude(exclude);
    }
    for (ListFile list : excludeLists) {
      requireUnchanged(list, "exclude");
      builder.excludeFile(list.path());
    }
    return builder.build();
  }

  String encode() {
    StringBuilder text = new StringBuilder(VERSION_LINE).append('\n');
    text.append("ports ").append(ports).append('\n');
    if (!shard.isWhole()) {
      text.append("shard ").append(shard).append('\n');
    }
    if (protocol != null) {
      text.append("protocol ").append(protocol).append('\n');
    }
    if (specialPurposeLeftOut) {
      text.append(SPECIAL_PURPOSE_LINE).append('\n');
    }
    targets.forEach(t -> text.append("target ").append(t).append('\n'));
    lists.forEach(l -> text.append("list ").append(l.sha256()).append(' ').append(l.path()).append('\n'));
    excludes.forEach(e -> text.append("exclude ").append(e).append('\n'));
    excludeLists.forEach(l -> text.append("exclude-list ").append(l.sha256()).append(' ').append(l.path()).append('\n'));
    return text.toString();
  }

  static JobTargets decode(String text) throws TargetSyntaxException {
    String[] lines = text.split("\n");
    if (lines.length == 0 || !lines[0].equals(VERSION_LINE)) {
      throw new TargetSyntaxException("the job's target list starts with '" + (lines.length == 0 ? "" : lines[0])
          + "', expected '" + VERSION_LINE + "': it was written by another version of heartguard");
    }
    List<String> targets = new ArrayList<>();
    List<ListFile> lists = new ArrayList<>();
    List<String> excludes = new ArrayList<>();
    List<ListFile> excludeLists = new ArrayList<>();
    String ports = null;
    Shard shard = Shard.WHOLE;
    String protocol = null;
    boolean specialPurposeLeftOut = false;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.equals(SPECIAL_PURPOSE_LINE)) {
        specialPurposeLeftOut = true;
        continue;
      }
      int space = line.indexOf(' ');
      String key = space < 0 ? line : line.substring(0, space);
      String value = space < 0 ? "" : line.substring(space + 1);
      switch (key) {
        case "ports" -> ports = value;
        case "target" -> targets.add(value);
        case "exclude" -> excludes.add(value);
        case "shard" -> shard = Shard.parse(value);
        case "protocol" -> protocol = value;
        case "list", "exclude-list" -> {
          int split = value.indexOf(' ');
          if (split < 0) {
            throw new TargetSyntaxException("the job's target list has '" + line + "', expected '" + key + " SHA256 PATH'");
          }
          ListFile file = new ListFile(Path.of(value.substring(split + 1)), value.substring(0, split));
          (key.equals("list") ? lists : excludeLists).add(file);
        }
        default -> throw new TargetSyntaxException("the job's target list has line '" + line
            + "', expected ports, shard, protocol, " + SPECIAL_PURPOSE_LINE + ", target, list, exclude or exclude-list");
      }
    }
    if (ports == null) {
      throw new TargetSyntaxException("the job's target list has no ports line");
    }
    return new JobTargets(targets, lists, ports, excludes, excludeLists, shard, protocol, specialPurposeLeftOut);
  }

  /** The targets of a list in the {@code -iL} format: blank-separated, {@code #} at a token's start ends the line. */
  static List<String> tokens(Reader list) throws IOException {
    List<String> tokens = new ArrayList<>();
    BufferedReader reader = new BufferedReader(list);
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      for (String token : line.strip().split("\\s+")) {
        if (token.startsWith("#")) {
          break;
        }
        if (!token.isEmpty()) {
          tokens.add(token);
        }
      }
    }
    return tokens;
  }

  private static void requireUnchanged(ListFile list, String what) throws TargetSyntaxException {
    String now = sha256(list.path(), what);
    if (!now.equals(list.sha256())) {
      throw new TargetSyntaxException(what + " list " + list.path() + " has changed since the job began (SHA-256 "
          + now + ", expected " + list.sha256() + "): resuming would check other targets; start a new job");
    }
  }

  private static String sha256(Path file, String what) throws TargetSyntaxException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchFileException e) {
      throw new TargetSyntaxException("cannot read " + what + " list \"" + file + "\": no such file");
    } catch (IOException e) {
      throw new TargetSyntaxException("cannot read " + what + " list \"" + file + "\": " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
