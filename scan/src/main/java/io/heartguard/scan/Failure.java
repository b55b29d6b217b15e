package io.heartguard.scan;

/**
 * Why a check ended without a verdict, as a kind a program can act on: {@link #NONE} for a VULNERABLE or
 * NOT_VULNERABLE result, another kind for every INCONCLUSIVE one. The reason text stays for people; the scan engine
 * decides whether another try is worth it from the kind alone ({@link #worthRetrying()}).
 */
public enum Failure {
  /** A verdict was reached. */
  NONE(false),
  /** The host name did not resolve: nothing to connect to. */
  UNRESOLVED(false),
  /** The TCP connect was refused (RST to our SYN): nothing listens there, an answer in itself. */
  REFUSED(false),
  /** The network said no route (host or network unreachable): an answer from the path, not worth the wait again. */
  UNREACHABLE(false),
  /** No answer to the TCP connect within the connect timeout: a lost packet or a busy host may answer next time. */
  CONNECT_TIMEOUT(true),
  /** The overall deadline passed on an open connection: a slow server may answer next time. */
  TIMEOUT(true),
  /** The server closed the connection (FIN) without an answer that decides. */
  CLOSED(true),
  /** The connection was reset or broke (a STARTTLS dialog's connection lost included). */
  RESET(true),
  /** The server answered with a TLS alert: its deliberate answer, the same on the next try. */
  ALERT(false),
  /** The bytes were not TLS, a message broke its rules, or the heartbeat answer proved neither verdict. */
  PROTOCOL(false),
  /** The server sent more than we read, or more records than we allow. */
  LIMIT(false),
  /** The STARTTLS dialog was refused or went wrong before TLS: nothing about Heartbleed was learned. */
  STARTTLS(false),
  /** A fault of ours (a bug): another try would meet it again. */
  INTERNAL(false),
  /** A failure of no kind above (a connect error such as no free local port): retried, as it may pass. */
  OTHER(true);

  private final boolean retryable;

  Failure(boolean retryable) {
    this.retryable = retryable;
  }

  /**
   * Whether another try might end differently: a timeout, a reset or a close may be load or a lost packet; a refusal,
   * an alert, a protocol error or a limit is the server's answer and would come again, and retrying it on a mostly
   * closed space would double the work.
   */
  public boolean worthRetrying() {
    return retryable;
  }
}
