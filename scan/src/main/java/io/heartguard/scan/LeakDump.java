package io.heartguard.scan;

import io.heartguard.targets.ScanTarget;
import java.io.IOException;

/**
 * Where leaked server memory goes when a dump was asked for, and nowhere else: the check never logs, prints or keeps
 * these bytes. Implementations are called from several checks at once.
 */
public interface LeakDump {
  void write(ScanTarget target, byte[] leaked, int offset, int length) throws IOException;
}
