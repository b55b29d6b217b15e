package io.heartguard.wire.tls;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordHeader;
import io.heartguard.wire.record.TlsRecord;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction's record protection after ChangeCipherSpec: seals plaintext into protected records and opens the
 * peer's, counting the 64-bit sequence number each record's MAC or nonce covers (RFC 5246 section 6.1). Any content
 * type can be sealed, a malformed heartbeat included: protection does not look inside.
 */
public final class RecordProtection {
  private static final int BLOCK = 16;
  private static final int GCM_EXPLICIT_NONCE = 8;
  private static final int GCM_TAG = 16;

  private final ProtocolVersion version;
  private final TlsSuite suite;
  private final SecretKeySpec key;
  private final Mac mac;
  private final byte[] fixedIv;
  private final Cipher cipher;
  private final SecureRandom random = new SecureRandom();
  /** TLS 1.0 chains CBC: each record's IV is the last ciphertext block of the one before (RFC 2246 section 6.2.3.2). */
  private byte[] chainedIv;
  private long sequence;

  RecordProtection(ProtocolVersion version, TlsSuite suite, byte[] macKey, byte[] encryptionKey, byte[] fixedIv) {
    this.version = version;
    this.suite = suite;
    this.key = new SecretKeySpec(encryptionKey, "AES");
    this.fixedIv = fixedIv;
    this.chainedIv = fixedIv.clone();
    try {
      if (suite.bulk() == TlsSuite.Bulk.CBC) {
        this.mac = Mac.getInstance(suite.macAlgorithm());
        this.mac.init(new SecretKeySpec(macKey, suite.macAlgorithm()));
        this.cipher = Cipher.getInstance("AES/CBC/NoPadding");
      } else {
        this.mac = null;
        this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + suite, e);
    }
  }

  /** Records sealed or opened so far: the next record's sequence number. */
  public long sequence() {
    return sequence;
  }

  /** The whole protected record (header included) carrying {@code plaintext} as {@code type}. */
  public byte[] seal(ContentType type, byte[] plaintext) {
    if (plaintext.length > RecordHeader.MAX_PLAINTEXT) {
      throw new IllegalArgumentException("plaintext of " + plaintext.length + " bytes exceeds 2^14");
    }
    try {
      byte[] fragment = suite.bulk() == TlsSuite.Bulk.GCM ? sealGcm(type, plaintext) : sealCbc(type, plaintext);
      sequence++;
      return new TlsRecord(type, version, Bytes.of(fragment)).toByteArray();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing a record failed", e);
    }
  }

  /** The plaintext of a protected record from the peer; fails when its MAC, padding or tag is wrong. */
  public byte[] open(TlsRecord record) throws TlsException {
    byte[] fragment = record.fragment().toByteArray();
    byte[] plaintext = suite.bulk() == TlsSuite.Bulk.GCM
        ? openGcm(record.type(), fragment) : openCbc(record.type(), fragment);
    sequence++;
    return plaintext;
  }

  /**
   * RFC 5246 section 6.2.3.3 and RFC 5288 section 3: nonce = salt (4 bytes of the key block) + explicit nonce (8
   * bytes, sent; ours is the sequence number), additional data = seq_num + type + version + length.
   */
  private byte[] sealGcm(ContentType type, byte[] plaintext) throws GeneralSecurityException {
    byte[] explicit = uint64(sequence);
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(GCM_TAG * 8, Prf.concat(fixedIv, explicit)));
    cipher.updateAAD(additionalData(type, plaintext.length));
    return Prf.concat(explicit, cipher.doFinal(plaintext));
  }

  private byte[] openGcm(ContentType type, byte[] fragment) throws TlsException {
    if (fragment.length < GCM_EXPLICIT_NONCE + GCM_TAG) {
      throw new TlsException("GCM record of " + fragment.length + " bytes is shorter than its nonce and tag (24)");
    }
    byte[] nonce = Prf.concat(fixedIv, Arrays.copyOfRange(fragment, 0, GCM_EXPLICIT_NONCE));
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(GCM_TAG * 8, nonce));
      cipher.updateAAD(additionalData(type, fragment.length - GCM_EXPLICIT_NONCE - GCM_TAG));
      return cipher.doFinal(fragment, GCM_EXPLICIT_NONCE, fragment.length - GCM_EXPLICIT_NONCE);
    } catch (GeneralSecurityException e) {
      throw new TlsException(type + " record " + sequence + " fails its GCM tag (bad_record_mac)");
    }
  }

  /**
   * RFC 5246 section 6.2.3.2: MAC(seq_num + type + version + length + content), then content + MAC + padding
   * (padding_length + 1 bytes, each of value padding_length) encrypted; TLS 1.1 and 1.2 put a fresh random IV in
   * front (RFC 4346 section 6.2.3.2), TLS 1.0 chains it.
   */
  private byte[] sealCbc(ContentType type, byte[] plaintext) throws GeneralSecurityException {
    mac.update(additionalData(type, plaintext.length));
    byte[] tag = mac.doFinal(plaintext);
    int unpadded = plaintext.length + tag.length;
    int padding = BLOCK - (unpadded % BLOCK); // padding_length + 1 bytes, 1..16
    byte[] block = new byte[unpadded + padding];
    System.arraycopy(plaintext, 0, block, 0, plaintext.length);
    System.arraycopy(tag, 0, block, plaintext.length, tag.length);
    Arrays.fill(block, unpadded, block.length, (byte) (padding - 1));
    boolean explicitIv = explicitIv();
    byte[] iv = explicitIv ? new byte[BLOCK] : chainedIv;
    if (explicitIv) {
      random.nextBytes(iv);
    }
    cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
    byte[] encrypted = cipher.doFinal(block);
    chainedIv = Arrays.copyOfRange(encrypted, encrypted.length - BLOCK, encrypted.length);
    return explicitIv ? Prf.concat(iv, encrypted) : encrypted;
  }

  private byte[] openCbc(ContentType type, byte[] fragment) throws TlsException {
    int ivBytes = explicitIv() ? BLOCK : 0;
    int encrypted = fragment.length - ivBytes;
    if (encrypted < suite.macBytes() + 1 || encrypted % BLOCK != 0) {
      throw new TlsException("CBC record of " + fragment.length + " bytes is not whole blocks holding a MAC");
    }
    byte[] iv = explicitIv() ? Arrays.copyOfRange(fragment, 0, BLOCK) : chainedIv;
    byte[] block;
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(iv));
      block = cipher.doFinal(fragment, ivBytes, encrypted);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CBC decryption failed", e);
    }
    chainedIv = Arrays.copyOfRange(fragment, fragment.length - BLOCK, fragment.length);
    int paddingLength = block[block.length - 1] & 0xff;
    int contentLength = block.length - paddingLength - 1 - suite.macBytes();
    boolean paddingOk = contentLength >= 0;
    for (int i = block.length - 1 - paddingLength; paddingOk && i < block.length; i++) {
      paddingOk = (block[i] & 0xff) == paddingLength;
    }
    if (!paddingOk) {
      throw new TlsException(type + " record " + sequence + " has bad CBC padding (bad_record_mac)");
    }
    mac.update(additionalData(type, contentLength));
    mac.update(block, 0, contentLength);
    byte[] expected = mac.doFinal();
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(block, contentLength, contentLength + expected.length))) {
      throw new TlsException(type + " record " + sequence + " fails its MAC (bad_record_mac)");
    }
    return Arrays.copyOf(block, contentLength);
  }

  private boolean explicitIv() {
    return !version.equals(ProtocolVersion.TLS1_0);
  }

  /** seq_num + TLSCompressed.type + TLSCompressed.version + TLSCompressed.length (RFC 5246 section 6.2.3.1). */
  private byte[] additionalData(ContentType type, int length) {
    byte[] ad = new byte[13];
    System.arraycopy(uint64(sequence), 0, ad, 0, 8);
    ad[8] = (byte) type.code();
    ad[9] = (byte) version.major();
    ad[10] = (byte) version.minor();
    ad[11] = (byte) (length >>> 8);
    ad[12] = (byte) length;
    return ad;
  }

  private static byte[] uint64(long v) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) v;
      v >>>= 8;
    }
    return b;
  }

  /** No keys: secrets never reach a log. */
  @Override
  public String toString() {
    return "RecordProtection[" + version + ", " + suite + ", seq " + sequence + "]";
  }
}
