#!/usr/bin/env bash
# A distributed scan (scan --kafka + heartguard worker) over lab targets behind 50 ms of round-trip time, so that
# checking is bound by waiting, as on the internet, not by this machine's 2 cores. The latency comes from
# DelayedFleet.java: a relay on 127.0.0.1-8 in front of each lab server (127.0.1.x) that waits one RTT before it
# connects and holds every chunk 25 ms each way. (tc netem in a network namespace would be the natural tool, but this
# project's machines run a kernel without qdisc modules: `tc qdisc add ... netem` says "qdisc kind is unknown".)
# The broker is bin/start-kafka.sh's on 127.0.0.1; Kafka's own traffic is not delayed. Loopback only.
#
# Measures, each the median of ROUNDS: one process (heartguard scan, the same concurrency as one worker), then 1, 2
# and 4 workers (each --concurrency C) with the coordinator: targets/s, the scaling ratio against 1 worker and the
# overhead of 1 worker against one process; then 2 workers of which one is SIGKILLed after its first block, and the
# extra time that costs (the recovery: mostly the group's 10 s session timeout). Writes bench/RESULTS-distributed.md
# and the index row of bench/RESULTS.md.
# Usage: bench/distributed/run.sh [PORTS] [ROUNDS] [C]   (default 64 ports × 8 addresses = 512 targets, 3, 8)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
ports=${1:-64}
rounds=${2:-3}
concurrency=${3:-8}
block=${BLOCK_SIZE:-16}
addresses=8
first_port=20480
last_port=$((first_port + ports - 1))
out="$root/bench/out/distributed"
. "$root/bench/lib.sh"
bench_tools "apt-get install python3" python3
bench_jar
export HEARTGUARD_NO_REBUILD=1
mkdir -p "$out"
rm -rf "${out:?}"/*

cleanup() {
  exec 3>&- 2>/dev/null || true
  for pid in $(cat "$out"/*.pid 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
broker=$("$root/bin/start-kafka.sh")
echo "bench: broker $broker" >&2

mkfifo "$out/fleet.in"
"$JAVA" -cp "$HEARTGUARD_JAR" "$root/bench/distributed/DelayedFleet.java" \
  "$addresses" "$ports" "$first_port" "$out/truth.txt" <"$out/fleet.in" 2>"$out/fleet.log" &
echo $! >"$out/fleet.pid"
exec 3>"$out/fleet.in"
for _ in $(seq 1 600); do [ -f "$out/truth.txt" ] && break; sleep 0.1; done
[ -f "$out/truth.txt" ] || bench_fail "the lab fleet did not start in 60 s; see $out/fleet.log"
targets=$(wc -l <"$out/truth.txt")
echo "bench: $targets lab targets behind 50 ms RTT" >&2

hg() { "$JAVA" -XX:TieredStopAtLevel=1 -cp "$HEARTGUARD_JAR" io.heartguard.cli.Main "$@"; }
space=(-p "$first_port-$last_port" "127.0.0.1-$addresses")
now() { date +%s.%N; }

# Workers that stay up across rounds: started, then waited for until each says it joined.
start_workers() { # count
  local i
  for i in $(seq 1 "$1"); do
    # Started directly, not through hg(): $! must be the JVM, or a kill would end only a subshell.
    "$JAVA" -XX:TieredStopAtLevel=1 -cp "$HEARTGUARD_JAR" io.heartguard.cli.Main worker --kafka "$broker" \
      --concurrency "$concurrency" >/dev/null 2>"$out/worker-$1-$i.log" &
    echo $! >"$out/worker-$1-$i.pid"
  done
  for i in $(seq 1 "$1"); do
    for _ in $(seq 1 300); do grep -q "worker: assigned" "$out/worker-$1-$i.log" && break; sleep 0.1; done
  done
}
stop_workers() { # count
  local i pid
  for i in $(seq 1 "$1"); do
    pid=$(cat "$out/worker-$1-$i.pid")
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true   # only the workers: the fleet serves on
    rm -f "$out/worker-$1-$i.pid"
  done
}
fleet_run() { # label → seconds on stdout; the job's verdicts are checked against the truth
  local label=$1 t0 t1
  t0=$(now)
  hg scan --kafka "$broker" --job "bench-$label-$$" --db "$out/bench.db" --block-size "$block" --seed 1 \
    --no-progress "${space[@]}" 2>"$out/$label.err" || true
  t1=$(now)
  python3 - "$out/bench.db" "bench-$label-$$" "$out/truth.txt" "$targets" <<'PY' || bench_fail "wrong results in $label"
import sqlite3, sys
db, job, truth, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
want = {}
for line in open(truth):
    a, p, v = line.split()
    want[(a, int(p))] = v
rows = sqlite3.connect(db).execute("select address, port, verdict from scan_result where job_id = ?", (job,)).fetchall()
assert len(rows) == n, f"{len(rows)} results for {n} targets"
bad = [r for r in rows if want.get((r[0], r[1])) != r[2]]
assert not bad, f"{len(bad)} wrong verdicts, e.g. {bad[:3]}"
PY
  python3 -c "print(f'{$t1 - $t0:.2f}')"
}

median() { python3 -c "import statistics,sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "$@"; }

declare -A result
times=()
for r in $(seq 1 "$rounds"); do
  t0=$(now)
  hg scan --csv --no-progress --seed 1 --concurrency "$concurrency" "${space[@]}" >"$out/single-$r.csv" 2>/dev/null || true
  t1=$(now)
  times+=("$(python3 -c "print($t1 - $t0)")")
done
result[single]=$(median "${times[@]}")
echo "bench: one process: ${result[single]} s" >&2

for w in 1 2 4; do
  start_workers "$w"
  times=()
  for r in $(seq 1 "$rounds"); do times+=("$(fleet_run "w$w-r$r")"); done
  result[$w]=$(median "${times[@]}")
  echo "bench: $w workers: ${result[$w]} s" >&2
  stop_workers "$w"
done

# Recovery: 2 workers, one killed with SIGKILL as soon as it takes its first block of the job.
start_workers 2
victim=$(cat "$out/worker-2-1.pid")
( for _ in $(seq 1 600); do grep -q "worker: block bench-kill" "$out/worker-2-1.log" && break; sleep 0.05; done
  kill -9 "$victim" ) &
result[kill]=$(fleet_run kill)
echo "bench: 2 workers, one killed: ${result[kill]} s" >&2
stop_workers 2

python3 - "$root" "$targets" "$concurrency" "$block" "$rounds" "${result[single]}" "${result[1]}" "${result[2]}" \
  "${result[4]}" "${result[kill]}" <<'PY'
import sys, datetime, re, pathlib
root, n, c, block, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
single, w1, w2, w4, kill = map(float, sys.argv[6:11])
rate = lambda s: n / s
rows = [("one process (scan --concurrency %s)" % c, single, "", ""),
        ("1 worker", w1, "1.00x", f"{(w1 / single - 1) * 100:+.0f}%"),
        ("2 workers", w2, f"{w1 / w2:.2f}x", ""),
        ("4 workers", w4, f"{w1 / w4:.2f}x", "")]
lines = [
    "# Distributed scan: workers behind 50 ms RTT",
    "",
    f"Measured {datetime.date.today()} on this machine's 2 cores with `bench/distributed/run.sh {n // 8} {rounds} {c}`:"
    f" {n} lab targets (8 addresses × {n // 8} ports, about half vulnerable) behind 50 ms RTT (DelayedFleet.java's relays:"
    " one RTT before connecting, 25 ms each way per chunk; the broker on loopback is not delayed); each worker and the single process"
    f" check {c} targets at once; blocks of {block}. Median of {rounds} rounds; every round's {n} verdicts were checked"
    " against the truth.",
    "",
    "| run | wall (s) | targets/s | scaling vs 1 worker | overhead vs one process |",
    "|---|---|---|---|---|",
]
for name, s, scale, over in rows:
    lines.append(f"| {name} | {s:.2f} | {rate(s):.0f} | {scale} | {over} |")
lines += ["", f"2 workers, one killed with SIGKILL as soon as it took its first block: {kill:.2f} s against"
          f" {w2:.2f} s without the kill: {kill - w2:+.1f} s to notice the death (the group's session timeout is 10 s)"
          " and check the killed block again on the other worker.", ""]
pathlib.Path(root, "bench", "RESULTS-distributed.md").write_text("\n".join(lines))
index = pathlib.Path(root, "bench", "RESULTS.md")
text = index.read_text()
row = ("| distributed scan: 1, 2, 4 workers behind 50 ms RTT, recovery from a killed worker |"
       " [RESULTS-distributed.md](RESULTS-distributed.md) | `bench/distributed/run.sh 64 3 8` |")
if "RESULTS-distributed.md" not in text:
    text = re.sub(r"(\| target-space walk[^\n]*\n)", lambda m: m.group(1) + row + "\n", text, count=1)
    index.write_text(text)
PY
echo "bench: wrote bench/RESULTS-distributed.md" >&2
