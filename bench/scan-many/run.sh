#!/usr/bin/env bash
# Many loopback targets, side by side: heartguard scan, nmap --script ssl-heartbleed and testssl --parallel -H over
# one fleet of lab servers (LabFleet.java: 8 addresses 127.0.0.1-8 × N/8 ports, about half vulnerable, the rest
# patched 1.0.1g), checking every tool's verdicts against the truth of what was started. Wall time, targets/s and
# peak RSS (/usr/bin/time -v) per tool; medians of ROUNDS for heartguard and nmap, one round of testssl on a subset
# (it spends ~25 s of CPU-heavy shell per patched target). Also records masscan --heartbleed's error.
# Writes bench/RESULTS-scan-many.md (section "Many lab targets against peers") and the index row of bench/RESULTS.md.
# Usage: bench/scan-many/run.sh [N] [ROUNDS]   (N a multiple of 8; default 400 targets, 3 rounds). Loopback only.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
n=${1:-400}
rounds=${2:-3}
addresses=8
ports=$((n / addresses))
first_port=${FIRST_PORT:-20000}
last_port=$((first_port + ports - 1))
concurrency=${CONCURRENCY:-512}
testssl_subset=${TESTSSL_SUBSET:-20}       # every (N/subset)-th target of the truth file
testssl_parallel=${TESTSSL_PARALLEL:-20}   # testssl's MAX_PARALLEL, its default: more thrashes 2 cores
nmap_parallelism=${NMAP_PARALLELISM:-512}
out="$root/bench/out/scan-many"
. "$root/bench/lib.sh"
bench_tools "apt-get install nmap testssl.sh python3 time" nmap testssl python3 /usr/bin/time
if [ $((ports * addresses)) -ne "$n" ] || [ "$ports" -lt 1 ]; then
  bench_fail "N must be a positive multiple of $addresses, got $n"
fi
bench_jar   # build the jar and train the start-up cache outside the timings
export HEARTGUARD_NO_REBUILD=1   # then time the jar that is there
mkdir -p "$out"
rm -rf "${out:?}"/*

# The fleet serves until its stdin (a FIFO we hold open) closes.
mkfifo "$out/fleet.in"
"$JAVA" -Xss256k -cp "$HEARTGUARD_JAR" "$root/bench/scan-many/LabFleet.java" \
  "$addresses" "$ports" "$first_port" "$out/truth.txt" <"$out/fleet.in" 2>"$out/fleet.log" &
fleet=$!
exec 3>"$out/fleet.in"
cleanup() { exec 3>&- || true; wait "$fleet" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 600); do
  [ -f "$out/truth.txt" ] && break
  kill -0 "$fleet" 2>/dev/null || { echo "bench: the lab fleet died; see $out/fleet.log" >&2; exit 2; }
  sleep 0.1
done
[ -f "$out/truth.txt" ] || { echo "bench: the lab fleet did not start in 60 s" >&2; exit 2; }
echo "bench: $(wc -l <"$out/truth.txt") lab listeners on 127.0.0.1-$addresses ports $first_port-$last_port" >&2

timed() { # name round command...: wall time and peak RSS into $out/NAME-ROUND.time, stdout into .out
  local name=$1 round=$2
  shift 2
  /usr/bin/time -v -o "$out/$name-$round.time" "$@" >"$out/$name-$round.out" 2>"$out/$name-$round.err" || true
}

hg_cmd=("$root/heartguard" scan --csv --no-progress --seed 1 --concurrency "$concurrency" -p "$first_port-$last_port"
  "127.0.0.1-$addresses")
nmap_cmd=(nmap -Pn -n -T5 --min-parallelism 64 --max-parallelism "$nmap_parallelism" --script ssl-heartbleed
  --script-args vulns.showall -p "$first_port-$last_port" "127.0.0.1-$addresses")
cat /proc/loadavg >"$out/loadavg-start.txt"
for r in $(seq 1 "$rounds"); do
  echo "bench: round $r: heartguard" >&2
  timed heartguard "$r" "${hg_cmd[@]}"
  # The fixed cost inside heartguard's wall time: start-up and one refused check (nothing listens below the fleet).
  timed startup "$r" "$root/heartguard" scan --retries 0 --csv --no-progress "127.0.0.1:$((first_port - 1))"
  echo "bench: round $r: nmap" >&2
  timed nmap "$r" "${nmap_cmd[@]}"
done

# testssl: one command line per target in the file; a subset spread over the whole fleet.
step=$(( (n + testssl_subset - 1) / testssl_subset ))
awk -v step="$step" 'NR % step == 1 || step == 1 {print "-H --quiet --color 0 --nodns min --ip one " $1 ":" $2}' \
  "$out/truth.txt" >"$out/testssl-list.txt"
testssl_cmd=(testssl --parallel --warnings off --openssl-timeout 5 --connect-timeout 5 --file "$out/testssl-list.txt")
echo "bench: testssl on $(wc -l <"$out/testssl-list.txt") targets, MAX_PARALLEL=$testssl_parallel" >&2
cat /proc/loadavg >"$out/loadavg.txt"   # how busy the shared machine was: before and after the peers' slowest run
MAX_PARALLEL=$testssl_parallel timed testssl 1 "${testssl_cmd[@]}"
cat /proc/loadavg >>"$out/loadavg.txt"

# masscan: Debian's 1.3.2 refuses --heartbleed on its own default config; keep its exact words.
if command -v masscan >/dev/null; then
  set +e
  timeout 30 masscan --heartbleed 127.0.0.1 -p "$first_port" --rate 100 >"$out/masscan.out" 2>&1
  echo "exit $?" >>"$out/masscan.out"
  set -e
  masscan_version=$( (masscan --version 2>/dev/null || true) | grep -o "version [0-9.]*" | head -1)
else
  echo "masscan is not installed (apt-get install masscan)" >"$out/masscan.out"
  masscan_version=none
fi

exec 3>&-
wait "$fleet" 2>/dev/null || true

python3 "$root/bench/scan-many/report.py" "$out" "$root/bench" "$n" "$rounds" "$step" "$testssl_parallel" \
  "$concurrency" "$nmap_parallelism" "$masscan_version" "$(nproc)" \
  "${hg_cmd[*]#"$root/"}" "${nmap_cmd[*]}" "MAX_PARALLEL=$testssl_parallel ${testssl_cmd[*]#"$root/"}"
