#!/usr/bin/env bash
# Times a whole-process, one-target Heartbleed check of the lab server, vulnerable and patched, side by side with
# nmap's ssl-heartbleed, testssl -H and sslscan (heartbleed only), and writes medians and ratios to
# bench/RESULTS.md (section "One-target check"). Loopback only. Usage: bench/one-target.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
runs=${1:-5}
slow_runs=${SLOW_RUNS:-3}   # peers wait ~10-25 s for a timeout on a patched server
out="$root/bench/out/one-target"
mkdir -p "$out"
. "$root/bench/lib.sh"
bench_tools "apt-get install hyperfine nmap testssl.sh sslscan python3" hyperfine nmap testssl sslscan python3
bench_jar   # build and train the start-up cache outside the timings
export HEARTGUARD_NO_REBUILD=1

lab_pids=()
cleanup() { for p in "${lab_pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

start_lab() { # mode port
  "$root/heartguard" lab --mode "$1" --listen "127.0.0.1:$2" --log /dev/null 2>"$out/lab-$1.log" &
  lab_pids+=($!)
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "bench: lab ($1) did not start; see $out/lab-$1.log" >&2
  exit 2
}

vport=18443; pport=18444
start_lab vulnerable $vport
start_lab patched $pport

# Each tool's command, the same for the timing and for the verdict shown beside it. Peers run with their defaults
# (testssl without DNS look-ups, nmap showing "NOT VULNERABLE" too), so their timeouts are their own.
commands() { # port
  echo "heartguard|$root/heartguard scan 127.0.0.1:$1"
  echo "nmap|nmap -Pn -n -p $1 --script ssl-heartbleed --script-args vulns.showall 127.0.0.1"
  echo "testssl|testssl -H --quiet --color 0 --warnings batch --nodns min --ip one 127.0.0.1:$1"
  echo "sslscan|sslscan --no-colour --no-ciphersuites --no-renegotiation --no-compression --no-fallback --no-groups --no-check-certificate 127.0.0.1:$1"
}

for mode in vulnerable patched; do
  port=$vport; n=$runs
  if [ "$mode" = patched ]; then port=$pport; n=$slow_runs; fi
  args=()
  while IFS='|' read -r name cmd; do args+=(-n "$name" "$cmd"); done < <(commands "$port")
  hyperfine --style basic --warmup 1 --runs "$n" --ignore-failure --export-json "$out/$mode.json" "${args[@]}" >"$out/$mode.txt"
  # What each tool concluded, to show the timings compare right answers.
  while IFS='|' read -r name cmd; do
    echo "== $name"
    $cmd 2>&1 | grep -iE "VULNERABLE|heartbleed" | grep -v "^TARGET" | head -3 || true
  done < <(commands "$port") >"$out/$mode-verdicts.txt"
done

python3 - "$out" "$root/bench/RESULTS.md" "$runs" "$slow_runs" <<'PY'
import json, sys, statistics, pathlib, re, datetime, platform, os
out, results, runs, slow = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4]
lines = ["## One-target check (whole process, loopback lab server)", "",
         f"Measured {datetime.date.today()} on {os.cpu_count()} cores; `bench/one-target.sh {runs}` "
         f"(hyperfine, {runs} runs vulnerable / {slow} runs patched, 1 warm-up). Median wall time; ratio = peer / heartguard.", ""]
for mode in ("vulnerable", "patched"):
    data = json.loads((out / f"{mode}.json").read_text())["results"]
    med = {r["command"]: statistics.median(r["times"]) for r in data}
    hg = med["heartguard"]
    lines += [f"### {mode}", "", "| tool | median (s) | ratio to heartguard | verdict |", "|---|---|---|---|"]
    verdicts = (out / f"{mode}-verdicts.txt").read_text()
    for name, t in med.items():
        sect = verdicts.split(f"== {name}")[1].split("== ")[0].strip().splitlines()
        v = " / ".join(" ".join(s.split()) for s in sect[:3]).replace("|", "\\|")[:110]
        lines.append(f"| {name} | {t:.3f} | {t / hg:.1f}x | {v} |")
    lines.append("")
text = results.read_text() if results.exists() else "# Benchmark results\n\n"
start = text.find("## One-target check")
if start >= 0:
    end = text.find("\n## ", start + 1)
    text = text[:start] + text[end + 1:] if end >= 0 else text[:start]
results.write_text(text.rstrip() + "\n\n" + "\n".join(lines) + "\n")
print("\n".join(lines))
PY
