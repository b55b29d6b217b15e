package io.heartguard.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What the server's certificate said about its age, as stored. {@code issuedAfterDisclosure} is kept as the scanner
 * computed it rather than recomputed here, so a report says exactly what the scan said.
 */
public record StoredCertificate(
    String subject, String issuer, Instant notBefore, Instant notAfter, boolean issuedAfterDisclosure) {

  public StoredCertificate {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuer, "issuer");
    notBefore = notBefore.truncatedTo(ChronoUnit.MILLIS); // stored as milliseconds
    notAfter = notAfter.truncatedTo(ChronoUnit.MILLIS);
  }
}
