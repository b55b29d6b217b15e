package io.heartguard.tlsserver;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.Extension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The JA3 fingerprint of a ClientHello (Salesforce, 2017): {@code SSLVersion,Ciphers,Extensions,EllipticCurves,
 * EllipticCurvePointFormats}, each field a '-'-separated list of decimal codes in the order the client sent them,
 * with GREASE values (RFC 8701) removed; {@link #md5()} is the hash tools exchange. A field the client did not send
 * stays empty: {@code 769,47-53,,,}.
 *
 * @param text the JA3 string
 */
public record Ja3Fingerprint(String text) {
  public Ja3Fingerprint {
    Objects.requireNonNull(text, "text");
  }

  public static Ja3Fingerprint of(ClientHello hello) {
    List<Integer> extensions = new ArrayList<>();
    for (Extension e : hello.extensions()) {
      extensions.add(e.type());
    }
    Extension groups = hello.extension(Extension.SUPPORTED_GROUPS);
    Extension formats = hello.extension(Extension.EC_POINT_FORMATS);
    String text = hello.version().code()
        + "," + join(hello.cipherSuites())
        + "," + join(extensions)
        + "," + join(groups == null ? List.of() : uint16List(groups.data()))
        + "," + join(formats == null ? List.of() : uint8List(formats.data()));
    return new Ja3Fingerprint(text);
  }

  /** The lowercase hex MD5 of the string. */
  public String md5() {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide MD5", e);
    }
  }

  /** RFC 8701 section 2: the sixteen GREASE values 0x0a0a, 0x1a1a, ... 0xfafa (both bytes equal, low nibble 0xa). */
  public static boolean isGrease(int code) {
    return (code & 0x0f0f) == 0x0a0a && (code >>> 8) == (code & 0xff);
  }

  private static String join(List<Integer> codes) {
    return codes.stream().filter(c -> !isGrease(c)).map(String::valueOf).collect(Collectors.joining("-"));
  }

  /** RFC 8422 section 5.1.1: NamedCurve named_curve_list<2..2^16-1>; an unreadable list counts as none. */
  private static List<Integer> uint16List(Bytes data) {
    List<Integer> out = new ArrayList<>();
    if (data.size() < 2) {
      return out;
    }
    int length = (data.get(0) << 8) | data.get(1);
    if (length != data.size() - 2 || length % 2 != 0) {
      return out;
    }
    for (int i = 2; i < data.size(); i += 2) {
      out.add((data.get(i) << 8) | data.get(i + 1));
    }
    return out;
  }

  /** RFC 8422 section 5.1.2: ECPointFormat ec_point_format_list<1..2^8-1>. */
  private static List<Integer> uint8List(Bytes data) {
    List<Integer> out = new ArrayList<>();
    if (data.size() < 1 || data.get(0) != data.size() - 1) {
      return out;
    }
    for (int i = 1; i < data.size(); i++) {
      out.add(data.get(i));
    }
    return out;
  }
}
