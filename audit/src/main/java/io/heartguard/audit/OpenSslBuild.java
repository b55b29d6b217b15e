package io.heartguard.audit;

import io.heartguard.audit.elf.ElfFile;
import io.heartguard.audit.elf.RandomAccessInput;
import io.heartguard.audit.elf.RodataStrings;
import io.heartguard.wire.openssl.OpenSslVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one ELF file says about the OpenSSL in it: which part it is (libssl, libcrypto, or a copy linked into
 * something else), the version its banner names, and whether the heartbeat code was compiled in. The verdict needs
 * both: 1.0.1f built with -DOPENSSL_NO_HEARTBEATS (the 2014 mitigation) has the affected banner and no heartbeat.
 *
 * @param version the banner's version, or null when there is no banner
 * @param laterSeries no banner, but the soname names a series after 1.0.x (OpenSSL 3's libssl carries no banner)
 */
public record OpenSslBuild(Role role, OpenSslVersion version, boolean laterSeries, Heartbeats heartbeats,
    List<String> evidence) {
  public enum Role { LIBSSL, LIBCRYPTO, STATIC_COPY }

  /** Whether the heartbeat code (ssl/t1_lib.c tls1_process_heartbeat, ssl/d1_both.c dtls1_process_heartbeat) is in. */
  public enum Heartbeats { COMPILED_IN, COMPILED_OUT, UNKNOWN }

  /** The functions OpenSSL 1.0.1 builds only without OPENSSL_NO_HEARTBEATS; libssl exports all four. */
  static final Set<String> HEARTBEAT_SYMBOLS =
      Set.of("tls1_heartbeat", "tls1_process_heartbeat", "dtls1_heartbeat", "dtls1_process_heartbeat");
  /** A libssl export every release has: proves the symbol table is libssl's and was read. */
  private static final String LIBSSL_MARKER = "SSL_new";
  private static final Pattern LIBSSL = Pattern.compile("libssl(?:[.-].*)?\\.so(?:\\..*)?");
  private static final Pattern LIBCRYPTO = Pattern.compile("libcrypto(?:[.-].*)?\\.so(?:\\..*)?");
  /** libssl.so.1.1, libssl.so.3: sonames of the series after 1.0.x, which dropped the heartbeat code's bug. */
  private static final Pattern LATER_SONAME = Pattern.compile("lib(?:ssl|crypto)\\.so\\.(1\\.1|[3-9]|\\d{2,})(?:\\..*)?");

  public OpenSslBuild {
    evidence = List.copyOf(evidence);
  }

  /** Whether a file name is one an OpenSSL shared library goes by (libssl.so.1.0.0, libcrypto-1_1.so, ...). */
  public static boolean isLibraryName(String fileName) {
    return LIBSSL.matcher(fileName).matches() || LIBCRYPTO.matcher(fileName).matches();
  }

  /**
   * Reads an ELF file. Empty when it holds no OpenSSL: a program that links libssl dynamically (its OpenSSL is that
   * library, audited where it lies), or one whose read-only data has no OpenSSL banner.
   */
  public static Optional<OpenSslBuild> read(String fileName, RandomAccessInput input) throws IOException {
    ElfFile elf = ElfFile.read(input);
    ElfFile.Dynamic dynamic = elf.dynamic();
    String name = dynamic.soname() != null ? dynamic.soname() : fileName;
    Role role = LIBSSL.matcher(name).matches() ? Role.LIBSSL
        : LIBCRYPTO.matcher(name).matches() ? Role.LIBCRYPTO : Role.STATIC_COPY;
    if (role == Role.STATIC_COPY && dynamic.needed().stream().anyMatch(OpenSslBuild::isLibraryName)) {
      return Optional.empty();
    }
    List<long[]> rodata = readOnlyData(elf);
    String banner = banner(elf, rodata);
    List<String> evidence = new ArrayList<>();
    OpenSslVersion version = null;
    if (banner != null) {
      version = OpenSslVersion.findIn(banner).orElse(null);
      evidence.add("banner \"" + banner + "\"");
    } else if (role == Role.STATIC_COPY) {
      return Optional.empty();
    } else {
      Matcher later = LATER_SONAME.matcher(name);
      if (later.matches()) {
        evidence.add("no banner; soname " + name + " is the OpenSSL " + later.group(1)
            + " series, which never had the Heartbleed bug");
        return Optional.of(new OpenSslBuild(role, null, true, Heartbeats.UNKNOWN, evidence));
      }
      evidence.add("no OpenSSL version banner in " + (dynamic.soname() != null ? "soname " + name : name));
    }
    // Only an affected version needs its build read: a later one is fixed with or without heartbeats.
    Heartbeats heartbeats = version != null && version.hasHeartbleed()
        ? heartbeats(elf, role, new RodataStrings(banner, compilerFlags(elf, rodata)), evidence) : Heartbeats.UNKNOWN;
    return Optional.of(new OpenSslBuild(role, version, false, heartbeats, evidence));
  }

  /** The verdict this file alone supports; package ownership may overrule it (a distribution's backported fix). */
  public Verdict verdict() {
    if (version == null) {
      return laterSeries ? Verdict.NOT_VULNERABLE : Verdict.INCONCLUSIVE;
    }
    if (!version.hasHeartbleed()) {
      return Verdict.NOT_VULNERABLE;
    }
    return switch (heartbeats) {
      case COMPILED_IN -> Verdict.VULNERABLE;
      case COMPILED_OUT -> Verdict.NOT_VULNERABLE;
      case UNKNOWN -> Verdict.INCONCLUSIVE;
    };
  }

  /** The evidence: the banner, what its version means, then what the build shows about heartbeats. */
  public List<String> reasons() {
    List<String> all = new ArrayList<>(evidence);
    if (version != null) {
      all.add(all.isEmpty() ? 0 : 1, version.hasHeartbleed()
          ? "OpenSSL " + version + " is in the affected range (1.0.1 to 1.0.1f, 1.0.2-beta1)"
          : "OpenSSL " + version + " is not affected (1.0.1g fixed it; 0.9.8 and 1.0.0 have no heartbeats)");
      if (version.hasHeartbleed() && heartbeats == Heartbeats.UNKNOWN) {
        all.add("nothing shows whether the heartbeat code was compiled in");
      }
    }
    return all;
  }

  /** Where OpenSSL's strings are: the .rodata sections, or the whole file when it has no section headers. */
  private static List<long[]> readOnlyData(ElfFile elf) throws IOException {
    if (elf.sections().isEmpty()) {
      return List.of(new long[] {0, elf.input().size()}); // stripped with sstrip, or damaged
    }
    List<long[]> extents = new ArrayList<>();
    for (ElfFile.Section s : elf.sections()) {
      if (s.name().startsWith(".rodata") && s.hasFileBytes()) {
        elf.requireInFile(s);
        extents.add(new long[] {s.offset(), s.size()});
      }
    }
    return extents;
  }

  private static String banner(ElfFile elf, List<long[]> extents) throws IOException {
    for (long[] e : extents) {
      String found = RodataStrings.banner(elf.input(), e[0], e[1]);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static String compilerFlags(ElfFile elf, List<long[]> extents) throws IOException {
    for (long[] e : extents) {
      String found = RodataStrings.compilerFlags(elf.input(), e[0], e[1]);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static Heartbeats heartbeats(ElfFile elf, Role role, RodataStrings strings, List<String> evidence)
      throws IOException {
    // A symbol table is the strongest evidence: libssl exports the heartbeat functions (.dynsym); an unstripped
    // program keeps them in .symtab.
    int table = role == Role.LIBSSL ? ElfFile.SHT_DYNSYM : ElfFile.SHT_SYMTAB;
    String tableName = table == ElfFile.SHT_DYNSYM ? ".dynsym" : ".symtab";
    if (role != Role.LIBCRYPTO && elf.hasSymbolTable(table)) {
      Set<String> wanted = new java.util.HashSet<>(HEARTBEAT_SYMBOLS);
      wanted.add(LIBSSL_MARKER);
      Set<String> found = new TreeSet<>(elf.definedSymbols(table, wanted));
      boolean isLibssl = found.remove(LIBSSL_MARKER);
      if (!found.isEmpty()) {
        evidence.add(tableName + " defines " + String.join(", ", found));
        return Heartbeats.COMPILED_IN;
      }
      if (isLibssl) {
        evidence.add(tableName + " defines SSL_new but no heartbeat function (tls1_process_heartbeat): heartbeats compiled out");
        return Heartbeats.COMPILED_OUT;
      }
    }
    if (strings.heartbeatsCompiledOut()) {
      evidence.add("built with -DOPENSSL_NO_HEARTBEATS (compiler flags in .rodata)");
      return Heartbeats.COMPILED_OUT;
    }
    if (strings.compilerFlags() != null) {
      // Heartbeats are on unless the build says otherwise (OpenSSL 1.0.1's Configure has no switch before 1.0.1g).
      evidence.add(role == Role.LIBCRYPTO
          ? "build flags do not disable heartbeats; the heartbeat code is in the libssl of this build"
          : "build flags do not disable heartbeats");
      return Heartbeats.COMPILED_IN;
    }
    return Heartbeats.UNKNOWN;
  }
}
