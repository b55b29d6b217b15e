package io.heartguard.wire.handshake;

import io.heartguard.wire.ByteReader;
import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.Bytes;
import java.util.ArrayList;
import java.util.List;

/** Certificate (RFC 5246 section 7.4.2): a chain of DER certificates, the server's own first. */
public record CertificateMessage(List<Bytes> certificates) {
  public CertificateMessage {
    certificates = List.copyOf(certificates);
  }

  public static CertificateMessage parse(Bytes body) throws HandshakeException {
    ByteReader<HandshakeException> r = new ByteReader<>(body.toByteArray(), 0, body.size(), HandshakeException::new);
    Bytes list = r.readVector24("certificate_list");
    r.requireExhausted("Certificate");
    ByteReader<HandshakeException> c = new ByteReader<>(list.toByteArray(), 0, list.size(), HandshakeException::new);
    List<Bytes> certificates = new ArrayList<>();
    while (!c.exhausted()) {
      certificates.add(c.readVector24("certificate " + certificates.size()));
    }
    return new CertificateMessage(certificates);
  }

  public Bytes toBody() {
    ByteWriter list = new ByteWriter(4096);
    certificates.forEach(list::writeVector24);
    return new ByteWriter(list.size() + 3).writeVector24(list.toBytes()).toBytes();
  }

  public HandshakeMessage toMessage() {
    return new HandshakeMessage(HandshakeType.CERTIFICATE, toBody());
  }
}
