#!/usr/bin/env bash
# Benchmark: heartguard sensor vs tshark over generated captures, one core, from the page cache.
# Usage: [BEFORE_JAR=JAR [BEFORE_NAME=NAME]] bench/sensor/run.sh [MAIN_MB [OTHER_MB...]]
#   (default: 1024 256 2048; RUNS=3 rounds, medians)
# Captures are generated once and cached in bench/out/ (git-ignored). Runs the sensor from the jar ./heartguard
# builds. Writes bench/RESULTS-sensor.md. Set JMH=1 to also run the JMH steady-state benchmark (bench/sensor/jmh.sh)
# and put its numbers in the results. BEFORE_JAR (a heartguard.jar built from another commit, named BEFORE_NAME)
# adds that build's sensor to every round, so that a change is measured against its base in the same run.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
bench_tools "apt-get install python3 tshark time util-linux" python3 tshark capinfos taskset /usr/bin/time
bench_jar
SIZES=("${@:-1024}")
[ $# -gt 0 ] || SIZES=(1024 256 2048)
MAIN=${SIZES[0]}
RUNS=${RUNS:-3}
CORE=${CORE:-1}
OUT=bench/out
mkdir -p "$OUT/classes" "$OUT/lib"

capture() { echo "$OUT/sensor-bench-$1.pcap"; }
for mb in "${SIZES[@]}"; do
  [ -s "$(capture "$mb")" ] || python3 bench/sensor/gen_capture.py "$(capture "$mb")" "$mb" >&2
done

# The sensor from heartguard's jar (an AOT cache takes only jars) plus a two-line launcher in place of the cli module.
"$JAVA_HOME/bin/javac" -d "$OUT/classes" -cp "$HEARTGUARD_JAR" bench/sensor/SensorMain.java
"$JAVA_HOME/bin/jar" cf "$OUT/lib/launch.jar" -C "$OUT/classes" .
CP=$OUT/lib/launch.jar:$HEARTGUARD_JAR
HG=("$JAVA" -cp "$CP" SensorMain)
# The launcher (./heartguard) runs with a JDK AOT cache; train one the same way, on a small capture.
[ -s "$OUT/sensor-train.pcap" ] || python3 bench/sensor/gen_capture.py "$OUT/sensor-train.pcap" 20 50 50 >&2
rm -f "$OUT/sensor.aot"
"$JAVA" -XX:AOTCacheOutput="$OUT/sensor.aot" -Xlog:aot=off -Xlog:cds=off -cp "$CP" SensorMain \
  -r "$OUT/sensor-train.pcap" >/dev/null 2>&1 || true
HG_AOT=("$JAVA" -XX:AOTCache="$OUT/sensor.aot" -Xlog:aot=off -Xlog:cds=off -cp "$CP" SensorMain)
BEFORE_NAME=${BEFORE_NAME:-before}
if [ -n "${BEFORE_JAR:-}" ]; then
  [ -s "$BEFORE_JAR" ] || bench_fail "BEFORE_JAR=$BEFORE_JAR is not a file"
  BCP=$OUT/lib/launch.jar:$BEFORE_JAR
  rm -f "$OUT/sensor-before.aot"
  "$JAVA" -XX:AOTCacheOutput="$OUT/sensor-before.aot" -Xlog:aot=off -Xlog:cds=off -cp "$BCP" SensorMain \
    -r "$OUT/sensor-train.pcap" >/dev/null 2>&1 || true
fi

# One measured run: prints "wall_s cpu_s peak_kb findings" (findings = lines on stdout).
once() {
  /usr/bin/time -f "%e %U %S %M" -o "$OUT/time.txt" taskset -c "$CORE" "$@" >"$OUT/stdout.txt" 2>"$OUT/stderr.txt" || true
  read -r wall user sys kb < <(tail -1 "$OUT/time.txt")
  echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}') $kb $(wc -l <"$OUT/stdout.txt")"
}
# Prints the median of each column of the rows on stdin.
medians() {
  local rows
  rows=$(cat)
  for col in 1 2 3 4; do
    awk -v c=$col '{print $c}' <<<"$rows" | sort -g | awk '{a[NR]=$1} END {printf "%s ", a[int((NR+1)/2)]}'
  done
  echo
}
# RUNS runs; prints the median of each column. Captures are read once beforehand into the page cache.
measure() {
  local rows=()
  for _ in $(seq "$RUNS"); do rows+=("$(once "$@")"); done
  printf '%s\n' "${rows[@]}" >>"$OUT/runs.txt"
  printf '%s\n' "${rows[@]}" | medians
}
bytes() { stat -c %s "$1"; }
packets() { capinfos -c -M "$1" | awk '/Number of packets/ {print $NF}'; }
row() { # name capture wall cpu kb findings unit
  awk -v n="$1" -v b="$(bytes "$2")" -v p="$(packets "$2")" -v w="$3" -v c="$4" -v k="$5" -v f="$6" -v u="$7" \
    'BEGIN {printf "| %s | %.0f | %.2f | %.0f | %.0f | %.2f | %.0f | %.0f | %d %s |\n", n, b/1e6, w, b/1e6/w, p/w, c, b/1e6/c, k/1024, f, u}'
}

: >"$OUT/runs.txt"
for mb in "${SIZES[@]}"; do cat "$(capture "$mb")" >/dev/null; done
CAP=$(capture "$MAIN")
TS_FILTER='tls.handshake.type == 2 or tls.heartbeat_message'
# Rounds, each running every tool once in turn, so that the machine's drift hits them alike.
CMD_hg=("${HG[@]}" -r "$CAP")
CMD_hg_aot=("${HG_AOT[@]}" -r "$CAP")
CMD_hg_nocs=("${HG[@]}" --checksums off -r "$CAP")
CMD_before=("$JAVA" -cp "${BCP:-}" SensorMain -r "$CAP")
CMD_before_aot=("$JAVA" -XX:AOTCache="$OUT/sensor-before.aot" -Xlog:aot=off -Xlog:cds=off -cp "${BCP:-}" SensorMain -r "$CAP")
CMD_tshark=(tshark -n -r "$CAP" -Y "$TS_FILTER" -T fields -e frame.number -e tls.heartbeat_message.type)
TOOLS=(hg hg_aot hg_nocs tshark)
[ -z "${BEFORE_JAR:-}" ] || TOOLS=(before hg before_aot hg_aot hg_nocs tshark)
for t in "${TOOLS[@]}"; do : >"$OUT/rows-$t.txt"; done
for round in $(seq "$RUNS"); do
  for t in "${TOOLS[@]}"; do
    echo "round $round: $t on $CAP..." >&2
    declare -n cmd="CMD_$t"
    once "${cmd[@]}" | tee -a "$OUT/runs.txt" >>"$OUT/rows-$t.txt"
    unset -n cmd
    [ "$t" != tshark ] || cp "$OUT/stdout.txt" "$OUT/tshark-stdout.txt"
  done
done
read -r HG_W HG_C HG_K HG_F < <(medians <"$OUT/rows-hg.txt")
read -r HA_W HA_C HA_K HA_F < <(medians <"$OUT/rows-hg_aot.txt")
read -r HN_W HN_C HN_K HN_F < <(medians <"$OUT/rows-hg_nocs.txt")
read -r TS_W TS_C TS_K TS_F < <(medians <"$OUT/rows-tshark.txt")
TS_HB=$(awk -F'\t' '$2 != ""' "$OUT/tshark-stdout.txt" | wc -l)
if [ -n "${BEFORE_JAR:-}" ]; then
  read -r BE_W BE_C BE_K BE_F < <(medians <"$OUT/rows-before.txt")
  read -r BA_W BA_C BA_K BA_F < <(medians <"$OUT/rows-before_aot.txt")
fi

# Heap after each collection, from a -Xlog:gc file: "min..max MB over N collections".
after_gc() {
  local sizes
  sizes=$(grep -o '[0-9]*M->[0-9]*M' "$1" | sed 's/.*->//; s/M//' | sort -n)
  [ -n "$sizes" ] || { echo "not measured: no collection was needed"; return; }
  echo "$(echo "$sizes" | head -1)..$(echo "$sizes" | tail -1) MB over $(echo "$sizes" | wc -l) collections"
}
FLAT=()
for mb in "${SIZES[@]}"; do
  echo "flatness: $mb MB..." >&2
  read -r w c k f < <(RUNS=1 measure "$JAVA" -Xlog:gc:file="$OUT/gc-$mb.log" -cp "$CP" SensorMain -r "$(capture "$mb")")
  FLAT+=("$(row "heartguard sensor" "$(capture "$mb")" "$w" "$c" "$k" "$f" "alerts; heap after GC $(after_gc "$OUT/gc-$mb.log")")")
done
BIG=$(capture "${SIZES[-1]}")
for s in "${SIZES[@]}"; do [ "$(bytes "$(capture "$s")")" -gt "$(bytes "$BIG")" ] && BIG=$(capture "$s"); done
echo "flatness: -Xmx64m on $BIG..." >&2
read -r SM_W SM_C SM_K SM_F < <(RUNS=1 measure "$JAVA" -Xmx64m -Xlog:gc:file="$OUT/gc-xmx64m.log" -cp "$CP" SensorMain -r "$BIG")

if [ "${JMH:-}" = 1 ]; then
  echo "JMH..." >&2
  bench/sensor/jmh.sh -rf json -rff "$PWD/$OUT/jmh-sensor.json" >"$OUT/jmh.txt" 2>&1 \
    || echo "JMH failed (see $OUT/jmh.txt); reporting the last JMH result, if any" >&2
fi
JMH_LINE="not run (JMH=1 bench/sensor/run.sh, or bench/sensor/jmh.sh)"
if [ -s "$OUT/jmh-sensor.json" ]; then
  JMH_LINE=$(python3 - "$OUT/jmh-sensor.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))[0]
s = r['secondaryMetrics']
print(f"{r['primaryMetric']['score']:.2f} ops/s ({r['params']['captureMb']} MB capture): "
      f"{s['bytes']['score'] / 1e6:.0f} ± {s['bytes']['scoreError'] / 1e6:.0f} MB/s, "
      f"{s['packets']['score'] / 1e6:.2f} M packets/s (JMH {r['jmhVersion']}, {r['measurementIterations']} x "
      f"{r['measurementTime']} measurement after {r['warmupIterations']} x {r['warmupTime']} warm-up, one fork)")
EOF
)
fi

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# heartguard sensor benchmark"
  echo
  echo "Capture: \`$(basename "$CAP")\`, $(( $(bytes "$CAP") / 1000000 )) MB, $(packets "$CAP") packets"
  echo "(bench/sensor/gen_capture.py: interleaved TLS 1.2 connections, ECDHE-RSA-AES128-GCM, 16 KB records in"
  echo "1448-byte segments with delayed ACKs; every 500th connection an attack: plaintext Heartbleed answered by a"
  echo "leak, or an encrypted heartbeat before application data; valid IPv4 and TCP checksums, so that the sensor's"
  echo "default \`--checksums auto\` checks every packet). Every run pinned to core $CORE (\`taskset -c $CORE\`),"
  echo "file in the page cache, whole process (JVM start-up included), median of $RUNS rounds (each runs every tool once in turn). CPU s is user + sys of the"
  echo "process (JIT compiler threads included): on a shared machine it is steadier than wall time, and MB per CPU"
  echo "second is what one core delivers. Machine: $(nproc) vCPUs ($(lscpu | sed -n 's/^Model name: *//p')),"
  echo "load average at the end $LOAD (other jobs were running: wall times are inflated)."
  echo
  echo "| tool | MB | wall s | MB/s | packets/s | CPU s | MB per CPU s | peak RSS MB | findings |"
  echo "|---|---|---|---|---|---|---|---|---|"
  if [ -n "${BEFORE_JAR:-}" ]; then
    row "heartguard sensor ($BEFORE_NAME)" "$CAP" "$BE_W" "$BE_C" "$BE_K" "$BE_F" alerts
    row "heartguard sensor ($BEFORE_NAME), AOT cache" "$CAP" "$BA_W" "$BA_C" "$BA_K" "$BA_F" alerts
  fi
  row "heartguard sensor" "$CAP" "$HG_W" "$HG_C" "$HG_K" "$HG_F" alerts
  row "heartguard sensor, AOT cache" "$CAP" "$HA_W" "$HA_C" "$HA_K" "$HA_F" alerts
  row "heartguard sensor --checksums off" "$CAP" "$HN_W" "$HN_C" "$HN_K" "$HN_F" alerts
  row "tshark -Y '$TS_FILTER'" "$CAP" "$TS_W" "$TS_C" "$TS_K" "$TS_F" "frames ($TS_HB heartbeats)"
  echo
  awk -v h="$HG_W" -v t="$TS_W" -v hc="$HG_C" -v tc="$TS_C" -v hk="$HG_K" -v tk="$TS_K" 'BEGIN {
    printf "heartguard vs tshark: %.1fx faster by wall time, %.1fx by CPU time, %.1fx less peak memory.\n", t/h, tc/hc, tk/hk}'
  if [ -n "${BEFORE_JAR:-}" ]; then
    echo
    awk -v n="$BEFORE_NAME" -v h="$HG_W" -v b="$BE_W" -v hc="$HG_C" -v bc="$BE_C" -v ha="$HA_C" -v ba="$BA_C" \
      -v t="$TS_W" -v tc="$TS_C" 'BEGIN {
      printf "This build vs %s, same run: wall time x%.2f, CPU time x%.2f (AOT cache: CPU x%.2f); ", n, h/b, hc/bc, ha/ba
      printf "%s vs tshark: %.1fx faster by wall time, %.1fx by CPU time.\n", n, t/b, tc/bc}'
  fi
  echo
  echo "Suricata and Zeek: not in this machine's Debian sources (bookworm main: \`apt-cache policy suricata zeek\`"
  echo "finds no candidate), so no other IDS is compared."
  echo
  echo "## Flat heap"
  echo
  echo "| tool | MB | wall s | MB/s | packets/s | CPU s | MB per CPU s | peak RSS MB | findings |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${FLAT[@]}"
  echo
  echo "Peak RSS with the JVM's default heap sizing follows the young generation the JVM chooses to use (it grows"
  echo "with the run, up to its initial heap of 1/64 of RAM), not live data: the heap after each collection is the"
  echo "live set. With \`-Xmx64m\` the $(( $(bytes "$BIG") / 1000000 )) MB capture runs to the end: $SM_F alerts, peak RSS"
  echo "$((SM_K / 1024)) MB, heap after GC $(after_gc "$OUT/gc-xmx64m.log") (\`$OUT/gc-xmx64m.log\`). What grows"
  echo "slowly is the entries of closed connections, kept (without buffers, a few hundred bytes each) until the flow"
  echo "timeout so that late packets do not open new flows; bounded by --max-flows."
  echo "Files are read through 16 MB memory maps, each unmapped once read, so the page cache does not count against"
  echo "the process; the flow table is bounded by --max-flows and --max-memory-mb."
  echo
  echo "## Steady state (JMH)"
  echo
  echo "SensorBenchmark.readDecodeDetect (capture reading, decoding, flow table, reassembly, TLS framing, rules) over"
  echo "an in-memory capture, pinned to one core: $JMH_LINE."
  echo
  echo "Reproduce: \`${BEFORE_JAR:+BEFORE_JAR=OLD.jar BEFORE_NAME=... }bench/sensor/run.sh ${SIZES[*]}\` (add \`JMH=1\` for the JMH row); all runs in \`$OUT/runs.txt\`."
  if [ -f bench/sensor/analysis.md ]; then
    echo
    cat bench/sensor/analysis.md
  fi
} >bench/RESULTS-sensor.md
cat bench/RESULTS-sensor.md
