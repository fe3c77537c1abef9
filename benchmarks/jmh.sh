#!/usr/bin/env bash
# Runs the JMH benchmarks (codecs, in-memory broadcast fan-out) pinned to one core.
#
#   benchmarks/jmh.sh [--no-build] [JMH options...]     e.g. benchmarks/jmh.sh SocketCodecBenchmark -p size=1024
#
# Defaults: 1 fork, 2 warm-up and 3 measured iterations of 1 s each, results as JSON in
# benchmarks/results/jmh-<date>.json. Set JMH_CPU to choose the core (default 1).
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
if [[ ${1:-} == --no-build ]]; then
  shift
else
  (cd "$ROOT" && mvn -q -B package -Dmaven.test.skip=true -pl benchmarks/harness -am)
fi
mkdir -p "$BENCH/results"
OUT=$BENCH/results/jmh-$(date -u +%Y%m%dT%H%M%SZ).json
# One CPU in the affinity mask: name the collector, or the JVM picks SerialGC.
exec taskset -c "${JMH_CPU:-1}" java -XX:+UseG1GC -cp "$BENCH/harness/target/classes:$BENCH/harness/target/lib/*" \
  org.openjdk.jmh.Main -f 1 -wi 2 -i 3 -w 1 -r 1 -jvmArgs "-XX:+UseG1GC" -rf json -rff "$OUT" "$@"
