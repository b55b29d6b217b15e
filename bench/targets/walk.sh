#!/usr/bin/env bash
# Benchmark: walk whole target spaces (an IPv4 /8, an IPv6 /104, a /12 on five ports) under a 16 MB heap cap and
# report elements/s, the largest heap in use after a collection, and peak RSS, beside a /24 as the memory baseline.
# Writes bench/RESULTS-targets.md. Usage: bench/targets/walk.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
bench_tools "apt-get install time python3" /usr/bin/time python3
bench_jar
OUT=bench/out/targets; mkdir -p "$OUT"
HEAP=${HEAP:-16m}
run() { # label ports target...
  local label=$1; shift
  /usr/bin/time -f "%M" -o "$OUT/rss.txt" "$JAVA" -Xmx"$HEAP" -XX:+UseSerialGC \
    -cp "$HEARTGUARD_JAR" bench/targets/WalkTargets.java "$@" > "$OUT/walk.txt"
  read -r count seconds rate heap build _ _ < "$OUT/walk.txt"
  printf '| %s | %s | %s | %s | %s | %s | %.0f |\n' "$label" "$count" "$build" "$seconds" "$rate" "$heap" "$(awk '{print $1/1024}' "$OUT/rss.txt")"
}
{
  echo "# heartguard targets: walking a space"
  echo
  echo "Each row walks a whole space once in cyclic-group order (seed 2014), building a ScanTarget (address literal,"
  echo "InetAddress, port) per element, in a JVM capped at -Xmx$HEAP (serial GC). Heap is the largest in use after a"
  echo "full collection, sampled every 2^22 elements; RSS is the process peak, JVM and javac start-up included;"
  echo "build is parsing the targets and fixing the order."
  echo
  echo "| space | elements | build s | walk s | elements/s | heap MB | peak RSS MB |"
  echo "|---|---|---|---|---|---|---|"
  run "10.0.0.0/24, 1 port (memory baseline; too short to time)" 443 10.0.0.0/24
  run "10.0.0.0/8, 1 port" 443 10.0.0.0/8
  run "2001:db8::/104, 1 port" 443 2001:db8::/104
  run "172.16.0.0/12, 5 ports" 443,465,993,995,8443 172.16.0.0/12
  # A million distinct single addresses from a list: memory grows with targets written, as it should (-Xmx512m).
  [ -s "$OUT/million.txt" ] || python3 -c "
import random
r = random.Random(2014)
print('\\n'.join('%d.%d.%d.%d' % (10 + (x >> 24) % 200, (x >> 16) & 255, (x >> 8) & 255, x & 255)
                for x in r.sample(range(1 << 30), 1000000)))" > "$OUT/million.txt"
  HEAP=512m run "1,000,000 addresses from -iL, 1 port, -Xmx512m" 443 "@$OUT/million.txt"
  echo
  echo "Host: $(nproc) CPUs shared with other builds (load average $(cut -d" " -f1-3 /proc/loadavg)), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1). Reproduce: \`bench/targets/walk.sh\`"
} > bench/RESULTS-targets.md
cat bench/RESULTS-targets.md
