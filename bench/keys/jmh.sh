#!/usr/bin/env bash
# JMH: the key search's throughput over 16 MiB of heap-like and of random memory (FactorSearchBenchmark), pinned to
# one core. Usage: bench/keys/jmh.sh [JMH options]. Builds the benchmark with its sibling modules in one reactor
# (nothing installed in ~/.m2); fetches JMH and Maven's dependency plugin from Maven Central on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
bench_tools "apt-get install maven util-linux" mvn taskset
bench_java
mkdir -p bench/out
mvn -q -B -Pjmh -pl keys -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/bench/out/jmh-keys.classpath" >bench/out/jmh-keys-build.log 2>&1 \
  || bench_fail "cannot build the benchmark; see bench/out/jmh-keys-build.log"
CP=keys/target/test-classes:keys/target/classes:$(cat bench/out/jmh-keys.classpath)
exec taskset -c "${CORE:-1}" "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main FactorSearchBenchmark "$@"
