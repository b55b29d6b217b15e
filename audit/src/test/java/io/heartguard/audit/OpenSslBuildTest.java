package io.heartguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.audit.elf.ElfException;
import io.heartguard.audit.elf.RandomAccessInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** One ELF file at a time: the real 1.0.1f, 1.0.1g and no-heartbeats builds, and this machine's OpenSSL 3. */
class OpenSslBuildTest {
  private static OpenSslBuild read(Path p) throws IOException {
    return OpenSslBuild.read(p.getFileName().toString(), RandomAccessInput.of(Files.readAllBytes(p))).orElseThrow();
  }

  @Test
  void libssl101fExportsTheHeartbeatFunctionsAndIsVulnerable() throws IOException {
    OpenSslBuild b = read(Fixtures.libssl("1.0.1f"));
    assertThat(b.role()).isEqualTo(OpenSslBuild.Role.LIBSSL);
    assertThat(b.version()).hasToString("1.0.1f");
    assertThat(b.heartbeats()).isEqualTo(OpenSslBuild.Heartbeats.COMPILED_IN);
    assertThat(b.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(b.reasons()).contains("banner \"OpenSSL 1.0.1f 6 Jan 2014\"",
        ".dynsym defines dtls1_heartbeat, dtls1_process_heartbeat, tls1_heartbeat, tls1_process_heartbeat");
  }

  @Test
  void libcrypto101fIsVulnerableByItsBuildFlags() throws IOException {
    OpenSslBuild b = read(Fixtures.libcrypto("1.0.1f"));
    assertThat(b.role()).isEqualTo(OpenSslBuild.Role.LIBCRYPTO);
    assertThat(b.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(String.join("\n", b.reasons())).contains("build flags do not disable heartbeats");
  }

  @Test
  void fixed101gIsNotVulnerableWhateverItsHeartbeats() throws IOException {
    for (Path p : new Path[] {Fixtures.libssl("1.0.1g"), Fixtures.libcrypto("1.0.1g")}) {
      OpenSslBuild b = read(p);
      assertThat(b.version()).hasToString("1.0.1g");
      assertThat(b.verdict()).as(p.toString()).isEqualTo(Verdict.NOT_VULNERABLE);
    }
  }

  @Test
  void noHeartbeatsLibsslHasTheAffectedBannerButNoHeartbeatSymbols() throws IOException {
    OpenSslBuild b = read(Fixtures.libssl("1.0.1f-no-heartbeats"));
    assertThat(b.version()).hasToString("1.0.1f");
    assertThat(b.heartbeats()).isEqualTo(OpenSslBuild.Heartbeats.COMPILED_OUT);
    assertThat(b.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    assertThat(String.join("\n", b.reasons())).contains("defines SSL_new but no heartbeat function");
  }

  @Test
  void noHeartbeatsLibcryptoShowsOpensslNoHeartbeatsInItsCompilerFlags() throws IOException {
    OpenSslBuild b = read(Fixtures.libcrypto("1.0.1f-no-heartbeats"));
    assertThat(b.heartbeats()).isEqualTo(OpenSslBuild.Heartbeats.COMPILED_OUT);
    assertThat(b.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    assertThat(String.join("\n", b.reasons())).contains("built with -DOPENSSL_NO_HEARTBEATS");
  }

  @Test
  void staticPrograms101fAnd101gAreToldApartByBannerAndHeartbeatCode() throws IOException {
    OpenSslBuild f = read(Fixtures.program("1.0.1f"));
    assertThat(f.role()).isEqualTo(OpenSslBuild.Role.STATIC_COPY);
    assertThat(f.heartbeats()).isEqualTo(OpenSslBuild.Heartbeats.COMPILED_IN);
    assertThat(f.verdict()).isEqualTo(Verdict.VULNERABLE);
    OpenSslBuild g = read(Fixtures.program("1.0.1g"));
    assertThat(g.role()).isEqualTo(OpenSslBuild.Role.STATIC_COPY);
    assertThat(g.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
  }

  @Test
  void thisMachinesOpenSsl3IsNotVulnerable() throws IOException {
    OpenSslBuild ssl = read(Fixtures.SYSTEM_LIBSSL);
    assertThat(ssl.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    assertThat(ssl.reasons().get(0)).contains("soname libssl.so.3");
    OpenSslBuild crypto = read(Fixtures.SYSTEM_LIBCRYPTO);
    assertThat(crypto.version().major()).isEqualTo(3);
    assertThat(crypto.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
  }

  @Test
  void aProgramThatLinksLibsslDynamicallyIsNotItselfACopy() throws IOException {
    // Python's _ssl or curl: DT_NEEDED libssl.so.3. Its OpenSSL is that library, audited where it lies.
    Path python = Path.of("/usr/lib/x86_64-linux-gnu/libcurl.so.4");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(python), "libcurl4 installed");
    assertThat(OpenSslBuild.read("libcurl.so.4", RandomAccessInput.of(Files.readAllBytes(python)))).isEmpty();
  }

  @Test
  void truncatedElfIsAnElfExceptionNotAWrongAnswer() throws IOException {
    byte[] whole = Files.readAllBytes(Fixtures.libssl("1.0.1f"));
    for (int length : new int[] {20, 64, 4096, whole.length / 2}) {
      byte[] cut = Arrays.copyOf(whole, length);
      assertThatThrownBy(() -> OpenSslBuild.read("libssl.so.1.0.0", RandomAccessInput.of(cut)))
          .as("cut at %d", length).isInstanceOf(ElfException.class).hasMessageContaining("truncated ELF");
    }
  }

  @Test
  void sectionHeadersPointingPastTheFileAreRefused() throws IOException {
    byte[] b = Files.readAllBytes(Fixtures.libssl("1.0.1f"));
    // e_shoff (ELF64 header offset 40, little-endian): far past the end of the file.
    b[40 + 5] = 0x7f;
    assertThatThrownBy(() -> OpenSslBuild.read("libssl.so.1.0.0", RandomAccessInput.of(b)))
        .isInstanceOf(ElfException.class).hasMessageContaining("do not fit");
  }
}
