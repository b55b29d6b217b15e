#!/usr/bin/env bash
# Heap of a million-target scan of a closed loopback space: 127.16.0.0/12 on port 9 (nothing listens; a refused
# connect is instant on loopback). Runs heartguard scan from scan's classes with -Xmx64m and a GC log.
# Usage: bench/scan-many/heap.sh [BLOCK] [XMX]
set -euo pipefail
block=${1:-127.16.0.0/12}
xmx=${2:-64m}
. "$(dirname "$(readlink -f "$0")")/../lib.sh"
bench_tools "apt-get install time" /usr/bin/time
bench_jar
out=$(mktemp -d)
/usr/bin/time -v "$JAVA" -Xmx"$xmx" -Xlog:gc:file="$out/gc.log" -cp "$HEARTGUARD_JAR" io.heartguard.scan.cli.ScanCommand \
  --csv --no-progress --seed 1 --retries 0 --connect-timeout 200ms --timeout 1s -p 9 "$block" >"$out/results.csv" 2>"$out/time.txt" || true
echo "results: $(($(wc -l <"$out/results.csv") - 1))"
grep -E "Elapsed|Maximum resident" "$out/time.txt"
echo "young GCs: $(grep -c Pause "$out/gc.log"), full GCs: $(grep -c 'Pause Full' "$out/gc.log" || true)"
echo "largest heap after a GC: $(grep -oE -- '->[0-9]+M' "$out/gc.log" | tr -d '>M-' | sort -n | tail -1) MB"
echo "files in $out"
