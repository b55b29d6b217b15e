#!/usr/bin/env bash
# JMH: steady-state throughput of the sensor's whole path over an in-memory capture (SensorBenchmark), pinned to
# one core. Usage: bench/sensor/jmh.sh [JMH options]. Needs wire and detect installed (mvn -o -q install -pl
# wire,detect -DskipTests); fetches JMH from Maven Central on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p bench/out
mvn -q -B -Pjmh -pl sensor test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/bench/out/jmh.classpath" >/dev/null
CP=sensor/target/test-classes:sensor/target/classes:$(cat bench/out/jmh.classpath)
exec taskset -c "${CORE:-1}" "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main SensorBenchmark "$@"
