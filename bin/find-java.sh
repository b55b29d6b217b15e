# Sourced by ./heartguard and bin/test: sets JAVA_HOME to a JDK >= 21, or explains what is missing.
# Order: $JAVA_HOME if it is new enough, then the newest JDK under /usr/lib/jvm, then `java` on the PATH.

java_feature() { # prints the feature release of a java binary (17, 21, 25...), or nothing
  local home release
  home=$(dirname "$(dirname "$(readlink -f "$1")")")
  release="$home/release"
  if [ -f "$release" ]; then   # instant, where starting a JVM to ask would cost a third of a second
    sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$release" | head -n 1
  else
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
  fi
}

heartguard_find_java() {
  local candidate best="" best_feature=0 feature
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    feature=$(java_feature "$JAVA_HOME/bin/java")
    if [ "${feature:-0}" -ge 21 ]; then
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*/bin/javac "$(command -v javac 2>/dev/null)"; do
    [ -x "$candidate" ] || continue
    candidate=$(readlink -f "$(dirname "$candidate")/..")
    feature=$(java_feature "$candidate/bin/java")
    if [ "${feature:-0}" -gt "$best_feature" ]; then
      best="$candidate"; best_feature="$feature"
    fi
  done
  if [ "$best_feature" -ge 21 ]; then
    export JAVA_HOME="$best"
    return 0
  fi
  echo "heartguard: needs a JDK 21 or newer (found ${best_feature:-none}${best:+ at $best})." >&2
  echo "  Install one (Debian: apt-get install openjdk-21-jdk-headless, or Temurin 25) and/or set JAVA_HOME to it." >&2
  return 1
}
