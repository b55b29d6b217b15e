#!/usr/bin/env bash
# Load on heartguard serve: CLIENTS concurrent API clients, each POSTing a fresh check of the next lab target and
# following it to its verdict, for SECONDS (after WARMUP seconds not counted); then heartguard scan over the same
# targets in the same run (the engine without HTTP and the database), so the overhead shows as a ratio.
# Medians of ROUNDS rounds, each with a fresh server and a fresh database. Loopback only.
#
# Usage: bench/serve/run.sh [CLIENTS] [SECONDS]        (from anywhere; runs from the jar ./heartguard builds)
#   env: ROUNDS=3  TARGETS=1000 (lab listeners, half vulnerable)  WARMUP=5  POLL_MS=0 (0 follows SSE, else polls)
#        DB=URL (a jdbc:postgresql:// URL; default a fresh SQLite file per round, in DB_DIR, default a temp dir)  SERVE_JAVA_OPTS=""  PORT=18090
#        SERVE_CLASSES=DIR (serve classes to run ahead of the jar's; default the jar's own)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/bench/lib.sh"
bench_tools "apt-get install time" /usr/bin/time
bench_jar
clients=${1:-32}
seconds=${2:-20}
rounds=${ROUNDS:-3}
targets=${TARGETS:-1000}
warmup=${WARMUP:-5}
poll=${POLL_MS:-0}
port=${PORT:-18090}
java="$JAVA"
cd "$root"

work=$(mktemp -d)
pids=()
cleanup() {
  exec 3>&- 4>&- 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -z "${DB_DIR:-}" ] || rm -f "$DB_DIR"/serve-bench-$$-*
  if [ -n "${KEEP:-}" ]; then echo "run.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# A snapshot: a build running meanwhile must not change the server under test.
cp "$HEARTGUARD_JAR" "$work/heartguard.jar"
cp="$work/heartguard.jar"
if [ -n "${SERVE_CLASSES:-}" ]; then
  [ -f "$SERVE_CLASSES/io/heartguard/serve/WebChecker.class" ] || bench_fail "SERVE_CLASSES=$SERVE_CLASSES holds no serve classes"
  cp -r "$SERVE_CLASSES" "$work/serve-classes"
  cp="$work/serve-classes:$cp"
fi

# Waits (bounded) for a line to show up in a file, where a program reports it is ready; fails if that program died.
await() {
  for _ in $(seq 600); do
    if [ -s "$1" ] && grep -q "$2" "$1"; then return 0; fi
    kill -0 "$3" 2>/dev/null || { echo "run.sh: $4 exited before it was ready:" >&2; tail -5 "$5" >&2; exit 1; }
    sleep 0.1
  done
  echo "run.sh: timed out waiting for $1" >&2; exit 1
}

# CPU time of a process so far, in milliseconds (utime + stime from /proc/PID/stat).
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%d", ($12 + $13) * 1000 / hz }' "/proc/$1/stat"; }

mkfifo "$work/lab.in"
"$java" -cp "$cp" bench/serve/LabTargets.java "$targets" "$work/truth.txt" <"$work/lab.in" 2>"$work/lab.err" & lab=$!; pids+=($lab)
exec 3>"$work/lab.in"
await "$work/truth.txt" 127.0.0.1 "$lab" "the lab" "$work/lab.err"
cut -d' ' -f1 "$work/truth.txt" >"$work/targets.txt"
head -1 "$work/targets.txt" >"$work/one-target.txt"
echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start" >&2
echo "$(wc -l <"$work/targets.txt") lab targets up ($(grep -c ' VULNERABLE' "$work/truth.txt") vulnerable); $clients clients, ${seconds}s measured after ${warmup}s warm-up, $rounds rounds" >&2

# One scan over every target first, so that the lab's JIT is warm for every round alike.
"$java" -cp "$cp" io.heartguard.scan.cli.ScanCommand --csv --no-progress --retries 0 --concurrency "$clients" \
  -iL "$work/targets.txt" >/dev/null 2>&1 || true

printf '| round | serve checks/s | p50 ms | p99 ms | wrong | failed | rejected | serve peak RSS MB | scan checks/s | scan peak RSS MB | scan/serve | serve CPU ms/check | lab CPU ms/check |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for r in $(seq "$rounds"); do
  db=${DB:-${DB_DIR:-$work}/serve-bench-$$-$r.db}
  mkfifo "$work/serve-$r.in"
  # shellcheck disable=SC2086
  "$java" ${SERVE_JAVA_OPTS:-} -cp "$cp" bench/serve/ServeMain.java "$port" "$db" 4096 \
    <"$work/serve-$r.in" >"$work/serve-$r.out" 2>"$work/serve-$r.err" & serve=$!; pids+=($serve)
  exec 4>"$work/serve-$r.in"
  await "$work/serve-$r.out" "serve: " "$serve" "the server" "$work/serve-$r.err"
  uri=$(sed -n 's/^serve: //p' "$work/serve-$r.out")
  # CPU of the server and of the lab over the measured window only: sampled when the warm-up ends and at the end.
  (sleep "$warmup"; cpu "$serve" >"$work/serve-cpu0"; cpu "$lab" >"$work/lab-cpu0") &
  line=$("$java" bench/serve/LoadClients.java "$uri" "$work/truth.txt" "$clients" "$seconds" "$warmup" "$poll" 2>"$work/clients-$r.err")
  servecpu=$(( $(cpu "$serve") - $(cat "$work/serve-cpu0") ))
  labcpu=$(( $(cpu "$lab") - $(cat "$work/lab-cpu0") ))
  [[ $line == checks=* ]] || { echo "run.sh: the clients failed:" >&2; cat "$work/clients-$r.err" >&2; exit 1; }
  rss=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$serve/status")
  exec 4>&-
  # After close() the JVM lingers about a minute on Javalin's idle async-pool threads (RESULTS-serve.md): end it.
  kill "$serve" 2>/dev/null || true
  wait "$serve" 2>/dev/null || true

  # The engine alone: scan's rate without JVM start-up = (N - 1) / (wall(N targets) - wall(1 target)).
  scan() { /usr/bin/time -f "%e %M" -o "$work/time.txt" "$java" -cp "$cp" io.heartguard.scan.cli.ScanCommand --csv --no-progress \
      --retries 0 --concurrency "$clients" -iL "$1" >"$work/scan.csv" 2>"$work/scan.err" || true; }
  scan "$work/one-target.txt"; one=$(tail -1 "$work/time.txt" | cut -d' ' -f1)
  scan "$work/targets.txt"; read -r all scanrss < <(tail -1 "$work/time.txt")
  rows=$(($(wc -l <"$work/scan.csv") - 1))
  scanrate=$(awk -v n="$rows" -v a="$all" -v o="$one" 'BEGIN { printf "%.1f", (n - 1) / (a - o) }')

  get() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$line"; }
  ratio=$(awk -v s="$scanrate" -v h="$(get rate)" 'BEGIN { printf "%.1f", s / h }')
  checks=$(get checks)
  per() { awk -v c="$1" -v n="$checks" 'BEGIN { printf "%.1f", (n > 0 ? c / n : 0) }'; }
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s× | %s | %s |\n' "$r" "$(get rate)" "$(get p50_ms)" "$(get p99_ms)" \
    "$(get wrong)" "$(get failed)" "$(get rejected)" "$rss" "$scanrate" "$((scanrss / 1024))" "$ratio" \
    "$(per "$servecpu")" "$(per "$labcpu")" | tee -a "$work/rows.md"
  cat "$work/clients-$r.err" >&2
done

# Medians per column (round is column 2 of the |-split line).
median() { awk -F'|' -v c="$1" '{ gsub(/[ ×]/, "", $c); print $c }' "$work/rows.md" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '| **median** | **%s** | **%s** | **%s** | %s | %s | %s | **%s** | **%s** | %s | **%s×** | %s | %s |\n' \
  "$(median 3)" "$(median 4)" "$(median 5)" "$(median 6)" "$(median 7)" "$(median 8)" "$(median 9)" "$(median 10)" \
  "$(median 11)" "$(median 12)" "$(median 13)" "$(median 14)"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end" >&2
