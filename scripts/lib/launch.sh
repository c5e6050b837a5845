# shellcheck shell=bash
# Sourced by the Java launchers in scripts/ (experiment, sweep, bench-*): one way to print a
# script's usage, to find or make a build, and to start a main class on a module's classpath.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# On -h/--help, prints the calling script's header comment from line 2 to LAST and exits 0.
usage_from_header() {
  local last=$1
  shift
  if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    sed -n "2,${last}p" "$0" | sed 's/^# \{0,1\}//'
    exit 0
  fi
}

# Builds the whole project (every module, so each classpath.txt names the others' target/
# directories, not a stale jar) when MODULE has no build yet.
ensure_build() {
  local module="$root/modules/$1"
  if [[ ! -f "$module/target/classpath.txt" || ! -d "$module/target/classes" ]]; then
    echo "no build found: running mvn -B -q -DskipTests install (a minute or two the first time)" >&2
    (cd "$root" && mvn -B -q -DskipTests install)
  fi
}

# exec java with MODULE's classes and runtime classpath: run_main MODULE MAIN JVM-OPTION... -- ARG...
run_main() {
  local name=$1 main=$2
  local module="$root/modules/$name"
  shift 2
  local jvm=()
  while (($#)) && [[ "$1" != "--" ]]; do jvm+=("$1"); shift; done
  (($#)) && shift
  ensure_build "$name"
  exec java "${jvm[@]}" -cp "$module/target/classes:$(cat "$module/target/classpath.txt")" "$main" "$@"
}

# exec java on a main class of timeline-core's test tree (the in-JVM benchmarks), after packaging
# the core (package, not install: the classes are used from target/, and ~/.m2 stays untouched).
run_core_test_main() {
  local main=$1
  shift
  local module="$root/modules/timeline-core" cp_file="$root/modules/timeline-core/target/bench.classpath"
  cd "$root"
  (mvn -q -B package -DskipTests -pl modules/timeline-core -am &&
    mvn -q -B -pl modules/timeline-core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath)
  # shellcheck disable=SC2086
  exec java -Xmx8g -Xss32m -XX:+UseParallelGC ${BENCH_JAVA_OPTS:-} \
    -cp "$module/target/test-classes:$module/target/classes:$(cat "$cp_file")" "$main" "$@"
}
