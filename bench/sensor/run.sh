#!/usr/bin/env bash
# Benchmark: heartguard sensor vs tshark over a generated capture. Usage: bench/sensor/run.sh [SIZE_MB]
# Writes bench/RESULTS-sensor.md. Needs the sensor classes built (mvn -o -q install -pl wire,detect -DskipTests;
# mvn -o -q -pl sensor compile) or the heartguard launcher; set HEARTGUARD to override the command.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MB=${1:-1100}
OUT=bench/out; mkdir -p "$OUT"
CAP=$OUT/sensor-bench.pcap
[ -s "$CAP" ] && [ "$(stat -c %s "$CAP")" -ge $((SIZE_MB * 1000000)) ] || python3 bench/sensor/gen_capture.py "$CAP" "$SIZE_MB"
M=~/.m2/repository
CP=sensor/target/classes:detect/target/classes:wire/target/classes:$M/info/picocli/picocli/4.7.7/picocli-4.7.7.jar
CP=$CP:$(ls $M/com/fasterxml/jackson/core/jackson-core/2.21.3/*.jar | head -1)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
HEARTGUARD=${HEARTGUARD:-"$JAVA -XX:ActiveProcessorCount=1 -cp $CP bench/sensor/SensorMain.java"}
cat "$CAP" > /dev/null  # into the page cache
BYTES=$(stat -c %s "$CAP")
PKTS=$(capinfos -c -M "$CAP" | awk '/Number of packets/ {print $NF}')
measure() { /usr/bin/time -f "%e %M" -o "$OUT/time.txt" taskset -c 0 "$@" > "$OUT/stdout.txt" 2> "$OUT/stderr.txt" || true; tail -1 "$OUT/time.txt"; }
read -r HG_S HG_KB < <(measure $HEARTGUARD -r "$CAP")
HG_ALERTS=$(wc -l < "$OUT/stdout.txt")
read -r TS_S TS_KB < <(measure tshark -n -r "$CAP" -Y tls.heartbeat_message -T fields -e frame.number)
TS_HITS=$(wc -l < "$OUT/stdout.txt")
{
  echo "# heartguard sensor benchmark"
  echo
  echo "Capture: $((BYTES / 1000000)) MB, $PKTS packets, mostly TLS 1.2 bulk data, a plaintext Heartbleed request in"
  echo "every 500th flow (bench/sensor/gen_capture.py). One core (taskset -c 0), from the page cache."
  echo
  echo "| tool | seconds | MB/s | packets/s | peak RSS MB | findings |"
  echo "|---|---|---|---|---|---|"
  awk -v s="$HG_S" -v b="$BYTES" -v p="$PKTS" -v r="$HG_KB" -v a="$HG_ALERTS" 'BEGIN {printf "| heartguard sensor | %.2f | %.0f | %.0f | %.0f | %d alerts |\n", s, b/1e6/s, p/s, r/1024, a}'
  awk -v s="$TS_S" -v b="$BYTES" -v p="$PKTS" -v r="$TS_KB" -v a="$TS_HITS" 'BEGIN {printf "| tshark -Y tls.heartbeat_message | %.2f | %.0f | %.0f | %.0f | %d frames |\n", s, b/1e6/s, p/s, r/1024, a}'
  echo
  awk -v h="$HG_S" -v t="$TS_S" 'BEGIN {printf "heartguard is %.1fx faster than tshark.\n", t/h}'
  echo
  echo "Reproduce: \`bench/sensor/run.sh $SIZE_MB\`"
} > bench/RESULTS-sensor.md
cat bench/RESULTS-sensor.md
