package io.heartguard.wire.handshake;

import io.heartguard.wire.ByteReader;
import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.Bytes;
import java.util.ArrayList;
import java.util.List;

/** Certificate (RFC 5246 section 7.4.2): a chain of DER certificates, the server's own first. */
public record CertificateMessage(List<Bytes> certificates) {
  /** The body is a 24-bit length and the list; the list must leave room for that length in a 24-bit body. */
  private static final int MAX_LIST_LENGTH = 0xffffff - 3;

  public CertificateMessage {
    certificates = List.copyOf(certificates);
    long listLength = 0;
    for (int i = 0; i < certificates.size(); i++) {
      // RFC 5246 section 7.4.2: opaque ASN.1Cert<1..2^24-1>.
      if (certificates.get(i).isEmpty()) {
        throw new IllegalArgumentException("certificate " + i + " is empty; ASN.1Cert is 1..2^24-1 bytes");
      }
      listLength += 3 + certificates.get(i).size();
    }
    if (listLength > MAX_LIST_LENGTH) {
      throw new IllegalArgumentException("certificate_list of " + listLength + " bytes exceeds " + MAX_LIST_LENGTH);
    }
  }

  public static CertificateMessage parse(Bytes body) throws HandshakeException {
    ByteReader<HandshakeException> r = new ByteReader<>(body.toByteArray(), 0, body.size(), HandshakeException::new);
    Bytes list = r.readVector24("certificate_list");
    r.requireExhausted("Certificate");
    ByteReader<HandshakeException> c = new ByteReader<>(list.toByteArray(), 0, list.size(), HandshakeException::new);
    List<Bytes> certificates = new ArrayList<>();
    while (!c.exhausted()) {
      Bytes certificate = c.readVector24("certificate " + certificates.size());
      if (certificate.isEmpty()) {
        // RFC 5246 section 7.4.2: opaque ASN.1Cert<1..2^24-1>.
        throw new HandshakeException("certificate " + certificates.size() + " is empty; expected 1..2^24-1 bytes");
      }
      certificates.add(certificate);
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
