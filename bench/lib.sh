# Sourced by every bench script: what a bench needs before it measures, each missing piece said in one line on
# stderr with exit 2, and any later failure named with its line instead of a silent exit.
# Benches run from the jar that ./heartguard builds (the README's first command), so they need neither `mvn install`
# of the sibling modules nor Maven plugins that an offline build cannot fetch.
bench_root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
bench_name=${0#"$bench_root/"}
trap 'echo "$bench_name: stopped at line $LINENO, exit $?: $BASH_COMMAND" >&2' ERR

bench_fail() { # message...
  echo "$bench_name: $*" >&2
  exit 2
}

# Sets JAVA_HOME (a JDK >= 21, as ./heartguard finds one) and JAVA.
bench_java() {
  # shellcheck source=../bin/find-java.sh
  . "$bench_root/bin/find-java.sh"
  heartguard_find_java 2>/dev/null || bench_fail "needs a JDK 21 or newer; install one or set JAVA_HOME"
  JAVA="$JAVA_HOME/bin/java"
}

# Sets HEARTGUARD_JAR: cli/target/heartguard.jar, every module and its dependencies, built by ./heartguard when it is
# missing or older than the sources (the start-up cache is trained then too, outside any timing).
bench_jar() {
  bench_java
  "$bench_root/heartguard" --version >/dev/null \
    || bench_fail "cannot build heartguard with ./heartguard; see cli/target.build.log"
  HEARTGUARD_JAR="$bench_root/cli/target/heartguard.jar"
}

# Each named tool must be on the PATH; the hint says how to get the missing one.
bench_tools() { # hint tool...
  local hint=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || bench_fail "$tool is missing ($hint)"
  done
}
