package io.heartguard.scan.cli;

import io.heartguard.scan.starttls.StartTlsMode;
import io.heartguard.wire.record.ProtocolVersion;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters: a bad value becomes a one-line usage error (exit code 2). */
final class Converters {
  private Converters() {}

  /** "5" (seconds), "5s", "1500ms", "1m", or ISO-8601 "PT5S". */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      try {
        Duration d;
        if (v.startsWith("pt")) {
          d = Duration.parse(v.toUpperCase(Locale.ROOT));
        } else if (v.endsWith("ms")) {
          d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        } else if (v.endsWith("s")) {
          d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        } else if (v.endsWith("m")) {
          d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
        } else {
          d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        }
        if (d.isNegative() || d.isZero()) {
          throw new TypeConversionException("'" + value + "' is not a positive duration");
        }
        return d;
      } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
        throw new TypeConversionException("'" + value + "' is not a duration (examples: 5s, 1500ms, 1m)");
      }
    }
  }

  /** SSLv3, TLS1.0, TLSv1.1, tls1.2, 1.2 ... */
  static final class VersionConverter implements ITypeConverter<ProtocolVersion> {
    @Override
    public ProtocolVersion convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT).replace("v", "").replace("_", ".");
      return switch (v) {
        case "ssl3", "ssl3.0" -> ProtocolVersion.SSL3_0;
        case "tls1", "tls1.0", "1.0" -> ProtocolVersion.TLS1_0;
        case "tls1.1", "1.1" -> ProtocolVersion.TLS1_1;
        case "tls1.2", "1.2" -> ProtocolVersion.TLS1_2;
        default -> throw new TypeConversionException("'" + value + "' is not one of SSLv3, TLS1.0, TLS1.1, TLS1.2");
      };
    }
  }

  /** auto, none, or a protocol name: smtp, imap, xmpp-server, ... */
  static final class StartTlsConverter implements ITypeConverter<StartTlsMode> {
    @Override
    public StartTlsMode convert(String value) {
      try {
        return StartTlsMode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
