#!/usr/bin/env bash
# The soak: real 4.x, 2.x and 0.9 clients churning over every transport against one Windsock server
# (benchmarks/harness SoakServer), then a check that the server is back to what it held before:
# sessions, sockets, connection instances, threads, descriptors, heap after a collection, direct memory.
#
#   benchmarks/soak.sh [--minutes 10] [--clients 120] [--warmup 60] [--no-build] [--out DIR]
#                      [--redis redis://127.0.0.1:6379 [--sharded | --streams]]
#
# With --redis, two nodes on the Redis adapter (ports PORT and PORT+1; --sharded: the sharded adapter;
# --streams: the streams adapter, whose nodes keep the recovery sessions and events in Redis), each client
# on one of them; the measure also counts the cluster's channels at Redis.
# JAVA=/path/to/bin/java runs the server on another JDK (21 and later: handlers on virtual threads).
# Needs the harness built (done here unless --no-build) and benchmarks/node's packages (npm ci).
# Writes DIR/samples.jsonl (the server's stats during the churn), DIR/summary.jsonl, DIR/server-PORT.log;
# exit code 1 if a client saw a failure or the server did not come back to its baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=10 CLIENTS=120 WARMUP=60 BUILD=1 REDIS= SHARDED= OUT=benchmarks/results/soak-$(date -u +%Y-%m-%d-%H%M) PORT=${PORT:-8010}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --redis) REDIS=$2; shift 2 ;;
    --sharded) SHARDED=--sharded; shift ;;
    --streams) SHARDED=--streams; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ $BUILD == 1 ]]; then
  mvn -q -B package -Dmaven.test.skip=true -Dnpm.skip=true -pl benchmarks/harness -am
fi
mkdir -p "$OUT"
HARNESS=benchmarks/harness/target
PORTS=$PORT NODES=("$PORT") CLUSTER=() SERVERS=()
if [[ -n $REDIS ]]; then
  KEY=soak-$$-$RANDOM
  PORTS="$PORT,$((PORT + 1))" NODES=("$PORT" "$((PORT + 1))") CLUSTER=(--redis "$REDIS" --key "$KEY")
fi
trap 'kill "${SERVERS[@]}" 2>/dev/null || true' EXIT
for port in "${NODES[@]}"; do
  "${JAVA:-java}" ${SERVER_JAVA_OPTS:--XX:+UseG1GC -Xmx1g} -cp "$HARNESS/classes:$HARNESS/lib/*" \
    io.windsock.benchmarks.soak.SoakServer "$port" "${CLUSTER[@]}" $SHARDED >"$OUT/server-$port.log" 2>&1 &
  SERVERS+=($!)
  for _ in $(seq 1 100); do
    grep -q "soak server listening" "$OUT/server-$port.log" && break
    sleep 0.2
  done
done
DRIVER=(node benchmarks/node/soak-driver.js --ports "$PORTS" --clients "$CLIENTS" "${CLUSTER[@]}")
TMP=$(mktemp -d)
{
  echo "machine: $(nproc) vCPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)"
  echo "java: $("${JAVA:-java}" -version 2>&1 | head -1); node: $(node --version); commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "soak: $MINUTES min, $CLIENTS clients at a time, warm-up $WARMUP s${REDIS:+, two nodes on the Redis adapter ${SHARDED:+($SHARDED) }at $REDIS}; started $(date -u +%FT%TZ)"
} | tee "$OUT/machine.txt"
"${DRIVER[@]}" --phase churn --seconds "$WARMUP" --sample 3600 >/dev/null
"${DRIVER[@]}" --phase measure --save "$TMP/baseline.json" | tee -a "$OUT/samples.jsonl"
"${DRIVER[@]}" --phase churn --seconds "$(awk "BEGIN { print int($MINUTES * 60) }")" --sample 30 --state "$TMP/state.json" | tee -a "$OUT/samples.jsonl"
set +e
"${DRIVER[@]}" --phase measure --baseline "$TMP/baseline.json" --state "$TMP/state.json" --out "$OUT/summary.jsonl" \
  | tail -1 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const x=JSON.parse(s);
    const keys=["engineSessions","sockets","threads","fds","heapUsedMB","nettyDirectMB","jdkDirectMB","queuedEvents"];
    x.end.nodes.forEach((n, i) => { for (const k of keys) console.log(`node ${i} ${k.padEnd(16)} ${String(x.baseline.nodes[i][k]).padStart(8)} -> ${n[k]}`); });
    if (x.end.redisChannels !== null) console.log(`Redis channels ${x.baseline.redisChannels} -> ${x.end.redisChannels}`);
    console.log("lives:", Object.entries(x.counts).filter(([k])=>k.startsWith("lives.")).reduce((a,[,v])=>a+v,0),
      "ends:", JSON.stringify(Object.fromEntries(Object.entries(x.counts).filter(([k])=>k.startsWith("ends.")))));
    console.log("failures:", x.counts.failures||0, x.failures.slice(0,10));
    console.log("problems:", x.problems.length ? x.problems : "none");})'
RC=${PIPESTATUS[0]}
cat "$OUT"/server-*.log | grep -v '^\s*at ' | grep -E 'WARN|ERROR' | sort | uniq -c | sort -rn | head -20 || true
rm -rf "$TMP"
exit "$RC"
