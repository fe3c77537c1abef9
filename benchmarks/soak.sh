#!/usr/bin/env bash
# The soak: real 4.x, 2.x and 0.9 clients churning over every transport against one Windsock server
# (benchmarks/harness SoakServer), then a check that the server is back to what it held before:
# sessions, sockets, connection instances, threads, descriptors, heap after a collection, direct memory.
#
#   benchmarks/soak.sh [--minutes 10] [--clients 120] [--warmup 60] [--no-build] [--out DIR]
#
# JAVA=/path/to/bin/java runs the server on another JDK (21 and later: handlers on virtual threads).
# Needs the harness built (done here unless --no-build) and benchmarks/node's packages (npm ci).
# Writes DIR/samples.jsonl (the server's stats during the churn), DIR/summary.jsonl, DIR/server.log;
# exit code 1 if a client saw a failure or the server did not come back to its baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=10 CLIENTS=120 WARMUP=60 BUILD=1 OUT=benchmarks/results/soak-$(date -u +%Y-%m-%d-%H%M) PORT=${PORT:-8010}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ $BUILD == 1 ]]; then
  mvn -q -B package -Dmaven.test.skip=true -Dnpm.skip=true -pl benchmarks/harness -am
fi
mkdir -p "$OUT"
HARNESS=benchmarks/harness/target
"${JAVA:-java}" ${SERVER_JAVA_OPTS:--XX:+UseG1GC -Xmx1g} -cp "$HARNESS/classes:$HARNESS/lib/*" \
  io.windsock.benchmarks.soak.SoakServer "$PORT" >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "soak server listening" "$OUT/server.log" && break
  sleep 0.2
done
DRIVER=(node benchmarks/node/soak-driver.js --port "$PORT" --clients "$CLIENTS")
TMP=$(mktemp -d)
{
  echo "machine: $(nproc) vCPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)"
  echo "java: $("${JAVA:-java}" -version 2>&1 | head -1); node: $(node --version); commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "soak: $MINUTES min, $CLIENTS clients at a time, warm-up $WARMUP s; started $(date -u +%FT%TZ)"
} | tee "$OUT/machine.txt"
"${DRIVER[@]}" --phase churn --seconds "$WARMUP" --sample 3600 >/dev/null
"${DRIVER[@]}" --phase measure --save "$TMP/baseline.json" | tee -a "$OUT/samples.jsonl"
"${DRIVER[@]}" --phase churn --seconds $((MINUTES * 60)) --sample 30 --state "$TMP/state.json" | tee -a "$OUT/samples.jsonl"
set +e
"${DRIVER[@]}" --phase measure --baseline "$TMP/baseline.json" --state "$TMP/state.json" --out "$OUT/summary.jsonl" \
  | tail -1 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const x=JSON.parse(s);
    const keys=["engineSessions","sockets","threads","fds","heapUsedMB","nettyDirectMB","jdkDirectMB","queuedEvents"];
    for (const k of keys) console.log(`${k.padEnd(16)} ${String(x.baseline[k]).padStart(8)} -> ${x.end[k]}`);
    console.log("lives:", Object.entries(x.counts).filter(([k])=>k.startsWith("lives.")).reduce((a,[,v])=>a+v,0),
      "ends:", JSON.stringify(Object.fromEntries(Object.entries(x.counts).filter(([k])=>k.startsWith("ends.")))));
    console.log("failures:", x.counts.failures||0, x.failures.slice(0,10));
    console.log("problems:", x.problems.length ? x.problems : "none");})'
RC=${PIPESTATUS[0]}
grep -v '^\s*at ' "$OUT/server.log" | grep -E 'WARN|ERROR' | sort | uniq -c | sort -rn | head -20 || true
rm -rf "$TMP"
exit "$RC"
