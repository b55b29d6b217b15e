package io.heartguard.audit.pkg;

import io.heartguard.audit.Verdict;
import io.heartguard.wire.openssl.OpenSslVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an installed openssl package means for Heartbleed, decided from its distribution's advisory first and from
 * the upstream version only when no advisory row applies.
 *
 * @param distroPatched the package is at or after its distribution's fixed version while its upstream version is
 *     in the affected range: the fix was backported, and files it installed are fixed whatever their banner says
 */
public record PackageVerdict(Verdict verdict, boolean distroPatched, List<String> evidence) {
  public PackageVerdict {
    evidence = List.copyOf(evidence);
  }

  public static PackageVerdict of(InstalledPackage p, Distribution root) {
    Distribution distro = root.orGuessedFrom(p.database(), p.version());
    String upstream = PackageVersion.upstream(p.version());
    Optional<OpenSslVersion> upstreamVersion = OpenSslVersion.findIn("OpenSSL " + upstream);
    boolean upstreamAffected = upstreamVersion.map(OpenSslVersion::hasHeartbleed).orElse(false);
    List<String> evidence = new ArrayList<>();
    evidence.add(p.database() + " package " + p.name() + " " + p.version() + " (" + distro.display() + ")");
    if (upstreamVersion.isPresent() && !upstreamAffected) {
      evidence.add("upstream OpenSSL " + upstreamVersion.get() + " is not affected");
      return new PackageVerdict(Verdict.NOT_VULNERABLE, false, evidence);
    }
    Optional<DistroFixes.Fix> fix = DistroFixes.forRelease(distro.id(), distro.release(), p.version());
    if (fix.isPresent()) {
      DistroFixes.Fix f = fix.get();
      boolean fixed = PackageVersion.compare(p.version(), f.fixedVersion()) >= 0;
      evidence.add((fixed ? "at or after " : "before ") + f.fixedVersion() + ", the first fixed version for "
          + f.distro() + " " + f.release() + " (" + f.advisory() + ", " + f.source() + ")");
      return new PackageVerdict(fixed ? Verdict.NOT_VULNERABLE : Verdict.VULNERABLE, fixed && upstreamAffected, evidence);
    }
    if (upstreamAffected) {
      evidence.add("upstream OpenSSL " + upstreamVersion.get() + " is affected, and no advisory row for "
          + distro.display() + " says whether the fix was backported");
      return new PackageVerdict(Verdict.INCONCLUSIVE, false, evidence);
    }
    evidence.add("upstream version \"" + upstream + "\" is not an OpenSSL version this audit can read");
    return new PackageVerdict(Verdict.INCONCLUSIVE, false, evidence);
  }
}
