package io.heartguard.audit.elf;

import java.io.IOException;

/** A file that starts like ELF but whose headers do not hold together (truncated, offsets past the end, loops). */
public final class ElfException extends IOException {
  public ElfException(String message) {
    super(message);
  }
}
