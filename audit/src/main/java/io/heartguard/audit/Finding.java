package io.heartguard.audit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One OpenSSL copy found, and what it means: a shared library, a statically linked copy, a package in a package
 * database, or a library mapped by a running process.
 *
 * @param version the OpenSSL or package version as found, or null when none could be read
 * @param process set for {@link Kind#PROCESS} findings only
 */
public record Finding(Verdict verdict, Kind kind, Location location, String version, List<String> evidence,
    ProcessInfo process) {
  public enum Kind { SHARED_LIBRARY, STATIC_COPY, PACKAGE, PROCESS }

  public Finding {
    evidence = List.copyOf(evidence);
  }

  /**
   * Where the copy is: a file on disk, and inside it (an image or an archive) the member's path; archives inside
   * images chain with "!" as in jar URLs ("/app/lib.jar!META-INF/native/libnetty_tcnative.so").
   */
  public record Location(Path file, String member) {
    public String display() {
      return member == null ? file.toString() : file + "!" + member;
    }

    public Location inside(String innerMember) {
      return new Location(file, member == null ? innerMember : member + "!" + innerMember);
    }
  }

  /** A process that maps the library: who runs it, and whether it must restart to drop the old copy. */
  public record ProcessInfo(long pid, String user, String command, boolean restartNeeded) {}

  /** The same finding with its verdict changed and one more line of evidence. */
  public Finding decidedBy(Verdict newVerdict, String reason) {
    List<String> more = new ArrayList<>(evidence);
    more.add(reason);
    return new Finding(newVerdict, kind, location, version, more, process);
  }
}
