package io.heartguard.lab;

import io.heartguard.tlsserver.ServerIdentity;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The TCP lab's heartbeat handling — {@link HeartbeatResponder} over a {@link FakeMemory} heap, and the {@link LabLog}
 * line per heartbeat — opened for transports in other packages (the DTLS lab), unchanged. Leaked bytes are only ever
 * in {@link Answer#message}, for the caller to send; they are never logged.
 */
public final class LabHeartbeats implements AutoCloseable {
  private final HeartbeatResponder responder;
  private final LabLog log;

  private LabHeartbeats(HeartbeatResponder responder, LabLog log) {
    this.responder = responder;
    this.log = log;
  }

  /**
   * Heartbeats answered like {@code mode}, over the heap seeded by {@code heapSeed} that holds {@code identity}'s key,
   * logging one JSON line per heartbeat to {@code logOut} (closed with this when {@code closeLog}).
   */
  public static LabHeartbeats open(LabMode mode, long heapSeed, ServerIdentity identity, RandomGenerator paddingSource,
      OutputStream logOut, boolean closeLog) {
    Objects.requireNonNull(identity, "identity");
    FakeMemory memory = FakeMemory.seeded(heapSeed, identity);
    return new LabHeartbeats(new HeartbeatResponder(mode, memory, paddingSource),
        new LabLog(logOut, closeLog, Clock.systemUTC(), mode));
  }

  /**
   * What the emulated OpenSSL did with one plaintext heartbeat record: {@link #outcome} as the log spells it
   * ("answered", "discarded_payload_too_long", ...), the response message when answered, and how many of its bytes
   * came from past the request record.
   */
  public static final class Answer {
    private final HeartbeatResponder.Reply reply;

    private Answer(HeartbeatResponder.Reply reply) {
      this.reply = reply;
    }

    public String outcome() {
      return reply.outcome().name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean answered() {
      return reply.message() != null;
    }

    /** The response message (type, payload_length, payload, padding), or null; may hold leaked memory. */
    public byte[] message() {
      return reply.message();
    }

    public int declaredPayloadLength() {
      return reply.declaredPayloadLength();
    }

    public int overreadBytes() {
      return reply.overreadBytes();
    }

    /** Sizes only: the message may hold leaked memory. */
    @Override
    public String toString() {
      return "Answer[" + outcome() + ", payload_length " + declaredPayloadLength() + ", message "
          + (message() == null ? 0 : message().length) + " bytes, overread " + overreadBytes() + "]";
    }
  }

  public Answer respond(byte[] record) {
    return new Answer(responder.respond(record));
  }

  /** The heartbeat's log line; {@code bytesSent} is what went on the wire now (the rest waits in the write buffer). */
  public void logHeartbeat(String peer, Answer answer, int bytesSent) {
    log.heartbeat(peer, answer.reply, bytesSent);
  }

  /** An association (or connection) that ended for {@code reason}: one line, no stack trace. */
  public void logClosed(String peer, String reason) {
    log.connectionClosed(peer, reason);
  }

  @Override
  public void close() throws IOException {
    log.close();
  }
}
