#!/usr/bin/env bash
# A distributed scan (scan --kafka + heartguard worker) over lab targets behind 50 ms of round-trip time, so that
# checking is bound by waiting, as on the internet, not by this machine's 2 cores. The latency comes from
# DelayedFleet.java: a relay on each of 127.0.0.1-ADDRESSES and each port, in front of one of 8 × PORTS lab servers
# (127.0.1.1-8), that waits one RTT before it connects and holds every chunk 25 ms each way. (tc netem in a network
# namespace would be the natural tool, but this project's machines run a kernel without qdisc modules:
# `tc qdisc add ... netem` says "qdisc kind is unknown".)
# The broker is bin/start-kafka.sh's on 127.0.0.1; Kafka's own traffic is not delayed. Loopback only.
#
# Measures, each the median of ROUNDS: one process (heartguard scan --db, the same concurrency as one worker), then
# 1, 2 and 4 workers (each --concurrency C) with the coordinator (scan --kafka --db): targets/s, the scaling ratio
# against 1 worker and the overhead of 1 worker against one process; then 2 workers of which one is SIGKILLed after
# its first block: the time until the group gives its partitions to the survivor, and the extra time the job takes.
# Workers are long-lived in a real fleet: each set is started, joined and warmed up by a small job before the clock
# runs; the coordinator is started on the clock, as each job starts one. Beside each time, how busy the machine's
# CPUs were (all processes, other users' too): over 90% means the row measured these 2 cores, not the fleet.
# Writes bench/RESULTS-distributed.md and the index row of bench/RESULTS.md.
# Usage: bench/distributed/run.sh [PORTS] [ROUNDS] [C] [ADDRESSES]
#   (default 64 ports × 24 addresses = 1536 targets, 3 rounds, concurrency 8)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
ports=${1:-64}
rounds=${2:-3}
concurrency=${3:-8}
block=${BLOCK_SIZE:-16}
addresses=${4:-24}
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
  "$addresses" "$ports" "$first_port" "$out/truth.txt" 8 <"$out/fleet.in" 2>"$out/fleet.log" &
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
  # Settled when each worker's latest assignment is its share of the 12 partitions: the group rebalances
  # cooperatively, in more than one step, and a worker may first be told it holds none.
  for _ in $(seq 1 300); do
    [ "$(held_partitions "$1")" = "$1 12" ] && return 0
    sleep 0.1
  done
  bench_fail "$1 workers did not share the 12 partitions within 30 s; see $out/worker-$1-*.log"
}
held_partitions() { # count → "MEMBERS-HOLDING-SOME TOTAL" from each worker's latest "assigned N of 12"
  local i n members=0 total=0
  for i in $(seq 1 "$1"); do
    n=$(grep -o "worker: assigned [0-9]*" "$out/worker-$1-$i.log" 2>/dev/null | tail -1 | grep -o "[0-9]*$" || true)
    [ -n "$n" ] && [ "$n" -gt 0 ] && members=$((members + 1)) && total=$((total + n))
  done
  echo "$members $total"
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
# A small job, not timed: the workers' first blocks load and compile what every later block uses.
warm_up() { # count
  hg scan --kafka "$broker" --job "bench-warm-$1-$$" --db "$out/warm.db" --block-size "$block" --seed 2 \
    --no-progress -p "$first_port-$((first_port + 15))" "127.0.0.1-8" 2>"$out/warm-$1.err" || true
}
cpu_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
busy_since() { # "BUSY TOTAL" from cpu_ticks → per cent of the CPUs busy since then
  read -r b1 t1 < <(cpu_ticks)
  python3 -c "print(round(100 * ($b1 - $1) / max(1, $t1 - $2)))"
}
fleet_run() { # label → "seconds busy%" on stdout; the job's verdicts are checked against the truth
  local label=$1 t0 t1 ticks
  ticks=$(cpu_ticks)
  t0=$(now)
  hg scan --kafka "$broker" --job "bench-$label-$$" --db "$out/bench.db" --block-size "$block" --seed 1 \
    --no-progress "${space[@]}" 2>"$out/$label.err" || true
  t1=$(now)
  busy=$(busy_since $ticks)
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
  python3 -c "print(f'{$t1 - $t0:.2f} $busy')"
}

median() { python3 -c "import statistics,sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "$@"; }

declare -A result busy
times=()
loads=()
for r in $(seq 1 "$rounds"); do
  ticks=$(cpu_ticks)
  t0=$(now)
  hg scan --db "$out/single.db" --no-progress --seed 1 --concurrency "$concurrency" "${space[@]}" \
    >/dev/null 2>&1 || true
  t1=$(now)
  loads+=("$(busy_since $ticks)")
  times+=("$(python3 -c "print($t1 - $t0)")")
done
result[single]=$(median "${times[@]}")
busy[single]=$(median "${loads[@]}")
echo "bench: one process: ${result[single]} s, CPUs ${busy[single]}% busy" >&2

for w in 1 2 4; do
  start_workers "$w"
  warm_up "$w"
  times=()
  loads=()
  for r in $(seq 1 "$rounds"); do
    line=$(fleet_run "w$w-r$r")
    read -r t b <<<"$line"
    times+=("$t")
    loads+=("$b")
  done
  result[$w]=$(median "${times[@]}")
  busy[$w]=$(median "${loads[@]}")
  echo "bench: $w workers: ${result[$w]} s, CPUs ${busy[$w]}% busy" >&2
  stop_workers "$w"
done

# Recovery: 2 workers, one killed with SIGKILL as soon as it takes its first block of the job; the survivor says
# when the group has given it every partition.
start_workers 2
warm_up 2
victim=$(cat "$out/worker-2-1.pid")
assigned_before=$(grep -c "worker: assigned 12 of 12" "$out/worker-2-2.log" || true)
( for _ in $(seq 1 600); do grep -q "worker: block bench-kill" "$out/worker-2-1.log" && break; sleep 0.05; done
  kill -9 "$victim"
  k=$(now)
  for _ in $(seq 1 1200); do
    [ "$(grep -c "worker: assigned 12 of 12" "$out/worker-2-2.log" || true)" -gt "$assigned_before" ] && break
    sleep 0.05
  done
  python3 -c "print(f'{$(now) - $k:.1f}')" >"$out/reassigned.txt" ) &
killer=$!
line=$(fleet_run kill)
read -r t b <<<"$line"
result[kill]=$t
wait "$killer" || true
result[reassigned]=$(cat "$out/reassigned.txt" 2>/dev/null || echo "?")
echo "bench: 2 workers, one killed: ${result[kill]} s; partitions moved ${result[reassigned]} s after the kill" >&2
stop_workers 2

python3 - "$root" "$targets" "$concurrency" "$block" "$rounds" "$ports" "$addresses" \
  "${result[single]}" "${result[1]}" "${result[2]}" "${result[4]}" "${result[kill]}" "${result[reassigned]}" \
  "${busy[single]}" "${busy[1]}" "${busy[2]}" "${busy[4]}" <<'PY'
import sys, datetime, re, pathlib
root, n, c, block, rounds, ports, addresses = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], \
    int(sys.argv[6]), int(sys.argv[7])
single, w1, w2, w4, kill = map(float, sys.argv[8:13])
reassigned = sys.argv[13]
busy = [round(float(b)) for b in sys.argv[14:18]]
rate = lambda s: n / s
rows = [("one process (scan --db, --concurrency %s)" % c, single, "", "", busy[0]),
        ("1 worker", w1, "1.00x", f"{(w1 / single - 1) * 100:+.0f}%", busy[1]),
        ("2 workers", w2, f"{w1 / w2:.2f}x", "", busy[2]),
        ("4 workers", w4, f"{w1 / w4:.2f}x", "", busy[3])]
lines = [
    "# Distributed scan: workers behind 50 ms RTT",
    "",
    f"Measured {datetime.date.today()} on this machine's 2 cores with `bench/distributed/run.sh {ports} {rounds} {c}"
    f" {addresses}`: {n} lab targets ({addresses} addresses × {ports} ports, about half vulnerable) behind 50 ms RTT"
    f" (DelayedFleet.java's relays in front of {8 * ports} lab servers: one RTT before connecting, 25 ms each way per"
    " chunk; the broker on loopback is not delayed); each worker and the single process check"
    f" {c} targets at once; blocks of {block}. Workers were started, joined and warmed up by a small job before the"
    " clock ran; the coordinator, like the single process, starts on the clock. Both store into SQLite. Median of"
    f" {rounds} rounds; every round's {n} verdicts were checked against the truth. CPUs busy: the share of this"
    " machine's 2 cores in use during the run, by every process, other users' included.",
    "",
    "| run | wall (s) | targets/s | scaling vs 1 worker | overhead vs one process | CPUs busy |",
    "|---|---|---|---|---|---|",
]
for name, s, scale, over, load in rows:
    lines.append(f"| {name} | {s:.2f} | {rate(s):.0f} | {scale} | {over} | {load}% |")
lines += ["", f"2 workers, one killed with SIGKILL as soon as it took its first block: the survivor held every"
          f" partition {reassigned} s after the kill (the group's session timeout is 10 s) and checked the killed"
          f" worker's uncommitted blocks again. The job took {kill:.2f} s: {kill - w2:+.1f} s against 2 workers, and"
          f" {kill - w1:+.1f} s against 1 worker, which is what the survivor was from the kill on.", ""]
pathlib.Path(root, "bench", "RESULTS-distributed.md").write_text("\n".join(lines))
index = pathlib.Path(root, "bench", "RESULTS.md")
text = index.read_text()
row = ("| distributed scan: 1, 2, 4 workers behind 50 ms RTT, recovery from a killed worker |"
       " [RESULTS-distributed.md](RESULTS-distributed.md) | `bench/distributed/run.sh` |")
if "RESULTS-distributed.md" in text:
    text = re.sub(r"\| distributed scan[^\n]*\n", lambda m: row + "\n", text, count=1)
else:
    text = re.sub(r"(\| target-space walk[^\n]*\n)", lambda m: m.group(1) + row + "\n", text, count=1)
index.write_text(text)
PY
echo "bench: wrote bench/RESULTS-distributed.md" >&2
