#!/usr/bin/env bash
# Starts (once) the single-node Apache Kafka broker that the distributed scan's tests and benches talk to, and prints
# its bootstrap address.
#
#   bin/start-kafka.sh            start if needed, print 127.0.0.1:PORT
#   bin/start-kafka.sh --stop     stop it (the log directory stays, the next start is quick)
#
# Apache Kafka 4.x in KRaft mode (one process is broker and controller), built only from Maven Central artifacts:
# bin/kafka/pom.xml names them, Maven copies them and their dependencies into $HEARTGUARD_KAFKA_DIR/lib, and the
# broker runs as `java -cp lib/* kafka.Kafka server.properties` after `kafka.tools.StorageTool format` (what
# kafka-storage.sh runs). Both listeners are bound to 127.0.0.1 only: the broker on $HEARTGUARD_KAFKA_PORT (default
# 59092, a fixed port no distribution uses by default), the controller on the next port. Idempotent: a broker that
# answers on the port is reused. Tests read the address from HEARTGUARD_TEST_KAFKA.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/bin/find-java.sh"

port=${HEARTGUARD_KAFKA_PORT:-59092}
controller_port=$((port + 1))
base=${HEARTGUARD_KAFKA_DIR:-/tmp/heartguard-kafka}
lib=$base/lib
data=$base/data
log=$base/server.log
pidfile=$base/broker.pid

fail() { echo "start-kafka: $*" >&2; exit 2; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mkdir -p "$base"

if [ "${1:-}" = "--stop" ]; then
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")"
    for _ in $(seq 1 60); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$pidfile"
  echo "start-kafka: stopped" >&2
  exit 0
fi

if listening "$port"; then
  echo "127.0.0.1:$port"
  exit 0
fi

heartguard_find_java >/dev/null || fail "no Java 17 or later found for the broker"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

if [ ! -f "$lib/.complete" ] || [ "$root/bin/kafka/pom.xml" -nt "$lib/.complete" ]; then
  rm -rf "$lib"
  (cd "$root/bin/kafka" && mvn -B -ntp -q dependency:copy-dependencies -DoutputDirectory="$lib" >"$base/maven.log" 2>&1) \
    || fail "cannot resolve the broker's artifacts from Maven, see $base/maven.log"
  touch "$lib/.complete"
fi

cat >"$base/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data
num.partitions=12
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# A test group is formed at once, not after the default 3 s wait for more members.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=24
PROPERTIES

if [ ! -f "$data/meta.properties" ]; then
  cluster=$("$java" -cp "$lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null) || fail "cannot make a cluster id"
  "$java" -cp "$lib/*" kafka.tools.StorageTool format -t "$cluster" \
      -c "$base/server.properties" >"$base/format.log" 2>&1 || fail "cannot format $data, see $base/format.log"
fi

# Small heap: a test broker holds little; 2 cores are shared with the tests.
setsid "$java" -Xms128m -Xmx512m -XX:+UseSerialGC -cp "$lib/*" kafka.Kafka "$base/server.properties" \
    >"$log" 2>&1 </dev/null &
echo $! >"$pidfile"
for _ in $(seq 1 120); do
  if listening "$port"; then
    echo "127.0.0.1:$port"
    exit 0
  fi
  kill -0 "$(cat "$pidfile")" 2>/dev/null || fail "the broker exited, see $log"
  sleep 0.5
done
fail "the broker did not listen on 127.0.0.1:$port within 60 s, see $log"
