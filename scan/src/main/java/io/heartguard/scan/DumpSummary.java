package io.heartguard.scan;

/**
 * What a dump read, described without its content: how many bytes went to the dump file, how many printable strings
 * (runs of at least {@value #MIN_STRING_LENGTH} printable ASCII characters, as strings(1) counts them) they held, and
 * whether a PEM private-key header was among them.
 */
public record DumpSummary(int responses, long bytes, int printableStrings, boolean privateKeyHeaderSeen) {
  public static final int MIN_STRING_LENGTH = 4;
}
