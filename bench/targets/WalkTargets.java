import io.heartguard.targets.PortList;
import io.heartguard.targets.ScanTarget;
import io.heartguard.targets.TargetSource;
import io.heartguard.targets.TargetSpace;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Optional;

/**
 * Walks a target space to the end and prints one line: elements, seconds, elements/s, the largest heap in use after
 * a collection (sampled every 2^22 elements), seconds to parse and build the space, its size, and a checksum of the
 * walk, so the JIT cannot drop it. Usage: java -Xmx16m -cp targets/target/classes bench/targets/WalkTargets.java
 * PORTS TARGET... (a target @FILE is read as with -iL FILE)
 */
public class WalkTargets {
  public static void main(String[] args) throws Exception {
    long buildStart = System.nanoTime();
    TargetSpace space = build(args); // in its own method, so the builder's parsed targets can be collected
    double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long maxUsed = usedAfterGc(memory);
    long count = 0;
    long checksum = 0;
    long start = System.nanoTime();
    try (TargetSource source = space.open()) {
      for (Optional<ScanTarget> t = source.next(); t.isPresent(); t = source.next()) {
        ScanTarget target = t.get();
        checksum += target.address().hashCode() * 31L + target.port();
        if ((++count & ((1 << 22) - 1)) == 0) {
          maxUsed = Math.max(maxUsed, usedAfterGc(memory));
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    maxUsed = Math.max(maxUsed, usedAfterGc(memory));
    System.out.printf("%d %.2f %.0f %.1f %.2f %d %d%n",
        count, seconds, count / seconds, maxUsed / 1048576.0, buildSeconds, space.size(), checksum);
  }

  private static TargetSpace build(String[] args) throws Exception {
    TargetSpace.Builder b = TargetSpace.builder().seed(2014).ports(PortList.parse(args[0]));
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("@")) {
        b.addFile(java.nio.file.Path.of(args[i].substring(1))); // -iL
      } else {
        b.add(args[i]);
      }
    }
    return b.build();
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }
}
