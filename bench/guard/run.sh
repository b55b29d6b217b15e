#!/usr/bin/env bash
# HTTPS through heartguard guard vs. HAProxy (mode tcp) vs. direct, against nginx with TLS, in one run.
# Usage: [POLICIES="P[,P] ..."] [BEFORE_JAR=JAR [BEFORE_NAME=NAME]] bench/guard/run.sh [SECONDS] [CONNECTIONS]
#   (needs wrk, nginx-light, haproxy from Debian; ROUNDS=3)
# Writes bench/RESULTS-guard.md (then appends the hand-written bench/guard/analysis.md). Everything listens on
# 127.0.0.1 only. POLICIES adds one guard per listed --policy
# besides the default; BEFORE_JAR adds a guard (default policy) from a heartguard.jar built from another commit, so
# that a change is measured against its base in the same rounds.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
duration=${1:-10}
conns=${2:-50}
rounds=${ROUNDS:-3}
. "$root/bench/lib.sh"
bench_tools "apt-get install -y wrk nginx-light haproxy curl openssl python3" wrk nginx haproxy openssl curl python3
bench_jar

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

NGINX=18480 HAPROXY=18481 GUARD=18482
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -keyout "$work/k.pem" -out "$work/c.pem" -days 1 2>/dev/null
head -c 1024 /dev/urandom > "$work/1k.bin"
head -c 1048576 /dev/urandom > "$work/1m.bin"
chmod 755 "$work"; chmod 644 "$work"/*.bin  # nginx workers run unprivileged

cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$NGINX ssl;
    ssl_certificate $work/c.pem;
    ssl_certificate_key $work/k.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    keepalive_requests 1000000;
    root $work;
  }
}
CONF
nginx -c "$work/nginx.conf" -g 'daemon off;' & pids+=($!)

cat > "$work/haproxy.cfg" <<CONF
global
  nbthread 1
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend f
  bind 127.0.0.1:$HAPROXY
  default_backend b
backend b
  server s 127.0.0.1:$NGINX
CONF
haproxy -f "$work/haproxy.cfg" & pids+=($!)

# Guards: name (no spaces), port, jar, policy ("" = that build's default).
g_names=(guard) g_ports=($GUARD) g_jars=("$HEARTGUARD_JAR") g_policies=("")
if [ -n "${BEFORE_JAR:-}" ]; then
  [ -s "$BEFORE_JAR" ] || bench_fail "BEFORE_JAR=$BEFORE_JAR is not a file"
  g_names=(guard-before "${g_names[@]}") g_ports=($((GUARD + 1)) "${g_ports[@]}")
  g_jars=("$BEFORE_JAR" "${g_jars[@]}") g_policies=("" "${g_policies[@]}")
fi
for p in ${POLICIES:-}; do
  g_names+=("guard[$p]") g_ports+=($((GUARD + 1 + ${#g_ports[@]}))) g_jars+=("$HEARTGUARD_JAR") g_policies+=("$p")
done
for i in "${!g_names[@]}"; do
  policy=(); [ -z "${g_policies[$i]}" ] || policy=(--policy "${g_policies[$i]}")
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "${g_jars[$i]}" \
    io.heartguard.guard.GuardCommand --listen 127.0.0.1:${g_ports[$i]} --upstream 127.0.0.1:$NGINX --threads 1 \
    "${policy[@]}" --alerts "$work/alerts-$i.jsonl" 2>"$work/guard-$i.err" & pids+=($!)
done

for port in $NGINX $HAPROXY "${g_ports[@]}"; do
  for _ in $(seq 100); do curl -sk -o /dev/null "https://127.0.0.1:$port/1k.bin" && break; sleep 0.2; done
  # The same bytes through every path, or the numbers compare nothing.
  curl -sfk "https://127.0.0.1:$port/1m.bin" | cmp - "$work/1m.bin"
done

# wrk --latency prints the latency distribution; pick requests/s, transfer/s, p50 and p99 (in ms).
measure() {  # name port path
  local out; out=$(wrk -t2 -c"$conns" -d"${duration}s" --latency "https://127.0.0.1:$2$3")
  local rps mbs p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  mbs=$(awk '/Transfer\/sec/ {v=$2; if (v ~ /GB/) {sub(/GB/,"",v); v*=1024} else if (v ~ /KB/) {sub(/KB/,"",v); v/=1024} else sub(/MB/,"",v); print v}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out" | awk '{v=$1; if (v ~ /us/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms/) sub(/ms/,"",v); else if (v ~ /s/) {sub(/s/,"",v); v*=1000}; print v}')
  p99=$(awk '$1=="99%" {print $2}' <<<"$out" | awk '{v=$1; if (v ~ /us/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms/) sub(/ms/,"",v); else if (v ~ /s/) {sub(/s/,"",v); v*=1000}; print v}')
  echo "$1 $3 $rps $mbs $p50 $p99"
}

# Warm-up (the JIT for each guard), then rounds alternating the paths so drift hits them alike.
for port in "${g_ports[@]}"; do
  wrk -t2 -c"$conns" -d10s "https://127.0.0.1:$port/1k.bin" >/dev/null
  wrk -t2 -c"$conns" -d15s "https://127.0.0.1:$port/1m.bin" >/dev/null
done
: > "$work/rows"
for round in $(seq "$rounds"); do
  for path in /1k.bin /1m.bin; do
    echo "round $round: $path" >&2
    measure direct $NGINX $path >> "$work/rows"
    measure haproxy $HAPROXY $path >> "$work/rows"
    for i in "${!g_names[@]}"; do measure "${g_names[$i]}" "${g_ports[$i]}" $path >> "$work/rows"; done
  done
done
cp "$work/rows" "$root/bench/out/guard-rows.txt" 2>/dev/null || true

# Median per (name, path) of each column.
summary=$(python3 - "$work/rows" "${g_names[@]}" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
guards = sys.argv[2:]
by = {}
for name, path, rps, mbs, p50, p99 in rows:
    by.setdefault((name, path), []).append((float(rps), float(mbs), float(p50), float(p99)))
med = {k: tuple(st.median(c[i] for c in v) for i in range(4)) for k, v in by.items()}
print("| path | file | requests/s | MB/s | p50 ms | p99 ms |")
print("|---|---|---|---|---|---|")
for path in ("/1k.bin", "/1m.bin"):
    for name in ["direct", "haproxy"] + guards:
        r, m, a, b = med[(name, path)]
        print(f"| {name} | {path} | {r:.0f} | {m:.1f} | {a:.2f} | {b:.2f} |")
print()
for path in ("/1k.bin", "/1m.bin"):
    d, h = med[("direct", path)], med[("haproxy", path)]
    for name in guards:
        g = med[(name, path)]
        print(f"- {path}: {name} throughput = {100 * g[0] / h[0]:.0f} % of HAProxy's ({100 * g[0] / d[0]:.0f} % of direct);"
              f" added p99: {name} {g[3] - d[3]:+.2f} ms, HAProxy {h[3] - d[3]:+.2f} ms"
              f" (goal: >= 90 % and <= HAProxy's + 0.2 ms)")
    if "guard-before" in guards:
        b, a = med[("guard-before", path)], med[("guard", path)]
        print(f"- {path}: guard / guard-before requests/s = {a[0] / b[0]:.2f}")
PY
)
alerts=""
for i in "${!g_names[@]}"; do
  alerts+="${alerts:+, }${g_names[$i]} $(cat "$work/alerts-$i.jsonl" 2>/dev/null | wc -l)"
done
{
  echo "# heartguard guard benchmark"
  echo
  echo "HTTPS (nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), TLS, keep-alive) from wrk -t2 -c$conns, ${duration} s per"
  echo "measurement, median of $rounds rounds that alternate direct / HAProxy $(haproxy -v | awk 'NR==1 {print $3}') (mode tcp, one"
  echo "thread) / heartguard guard (epoll, one event loop thread, after 25 s of warm-up each): \`guard\` is this build's default policy${BEFORE_JAR:+, \`guard-before\` is $BEFORE_NAME with its default policy}${POLICIES:+, \`guard[P]\` is this build with --policy P}. All on 127.0.0.1 of one $(nproc)-CPU machine, so the proxies"
  echo "compete with nginx and wrk for the same cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Date: $(date -u +%Y-%m-%d)."
  echo
  echo "$summary"
  echo
  echo "Alerts raised by the guard during the run: $alerts."
  echo
  echo "Reproduce: \`${POLICIES:+POLICIES=\"$POLICIES\" }${BEFORE_JAR:+BEFORE_JAR=... }bench/guard/run.sh $duration $conns\` (ROUNDS=$rounds)"
  if [ -f "$root/bench/guard/analysis.md" ]; then
    echo
    cat "$root/bench/guard/analysis.md"
  fi
} > "$root/bench/RESULTS-guard.md"
cat "$root/bench/RESULTS-guard.md"
