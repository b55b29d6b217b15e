package io.heartguard.scan;

/**
 * How a {@link FakeServer} behaves on each connection, in the spirit of MockWebServer's SocketPolicy. The first group
 * misbehaves before or during the handshake; the second answers heartbeats the way a real or a broken server would.
 */
enum ServerPolicy {
  /** Closes every connection as soon as it is accepted, before reading anything. */
  DISCONNECT_AT_START,
  /** Resets every connection (SO_LINGER 0) as soon as it is accepted. */
  RESET_AT_START,
  /** Reads the ClientHello and sends nothing, holding the connection open. */
  NO_RESPONSE,
  /** Answers the ClientHello with an HTTP error page: a plaintext server on a TLS port. */
  GARBAGE,
  /** Answers with a handshake record header announcing 65535 bytes, more than any TLS record may hold. */
  HUGE_RECORD_LENGTH,
  /** Answers with a ServerHello, then a Certificate message whose length field claims 2^24 - 1 bytes. */
  HUGE_HANDSHAKE_LENGTH,
  /** Answers with a ServerHello, then 200 KB handshake messages of an unknown type, forever. */
  ENDLESS_DATA,
  /** Answers with a ServerHello, then one tiny handshake record per HelloRequest, forever. */
  ENDLESS_HANDSHAKE_RECORDS,
  /** Sends a correct flight one byte at a time, 50 ms apart: slower than the timeouts the tests use. */
  SLOW_DRIP,
  /** Sends the first half of its ServerHello, then closes. */
  EARLY_CLOSE,
  /** Refuses every ClientHello with a fatal handshake_failure alert. */
  REFUSE_ALL_VERSIONS,

  /** Negotiates no heartbeat extension (OpenSSL built with OPENSSL_NO_HEARTBEATS, or any OpenSSL 1.1.1+). */
  NO_HEARTBEAT,
  /**
   * OpenSSL 1.0.1f: answers every request with payload_length bytes copied from its read buffer, reading past the
   * record; before the handshake completes its output goes through a 4096-byte buffer flushed only when a write
   * does not fit.
   */
  VULNERABLE,
  /** OpenSSL 1.0.1g: discards a request whose payload_length leaves no room for 16 bytes of padding, silently. */
  PATCHED,
  /** Negotiates heartbeats, reads requests and never answers them. */
  SILENT_AFTER_PROBE,
  /** Negotiates heartbeats and closes the connection when the first request arrives. */
  CLOSE_AFTER_PROBE,
  /** Negotiates heartbeats and answers the first request with a fatal unexpected_message alert. */
  ALERT_AFTER_PROBE,
  /** Answers each request with a response carrying a payload of its own, not the request's. */
  WRONG_ECHO,
  /** Answers the malformed request with only the bytes the record held, its payload_length cut down to fit. */
  CLAMPED_ECHO
}
