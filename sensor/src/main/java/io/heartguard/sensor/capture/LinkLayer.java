package io.heartguard.sensor.capture;

/**
 * Finds the IP header behind a link-layer header, for the link types captures of TLS traffic come with
 * (numbers from https://www.tcpdump.org/linktypes.html).
 */
public final class LinkLayer {
  public static final int NULL = 0;
  public static final int ETHERNET = 1;
  public static final int RAW = 101;
  public static final int LOOP = 108;
  public static final int LINUX_SLL = 113;
  public static final int IPV4 = 228;
  public static final int IPV6 = 229;
  public static final int LINUX_SLL2 = 276;
  /** Some platforms write their DLT_RAW values (12 on most BSDs, 14 on OpenBSD) instead of LINKTYPE_RAW. */
  private static final int DLT_RAW_BSD = 12;
  private static final int DLT_RAW_OPENBSD = 14;

  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_IPV6 = 0x86dd;
  private static final int ETHERTYPE_VLAN = 0x8100;
  private static final int ETHERTYPE_QINQ = 0x88a8;
  private static final int ETHERTYPE_QINQ_OLD = 0x9100;

  private LinkLayer() {}

  /** The offset of the IP header in {@code data}, or -1 when the packet carries no IP. */
  public static int ipOffset(int linkType, byte[] data, int offset, int length) {
    int end = offset + length;
    switch (linkType) {
      case ETHERNET -> {
        int p = offset + 12;
        while (p + 2 <= end) {
          int etherType = ((data[p] & 0xff) << 8) | (data[p + 1] & 0xff);
          if (etherType == ETHERTYPE_VLAN || etherType == ETHERTYPE_QINQ || etherType == ETHERTYPE_QINQ_OLD) {
            p += 4; // IEEE 802.1Q: a 4-byte tag before the real EtherType, possibly stacked
            continue;
          }
          return isIp(etherType) ? p + 2 : -1;
        }
        return -1;
      }
      case LINUX_SLL -> {
        // 16-byte cooked header, protocol in the last two bytes.
        return length >= 16 && isIp(((data[offset + 14] & 0xff) << 8) | (data[offset + 15] & 0xff))
            ? offset + 16 : -1;
      }
      case LINUX_SLL2 -> {
        // 20-byte cooked header v2, protocol in the first two bytes.
        return length >= 20 && isIp(((data[offset] & 0xff) << 8) | (data[offset + 1] & 0xff)) ? offset + 20 : -1;
      }
      case RAW, IPV4, IPV6, DLT_RAW_BSD, DLT_RAW_OPENBSD -> {
        return offset;
      }
      case NULL, LOOP -> {
        // A 4-byte address family, in the capturing host's byte order for NULL, network order for LOOP.
        if (length < 4) {
          return -1;
        }
        int be = ((data[offset] & 0xff) << 24) | ((data[offset + 1] & 0xff) << 16) | ((data[offset + 2] & 0xff) << 8)
            | (data[offset + 3] & 0xff);
        int family = linkType == LOOP || (be & 0xffff) != 0 ? be : Integer.reverseBytes(be);
        // AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS), 10 (Linux).
        return family == 2 || family == 24 || family == 28 || family == 30 || family == 10 ? offset + 4 : -1;
      }
      default -> {
        return -1;
      }
    }
  }

  private static boolean isIp(int etherType) {
    return etherType == ETHERTYPE_IPV4 || etherType == ETHERTYPE_IPV6;
  }
}
