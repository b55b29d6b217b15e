#!/usr/bin/env bash
# How many requests until the key? Real OpenSSL 1.0.1f s_server (fixtures/openssl, on 127.0.0.1 through the bindlo
# shim) attacked by lab client --encrypted's full-size requests, every leak searched for a factor of its key
# (KeyHunt.java). Usage: bench/keys/openssl-101f.sh [MAX_CONNECTIONS [ROUNDS_PER_CONNECTION]]   (default: 100 16)
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
bench_tools "apt-get install maven gcc openssl" mvn gcc openssl
bench_java
MAX=${1:-100}
PER=${2:-16}
OUT=bench/out/keys-101f
rm -rf "$OUT"; mkdir -p "$OUT"
mvn -q -B -pl lab,keys -am -DskipTests compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/$OUT/classpath" >"$OUT/build.log" 2>&1 || bench_fail "cannot build; see $OUT/build.log"
CP=lab/target/classes:tlsserver/target/classes:keys/target/classes:wire/target/classes:evidence/target/classes:$(cat "$OUT/classpath")
gcc -shared -fPIC -O2 -o "$OUT/bindlo.so" fixtures/openssl/src/bindlo.c -ldl
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -keyout "$OUT/k.pem" -out "$OUT/c.pem" -days 1 2>/dev/null
PORT=$(( 20000 + RANDOM % 20000 ))
mkfifo "$OUT/stdin"
# stdin held open on a FIFO: at end of file s_server exits at its first client.
sleep 100000 >"$OUT/stdin" &
HOLDER=$!
( cd "$OUT" && LD_PRELOAD=./bindlo.so OPENSSL_CONF=/dev/null exec ../../../fixtures/openssl/bin/openssl-1.0.1f \
    s_server -accept "$PORT" -www -cert c.pem -key k.pem <stdin >s_server.log 2>&1 ) &
SERVER=$!
trap 'kill $SERVER $HOLDER 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.1; done
"$JAVA_HOME/bin/java" -cp "$CP" bench/keys/KeyHunt.java "127.0.0.1:$PORT" "$OUT/c.pem" "$MAX" "$PER" | tee "$OUT/result.txt"
