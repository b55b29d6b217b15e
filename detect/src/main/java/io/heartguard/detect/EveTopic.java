package io.heartguard.detect;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ServiceLoader;

/**
 * {@code --eve-kafka HOST:PORT/TOPIC} on {@code sensor} and {@code guard}: the EVE lines they write also go to a Kafka
 * topic, one record a line, as Suricata deployments send theirs (docs/DISTRIBUTED.md). The stream an implementation
 * opens never blocks the writer: a broker that is down costs counted drops, never detection. The implementation
 * lives in the {@code fleet} module and is found with {@link ServiceLoader}, so detect carries no Kafka client.
 */
public interface EveTopic {
  /** A stream that sends each line written to it as one record to {@code destination}, HOST:PORT/TOPIC. */
  OutputStream open(String destination) throws IOException;

  /**
   * A stream that writes to {@code local} and sends each line to {@code destination}; closing it closes the topic's
   * side, and {@code local} only when {@code closeLocal} (stdout stays open).
   */
  static OutputStream alongside(OutputStream local, String destination, boolean closeLocal) throws IOException {
    EveTopic topic = ServiceLoader.load(EveTopic.class, EveTopic.class.getClassLoader()).findFirst()
        .orElseThrow(() -> new IOException("--eve-kafka needs the fleet module, which this build lacks"));
    OutputStream remote = topic.open(destination);
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        local.write(b);
        remote.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        local.write(b, off, len);
        remote.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        local.flush();
        remote.flush();
      }

      @Override
      public void close() throws IOException {
        try {
          remote.close();
        } finally {
          if (closeLocal) {
            local.close();
          } else {
            local.flush();
          }
        }
      }
    };
  }
}
