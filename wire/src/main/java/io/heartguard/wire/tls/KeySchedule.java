package io.heartguard.wire.tls;

import io.heartguard.wire.record.ProtocolVersion;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The secrets of one session, from the pre-master secret and the two randoms: the master secret (RFC 5246 section
 * 8.1) and the key block cut into MAC keys, encryption keys and IVs (section 6.3), and the Finished verify_data
 * (section 7.4.9).
 */
public final class KeySchedule {
  /** RFC 5246 section 7.4.9: verify_data is 12 bytes for every suite here. */
  public static final int VERIFY_DATA_BYTES = 12;

  private final ProtocolVersion version;
  private final TlsSuite suite;
  private final byte[] masterSecret;
  private final byte[] keyBlock;

  private KeySchedule(ProtocolVersion version, TlsSuite suite, byte[] masterSecret, byte[] keyBlock) {
    this.version = version;
    this.suite = suite;
    this.masterSecret = masterSecret;
    this.keyBlock = keyBlock;
  }

  /**
   * RFC 5246 section 8.1: master_secret = PRF(pre_master_secret, "master secret", ClientHello.random +
   * ServerHello.random)[0..47]; section 6.3: key_block = PRF(master_secret, "key expansion", server_random +
   * client_random).
   */
  public static KeySchedule derive(ProtocolVersion version, TlsSuite suite, byte[] preMasterSecret,
      byte[] clientRandom, byte[] serverRandom) {
    byte[] master = Prf.compute(version, suite.prfHash(), preMasterSecret, "master secret",
        Prf.concat(clientRandom, serverRandom), 48);
    int blockBytes = 2 * (suite.macBytes() + suite.keyBytes() + suite.fixedIvBytes());
    return new KeySchedule(version, suite, master, Prf.compute(version, suite.prfHash(), master, "key expansion",
        Prf.concat(serverRandom, clientRandom), blockBytes));
  }

  public byte[] masterSecret() {
    return masterSecret.clone();
  }

  /**
   * The protection of records {@code client} (true) or the server writes. RFC 5246 section 6.3 orders the key block
   * client_write_MAC_key, server_write_MAC_key, client_write_key, server_write_key, client_write_IV, server_write_IV.
   */
  public RecordProtection protection(boolean client) {
    int mac = suite.macBytes();
    int key = suite.keyBytes();
    int iv = suite.fixedIvBytes();
    int macAt = client ? 0 : mac;
    int keyAt = 2 * mac + (client ? 0 : key);
    int ivAt = 2 * mac + 2 * key + (client ? 0 : iv);
    return new RecordProtection(version, suite, Arrays.copyOfRange(keyBlock, macAt, macAt + mac),
        Arrays.copyOfRange(keyBlock, keyAt, keyAt + key), Arrays.copyOfRange(keyBlock, ivAt, ivAt + iv));
  }

  /**
   * verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11] (RFC 5246 section 7.4.9),
   * where Hash is MD5 and SHA-1 concatenated before TLS 1.2 (RFC 2246 section 7.4.9) and the PRF's hash in 1.2.
   */
  public byte[] verifyData(boolean client, byte[] handshakeMessages) {
    return Prf.compute(version, suite.prfHash(), masterSecret, client ? "client finished" : "server finished",
        transcriptHash(version, suite, handshakeMessages), VERIFY_DATA_BYTES);
  }

  static byte[] transcriptHash(ProtocolVersion version, TlsSuite suite, byte[] handshakeMessages) {
    try {
      if (version.equals(ProtocolVersion.TLS1_2)) {
        return MessageDigest.getInstance(suite.prfHash()).digest(handshakeMessages);
      }
      return Prf.concat(MessageDigest.getInstance("MD5").digest(handshakeMessages),
          MessageDigest.getInstance("SHA-1").digest(handshakeMessages));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks a TLS hash", e);
    }
  }

  /** Sizes only: secrets never reach a log. */
  @Override
  public String toString() {
    return "KeySchedule[" + version + ", " + suite + "]";
  }
}
