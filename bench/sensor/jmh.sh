#!/usr/bin/env bash
# JMH: steady-state throughput of the sensor's whole path over an in-memory capture (SensorBenchmark), pinned to
# one core. Usage: bench/sensor/jmh.sh [JMH options]. Builds the sensor's benchmark with its sibling modules in one
# reactor (nothing installed in ~/.m2); fetches JMH and Maven's dependency plugin from Maven Central on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
bench_tools "apt-get install maven util-linux" mvn taskset
bench_java
mkdir -p bench/out
# In one reactor with -am, the siblings resolve to their target/classes; sensor, built last, writes the file last.
mvn -q -B -Pjmh -pl sensor -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/bench/out/jmh.classpath" >bench/out/jmh-build.log 2>&1 \
  || bench_fail "cannot build the benchmark; see bench/out/jmh-build.log"
CP=sensor/target/test-classes:sensor/target/classes:$(cat bench/out/jmh.classpath)
exec taskset -c "${CORE:-1}" "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main SensorBenchmark "$@"
