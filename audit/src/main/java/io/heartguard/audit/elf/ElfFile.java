package io.heartguard.audit.elf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The parts of an ELF file an audit needs, read piece by piece: the section headers and their names, the dynamic
 * section's DT_NEEDED and DT_SONAME, and the names of defined symbols. Section contents are read only on request,
 * so a 100 MB program costs a few kilobytes unless its .rodata is asked for. Every offset and size comes from the
 * file and is checked against its length before anything is read (System V ABI, "ELF Header" and "Sections").
 */
public final class ElfFile {
  public static final int SHT_SYMTAB = 2;
  public static final int SHT_STRTAB = 3;
  public static final int SHT_DYNAMIC = 6;
  public static final int SHT_NOBITS = 8;
  public static final int SHT_DYNSYM = 11;
  private static final long DT_NEEDED = 1;
  private static final long DT_SONAME = 14;
  private static final int SHN_UNDEF = 0;

  /** Larger than any real section header table (65535 entries of 64 bytes) is not an ELF we read. */
  private static final int MAX_SECTIONS = 65_535;
  /** Section-name and dynamic string tables stay small in real files; these caps keep hostile ones cheap. */
  private static final int MAX_NAME_TABLE = 1 << 20;
  private static final int MAX_DYNAMIC = 1 << 20;
  /** A symbol table's strings are held in memory while its symbols are read; a bigger table is not read. */
  public static final int MAX_SYMBOL_STRINGS = 64 << 20;

  private final RandomAccessInput input;
  private final boolean is64;
  private final boolean littleEndian;
  private final List<Section> sections;

  /** One section header; {@code name} from .shstrtab. */
  public record Section(String name, int type, long flags, long offset, long size, int link, long entrySize) {
    public boolean hasFileBytes() {
      return type != SHT_NOBITS && size > 0;
    }
  }

  private ElfFile(RandomAccessInput input, boolean is64, boolean littleEndian, List<Section> sections) {
    this.input = input;
    this.is64 = is64;
    this.littleEndian = littleEndian;
    this.sections = sections;
  }

  /** Whether these leading bytes are the ELF magic, 0x7f 'E' 'L' 'F'. */
  public static boolean isElf(byte[] head, int length) {
    return length >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
  }

  public static ElfFile read(RandomAccessInput input) throws IOException {
    long fileSize = input.size();
    if (fileSize < 52) {
      throw new ElfException("truncated ELF: " + fileSize + " bytes, the header alone is 52 or 64");
    }
    byte[] ident = input.read(0, 16);
    if (!isElf(ident, ident.length)) {
      throw new ElfException("not ELF: no 0x7f 'ELF' magic");
    }
    boolean is64 = switch (ident[4]) { // EI_CLASS
      case 1 -> false;
      case 2 -> true;
      default -> throw new ElfException("ELF class " + ident[4] + " is neither 1 (32-bit) nor 2 (64-bit)");
    };
    boolean little = switch (ident[5]) { // EI_DATA
      case 1 -> true;
      case 2 -> false;
      default -> throw new ElfException("ELF data encoding " + ident[5] + " is neither 1 (LSB) nor 2 (MSB)");
    };
    int headerSize = is64 ? 64 : 52;
    if (fileSize < headerSize) {
      throw new ElfException("truncated ELF: " + fileSize + " bytes, the header alone is " + headerSize);
    }
    Fields h = new Fields(input.read(0, headerSize), little);
    long shoff = is64 ? h.u64(40) : h.u32(32);
    int shentsize = h.u16(is64 ? 58 : 46);
    int shnum = h.u16(is64 ? 60 : 48);
    int shstrndx = h.u16(is64 ? 62 : 50);
    if (shoff == 0 || shnum == 0) {
      return new ElfFile(input, is64, little, List.of());
    }
    int expected = is64 ? 64 : 40;
    if (shentsize < expected) {
      throw new ElfException("section header size " + shentsize + " is under the " + expected + " bytes of this ELF class");
    }
    if (shnum > MAX_SECTIONS || shoff < 0 || shoff + (long) shnum * shentsize > fileSize) {
      throw new ElfException("truncated ELF: " + shnum + " section headers at " + shoff + " do not fit in " + fileSize + " bytes");
    }
    Fields table = new Fields(input.read(shoff, shnum * shentsize), little);
    List<long[]> raw = new ArrayList<>(shnum);
    for (int i = 0; i < shnum; i++) {
      int at = i * shentsize;
      raw.add(is64
          ? new long[] {table.u32(at), table.u32(at + 4), table.u64(at + 8), table.u64(at + 24), table.u64(at + 32),
              table.u32(at + 40), table.u64(at + 56)}
          : new long[] {table.u32(at), table.u32(at + 4), table.u32(at + 8), table.u32(at + 16), table.u32(at + 20),
              table.u32(at + 24), table.u32(at + 36)});
    }
    byte[] names = new byte[0];
    if (shstrndx > 0 && shstrndx < shnum) {
      long[] s = raw.get(shstrndx);
      names = readChecked(input, s[3], s[4], MAX_NAME_TABLE, "section name table");
    }
    List<Section> sections = new ArrayList<>(shnum);
    for (long[] s : raw) {
      sections.add(new Section(cString(names, s[0]), (int) s[1], s[2], s[3], s[4], (int) s[5], s[6]));
    }
    return new ElfFile(input, is64, little, List.copyOf(sections));
  }

  public List<Section> sections() {
    return sections;
  }

  public Optional<Section> section(String name) {
    return sections.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The file bytes of a section, up to {@code max}; throws when the section claims more than the file holds. */
  public byte[] contents(Section s, int max) throws IOException {
    if (!s.hasFileBytes()) {
      return new byte[0];
    }
    return readChecked(input, s.offset(), s.size(), max, "section " + s.name());
  }

  /** Checks a section's extent against the file and returns it, for callers that read it in pieces. */
  public void requireInFile(Section s) throws ElfException {
    if (s.offset() < 0 || s.size() < 0 || s.offset() + s.size() > input.size()) {
      throw new ElfException("truncated ELF: section " + s.name() + " (" + s.size() + " bytes at " + s.offset()
          + ") runs past the end of the " + input.size() + "-byte file");
    }
  }

  public RandomAccessInput input() {
    return input;
  }

  /** DT_SONAME and DT_NEEDED, read from the SHT_DYNAMIC section and the string table it links to. */
  public Dynamic dynamic() throws IOException {
    for (Section s : sections) {
      if (s.type() != SHT_DYNAMIC || s.link() <= 0 || s.link() >= sections.size()) {
        continue;
      }
      Fields d = new Fields(contents(s, MAX_DYNAMIC), littleEndian);
      byte[] strings = contents(sections.get(s.link()), MAX_SYMBOL_STRINGS);
      int entry = is64 ? 16 : 8;
      String soname = null;
      List<String> needed = new ArrayList<>();
      for (int at = 0; at + entry <= d.length(); at += entry) {
        long tag = is64 ? d.u64(at) : d.u32(at);
        long value = is64 ? d.u64(at + 8) : d.u32(at + 4);
        if (tag == 0) {
          break; // DT_NULL ends the array
        } else if (tag == DT_NEEDED) {
          needed.add(cString(strings, value));
        } else if (tag == DT_SONAME) {
          soname = cString(strings, value);
        }
      }
      return new Dynamic(soname, List.copyOf(needed));
    }
    return new Dynamic(null, List.of());
  }

  /** What the dynamic section names: this object's soname (null for most programs) and the libraries it needs. */
  public record Dynamic(String soname, List<String> needed) {}

  /**
   * Which of {@code wanted} this file defines (st_shndx not SHN_UNDEF) in the symbol table of the given type,
   * SHT_DYNSYM (what a shared library exports) or SHT_SYMTAB (everything, unless the file was stripped). Empty
   * when the table is absent; the caller tells "no table" from "no such symbol" with {@link #hasSymbolTable}.
   */
  public Set<String> definedSymbols(int tableType, Set<String> wanted) throws IOException {
    Set<String> found = new HashSet<>();
    for (Section s : sections) {
      if (s.type() != tableType || s.link() <= 0 || s.link() >= sections.size()) {
        continue;
      }
      requireInFile(s);
      byte[] strings = contents(sections.get(s.link()), MAX_SYMBOL_STRINGS);
      int entry = is64 ? 24 : 16;
      byte[] chunk = new byte[entry * 4096];
      for (long done = 0; done + entry <= s.size(); ) {
        int n = (int) Math.min(chunk.length, (s.size() - done) / entry * entry);
        input.readFully(s.offset() + done, chunk, 0, n);
        Fields f = new Fields(chunk, littleEndian);
        for (int at = 0; at < n; at += entry) {
          int shndx = f.u16(at + (is64 ? 6 : 14));
          if (shndx != SHN_UNDEF) {
            String name = cString(strings, f.u32(at));
            if (wanted.contains(name)) {
              found.add(name);
            }
          }
        }
        done += n;
      }
    }
    return found;
  }

  public boolean hasSymbolTable(int tableType) {
    return sections.stream().anyMatch(s -> s.type() == tableType && s.size() > 0);
  }

  private static byte[] readChecked(RandomAccessInput input, long offset, long size, int max, String what)
      throws IOException {
    if (offset < 0 || size < 0 || offset + size > input.size()) {
      throw new ElfException("truncated ELF: " + what + " (" + size + " bytes at " + offset + ") runs past the end of the "
          + input.size() + "-byte file");
    }
    if (size > max) {
      throw new ElfException(what + " is " + size + " bytes, over the " + max + " this reader holds in memory");
    }
    return input.read(offset, (int) size);
  }

  private static String cString(byte[] table, long offset) {
    if (offset < 0 || offset >= table.length) {
      return "";
    }
    int start = (int) offset;
    int end = start;
    while (end < table.length && table[end] != 0) {
      end++;
    }
    return new String(table, start, end - start, StandardCharsets.ISO_8859_1);
  }

  /** Little- or big-endian unsigned fields of a byte array, as the file's EI_DATA says. */
  private record Fields(byte[] b, boolean little) {
    int length() {
      return b.length;
    }

    int u16(int at) {
      int x = b[at] & 0xff;
      int y = b[at + 1] & 0xff;
      return little ? x | y << 8 : x << 8 | y;
    }

    long u32(int at) {
      long lo = u16(at);
      long hi = u16(at + 2);
      return little ? lo | hi << 16 : lo << 16 | hi;
    }

    long u64(int at) {
      long lo = u32(at);
      long hi = u32(at + 4);
      long v = little ? lo | hi << 32 : lo << 32 | hi;
      return v < 0 ? Long.MAX_VALUE : v; // an offset this large is past any file: the extent checks reject it
    }
  }
}
