#!/usr/bin/env bash
# Runs every benchmark scenario against every peer and writes results, medians, tables and a chart.
#
#   benchmarks/run.sh [--reps 3] [--warmup 4] [--duration 8] [--scenarios "s1-echo-closed ..."]
#                     [--peers "windsock node-socketio ..."] [--out DIR] [--no-build] [--quick]
#                     [--wait-quiet MINUTES] [--jfr] [--perf-stat] [--settle-max N | --no-settle]
#
# s7-cluster-fanout runs two servers of one peer joined through Redis ($REDIS_URI, default
# redis://127.0.0.1:6379; a fresh channel prefix per run), both pinned to core $SERVER_CPU; server
# CPU is the sum of both, Redis's CPU is reported apart. Peers: windsock and node-socketio only.
# s7s-cluster-fanout-streams (not in the default list): the same through the streams adapters (Windsock's
# RedisAdapterFactory...streams(), Node's @socket.io/redis-streams-adapter 0.3.1), one fresh stream per run.
#
# Not in the default list (run them with --scenarios):
#   s6-echo-{v4,v3,v09}-ws   echo with ack at a fixed 10,000/s, 100 raw WebSocket clients of one generation
#                            (Driver --protocol); s6-polling-{v4,v3,v09}: the s5 closed loop with
#                            socket.io-client 4.8.4, 2.5.0 or 0.9.16 (xhr-polling). Peers: windsock and
#                            node-socketio (allowEIO3), windsock alone for v09 (started with --protocol1).
#   s8-mixed-200             200 socket.io-client 4.8.4 clients, a third each on WebSocket, polling and
#                            polling-then-upgrade, 2,000 acked echoes each, 4 in flight per client
#                            (node/mixed-driver.js), polling through one keep-alive agent. Peers: windsock,
#                            node-socketio (netty-socketio 2.0.14 never answers a keep-alive polling
#                            client's CONNECT, as in s5). s8b-mixed-200-newconn: the same with a new
#                            connection per polling request; netty-socketio too.
#   s1m-echo-closed-msgpack, s2m-echo-20k-msgpack
#                            s1 and s2 with socket.io-msgpack-parser's packets (Driver --protocol v4m, the
#                            servers started with --msgpack). Peers: windsock, windsock-inline, node-socketio.
#   s8j-mixed-200            the workload of s8-mixed-200 from the Java driver (Driver --scenario mixed): raw
#                            Engine.IO v4 clients on one Netty event loop, each polling client with two
#                            keep-alive connections of its own (GETs, POSTs), so the driver is not the limit.
#                            Peers: as s8-mixed-200.
#
# s9-footprint-100: a fresh server's threads (never settled: its threads at start are those of a server no
# client reached), then 100 WebSocket clients echo in a closed loop, then with all of them connected and
# idle its threads, RSS and live heap (Driver --scenario footprint). Peer windsock-lean is the default
# Windsock with the JVM flags of a small deployment, $LEAN_JAVA_OPTS (default -XX:+UseSerialGC -Xmx64m),
# for the RSS a user who cares about memory gets; every other Java peer runs with $SERVER_JAVA_OPTS.
#
# --jfr records each Java server with JDK Flight Recorder (settings=profile) and writes a summary of
# its CPU samples by top frame next to the logs (it costs a few per cent: profile in a separate run).
# --perf-stat counts the server's system calls (all; sends; receives; epoll/io_uring waits; futex) and
# context switches over each measured window of s1, s2, s3 and s7 with Linux perf (root, or a low
# perf_event_paranoid), per op in the result lines (syscallsPerOp, ..., ctxSwitchesPerOp); the tracing
# costs each call a little, so take CPU ratios from runs without it.
#
# Settling: before each measured run the driver runs the same scenario against the fresh server
# (its result discarded) until the server is in its steady state: once for every peer, and again
# for a JVM while its JIT compiler threads used over 2 % of a core during the last pass (at most
# --settle-max passes, default 5). A JVM pinned to one core compiles on that core for 10 to 30 s
# of load, so a measured window that starts within seconds of the first request counts the
# compiler's work as the server's (seen: long-polling at 372 µs per ack after a 3 s warm-up, 83
# after 30 s). Each result line carries serverJitPct, the compilers' share of a core in the
# measured window. --no-settle measures a server cold, after --warmup only.
#
# Steal: on a virtual machine the hypervisor takes time from the cores for other guests. It slows
# the server and the driver without showing in their CPU time: such a run reads as a slow server
# that is not busy. Each result line carries serverStealPct, the steal time of the server's cores as
# a share of one core over the measured window; compare runs with little of it.
#
# Each run starts a fresh server process pinned to core $SERVER_CPU (default 1) and a driver pinned
# to core $DRIVER_CPU (default 0); peers are interleaved (their order rotates every repetition);
# compression is off everywhere. Results: DIR/results.jsonl (one line per run), DIR/summary.{csv,json,md},
# DIR/chart.svg, DIR/machine.txt, DIR/logs/. See docs/benchmarks.md.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
SERVER_CPU=${SERVER_CPU:-1}
DRIVER_CPU=${DRIVER_CPU:-0}
# The JVM sees the affinity mask (one CPU), so it would pick SerialGC: name the collector.
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--XX:+UseG1GC -Xmx1g}
DRIVER_JAVA_OPTS=${DRIVER_JAVA_OPTS:--XX:+UseParallelGC -Xmx1g}
# The windsock-lean peer: what a user who cares about memory would set (scenario s9).
LEAN_JAVA_OPTS=${LEAN_JAVA_OPTS:--XX:+UseSerialGC -Xmx64m}
# A negative NICE (as root) keeps concurrent builds on the machine from taking the pinned cores.
NICE=${NICE:-0}
REDIS_URI=${REDIS_URI:-redis://127.0.0.1:6379}
# With autogroup scheduling (the default on desktop and many server kernels) Linux shares the CPU
# fairly between sessions whatever their processes' nice values, so a negative NICE alone does not
# help against another session's build: run in a session of our own and give it the same nice.
if [[ $NICE -lt 0 && -z ${BENCH_OWN_SESSION:-} && -e /proc/self/autogroup ]]; then
  BENCH_OWN_SESSION=1 exec setsid --wait "$0" "$@"
fi
if [[ $NICE -lt 0 && -w /proc/self/autogroup ]]; then
  echo "$NICE" >/proc/self/autogroup 2>/dev/null || true
fi

REPS=3
WARMUP=4
DURATION=8
BUILD=1
WAIT_QUIET=0
JFR=0
PERF_STAT=false
SETTLE_MAX=5
OUT=""
SCENARIOS="s1-echo-closed s2-echo-20k s3-fanout-1k s3-fanout-10k s4-storm-10k s5-polling-echo s5b-polling-newconn s7-cluster-fanout s9-footprint-100"
PEERS="windsock windsock-inline node-socketio netty-socketio netty-echo"
STORM_CLIENTS=10000
FANOUT_BIG=10000
CLUSTER_CLIENTS=1000
CLUSTER_RATE=${CLUSTER_RATE:-25000}
S6_RATE=${S6_RATE:-10000}
MIXED_CLIENTS=200
MIXED_EVENTS=2000

while [[ $# -gt 0 ]]; do
  case $1 in
    --reps) REPS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --settle-max) SETTLE_MAX=$2; shift 2 ;;
    --no-settle) SETTLE_MAX=0; shift ;;
    --duration) DURATION=$2; shift 2 ;;
    --scenarios) SCENARIOS=$2; shift 2 ;;
    --peers) PEERS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --wait-quiet) WAIT_QUIET=$2; shift 2 ;;
    --jfr) JFR=1; shift ;;
    --perf-stat) PERF_STAT=true; shift ;;
    --quick) REPS=1; WARMUP=2; DURATION=3; STORM_CLIENTS=2000; FANOUT_BIG=2000; MIXED_EVENTS=200; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

OUT=${OUT:-$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT/logs"
RESULTS=$OUT/results.jsonl
HARNESS=$BENCH/harness/target
NSIO=$BENCH/netty-socketio-peer/target
HCP="$HARNESS/classes:$HARNESS/lib/*"
NCP="$NSIO/classes:$NSIO/lib/*"

if [[ $BUILD == 1 ]]; then
  echo "building..."
  (cd "$ROOT" && mvn -q -B package -Dmaven.test.skip=true -pl benchmarks/harness,benchmarks/netty-socketio-peer -am)
fi
if [[ ! -d $BENCH/node/node_modules ]]; then
  (cd "$BENCH/node" && npm ci --no-audit --no-fund --silent)
fi

# Other builds or tests on the machine skew every figure: wait for them (up to WAIT_QUIET minutes).
others() { pgrep -fa 'surefire|plexus-classworlds' | grep -v "^$$ " || true; }
if [[ $WAIT_QUIET -gt 0 ]]; then
  for ((m = 0; m < WAIT_QUIET; m++)); do
    [[ -z $(others) ]] && break
    echo "other builds are running; waiting ($m/$WAIT_QUIET min)"; sleep 60
  done
fi

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "node: $(node --version)"
  echo "socket.io: $(node -p 'require("'"$BENCH"'/node/node_modules/socket.io/package.json").version')"
  echo "socket.io-client: $(node -p 'require("'"$BENCH"'/node/node_modules/socket.io-client/package.json").version')"
  echo "server cpu: $SERVER_CPU, driver cpu: $DRIVER_CPU, nice: $NICE, $(cat /proc/self/autogroup 2>/dev/null || echo 'no autogroup')"
  echo "server JVM options: $SERVER_JAVA_OPTS"
  echo "reps: $REPS, warmup: ${WARMUP}s, duration: ${DURATION}s"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "other builds at start: $(others | wc -l)"
} | tee "$OUT/machine.txt"

peers_for() {
  case $1 in
    s1-echo-closed|s2-echo-20k) echo "$PEERS" ;;
    # Only these two speak socket.io-msgpack-parser's packets.
    s1m-*|s2m-*) echo "$PEERS" | tr ' ' '\n' | grep -xE 'windsock|windsock-inline|node-socketio' | tr '\n' ' ' ;;
    # The ceiling has no polling. netty-socketio 2.0.14 never answers the CONNECT of a client that
    # reuses its connections (keep-alive agent), so it runs only in s5b.
    s5-polling-echo) echo "$PEERS" | tr ' ' '\n' | grep -vxE 'netty-echo|netty-socketio' | tr '\n' ' ' ;;
    s5b-polling-newconn) echo "$PEERS" | tr ' ' '\n' | grep -vxE 'netty-echo|windsock-inline|windsock-nonblocking' | tr '\n' ' ' ;;
    # Only these two have a Redis adapter speaking one protocol.
    s7-cluster-fanout|s7s-cluster-fanout-streams) echo "$PEERS" | tr ' ' '\n' | grep -xE 'windsock|node-socketio' | tr '\n' ' ' ;;
    # Protocol 1 (0.9): no other peer here serves it. Engine.IO v3: Node with allowEIO3.
    s6-*-v09*) echo "$PEERS" | tr ' ' '\n' | grep -xE 'windsock' | tr '\n' ' ' ;;
    s6-*) echo "$PEERS" | tr ' ' '\n' | grep -xE 'windsock|node-socketio' | tr '\n' ' ' ;;
    s8-mixed-200|s8j-mixed-200) echo "$PEERS" | tr ' ' '\n' | grep -xE 'windsock|node-socketio' | tr '\n' ' ' ;;
    s8b-mixed-200-newconn) echo "$PEERS" | tr ' ' '\n' | grep -xE 'windsock|node-socketio|netty-socketio' | tr '\n' ' ' ;;
    # The footprint: windsock-lean beside windsock (the same server with a small deployment's JVM flags).
    s9-*) { echo "$PEERS" | tr ' ' '\n' | grep -vxE 'windsock-inline|windsock-nonblocking'
            echo "$PEERS" | tr ' ' '\n' | grep -qx windsock && echo windsock-lean; } | awk 'NF && !seen[$0]++' | tr '\n' ' ' ;;
    *) echo "$PEERS" | tr ' ' '\n' | grep -vxE 'windsock-inline|windsock-nonblocking' | tr '\n' ' ' ;;
  esac
}

SERVER_PID=""
SERVER_PID2=""
STATS=$OUT/node-stats.json
# JFR's "profile" settings with Java method sampling every 1 ms instead of 10 ms (more samples per run).
JFC=$OUT/cpu-profile.jfc
if [[ $JFR == 1 ]]; then
  JAVA_HOME_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  sed -e 's|\(method-sampling-java-interval">\)[^<]*|\11 ms|' \
    -e 's|\(method-sampling-native-interval">\)[^<]*|\110 ms|' "$JAVA_HOME_DIR/lib/jfr/profile.jfc" >"$JFC"
fi
start_peer() {
  local peer=$1 port=$2 log=$3 jfr=$4
  shift 4
  local extra=("$@") # e.g. --redis URI --key PREFIX
  local SERVER_JAVA_OPTS=$SERVER_JAVA_OPTS
  if [[ $JFR == 1 ]]; then
    SERVER_JAVA_OPTS="$SERVER_JAVA_OPTS -XX:StartFlightRecording=filename=$jfr,settings=$JFC,dumponexit=true"
  fi
  case $peer in
    windsock) nice -n "$NICE" taskset -c "$SERVER_CPU" java $SERVER_JAVA_OPTS -cp "$HCP" io.windsock.benchmarks.peers.WindsockPeer "$port" "${extra[@]}" >"$log" 2>&1 & ;;
    windsock-lean) nice -n "$NICE" taskset -c "$SERVER_CPU" java $LEAN_JAVA_OPTS -cp "$HCP" io.windsock.benchmarks.peers.WindsockPeer "$port" >"$log" 2>&1 & ;;
    windsock-inline) nice -n "$NICE" taskset -c "$SERVER_CPU" java $SERVER_JAVA_OPTS -cp "$HCP" io.windsock.benchmarks.peers.WindsockPeer "$port" --inline-handlers "${extra[@]}" >"$log" 2>&1 & ;;
    windsock-nonblocking) nice -n "$NICE" taskset -c "$SERVER_CPU" java $SERVER_JAVA_OPTS -cp "$HCP" io.windsock.benchmarks.peers.WindsockPeer "$port" --non-blocking >"$log" 2>&1 & ;;
    # Virtual threads need Java 21+: JAVA21=/path/to/bin/java when the default java is older.
    windsock-virtual) nice -n "$NICE" taskset -c "$SERVER_CPU" "${JAVA21:-java}" $SERVER_JAVA_OPTS -cp "$HCP" io.windsock.benchmarks.peers.WindsockPeer "$port" --virtual-threads >"$log" 2>&1 & ;;
    # The default Windsock on one Netty transport (see WindsockOptions.ioTransport), for A/B runs.
    # (io_uring's native library is kept apart from the others: see the harness's pom.)
    windsock-nio|windsock-epoll|windsock-io_uring) nice -n "$NICE" taskset -c "$SERVER_CPU" java $SERVER_JAVA_OPTS -cp "$HCP:$HARNESS/lib-io_uring/*" io.windsock.benchmarks.peers.WindsockPeer "$port" --transport "${peer#windsock-}" >"$log" 2>&1 & ;;
    netty-socketio) nice -n "$NICE" taskset -c "$SERVER_CPU" java $SERVER_JAVA_OPTS -cp "$NCP" io.windsock.benchmarks.peers.NettySocketIoPeer "$port" >"$log" 2>&1 & ;;
    netty-echo) nice -n "$NICE" taskset -c "$SERVER_CPU" java $SERVER_JAVA_OPTS -cp "$HCP" io.windsock.benchmarks.peers.NettyEchoPeer "$port" >"$log" 2>&1 & ;;
    node-socketio) BENCH_STATS_FILE=$STATS nice -n "$NICE" taskset -c "$SERVER_CPU" node --expose-gc "$BENCH/node/server.js" "$port" "${extra[@]}" >"$log" 2>&1 & ;;
    *) echo "unknown peer $peer" >&2; return 1 ;;
  esac
  SERVER_PID=$!
  for ((i = 0; i < 300; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "$peer died at start: $(tail -3 "$log")" >&2; return 1; }
    sleep 0.1
  done
  echo "$peer did not open port $port" >&2
  return 1
}

# The two nodes of a cluster run: the first is SERVER_PID, the second SERVER_PID2.
start_cluster() {
  local peer=$1 port=$2 log=$3 jfr=$4 key="bench-$RANDOM$RANDOM"
  shift 4
  local more=("$@") # --streams
  start_peer "$peer" "$((port + 1))" "${log%.log}.node2.log" "${jfr%.jfr}.node2.jfr" --redis "$REDIS_URI" --key "$key" \
    "${more[@]}" || return 1
  SERVER_PID2=$SERVER_PID
  start_peer "$peer" "$port" "$log" "$jfr" --redis "$REDIS_URI" --key "$key" "${more[@]}"
}

stop_peer() {
  if [[ -n $SERVER_PID2 ]]; then
    kill -TERM "$SERVER_PID2" 2>/dev/null || true
    wait "$SERVER_PID2" 2>/dev/null || true
    SERVER_PID2=""
  fi
  [[ -z $SERVER_PID ]] && return
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
trap stop_peer EXIT

run_driver() {
  local scenario=$1 peer=$2 port=$3 rep=$4
  local runtime=java
  [[ $peer == node-socketio ]] && runtime=node
  local common=(--port "$port" --server-pid "$SERVER_PID" --peer "$peer" --rep "$rep" --label "$scenario"
    --out "${DRIVER_OUT:-$RESULTS}" --warmup "$WARMUP" --duration "$DURATION" --perf-stat "$PERF_STAT")
  local java_driver=(timeout 600 nice -n "$NICE" taskset -c "$DRIVER_CPU" java $DRIVER_JAVA_OPTS -cp "$HCP" io.windsock.benchmarks.load.Driver
    --runtime "$runtime" --node-stats-file "$STATS")
  case $scenario in
    s1-echo-closed) "${java_driver[@]}" "${common[@]}" --scenario echo-closed --clients 100 ;;
    s2-echo-20k) "${java_driver[@]}" "${common[@]}" --scenario echo-rate --clients 100 --rate 20000 ;;
    s1m-echo-closed-msgpack) "${java_driver[@]}" "${common[@]}" --scenario echo-closed --clients 100 --protocol v4m ;;
    s2m-echo-20k-msgpack) "${java_driver[@]}" "${common[@]}" --scenario echo-rate --clients 100 --rate 20000 --protocol v4m ;;
    s3-fanout-1k) "${java_driver[@]}" "${common[@]}" --scenario fanout --clients 1000 --rate 50000 --concurrency 500 ;;
    s3-fanout-10k) "${java_driver[@]}" "${common[@]}" --scenario fanout --clients "$FANOUT_BIG" --rate 50000 --concurrency 500 ;;
    s9-footprint-100) "${java_driver[@]}" "${common[@]}" --scenario footprint --clients 100 ;;
    s4-storm-10k) "${java_driver[@]}" "${common[@]}" --scenario storm --clients "$STORM_CLIENTS" --concurrency 500 \
        --warmup-connections 1000 ;;
    s7-cluster-fanout|s7s-cluster-fanout-streams) "${java_driver[@]}" "${common[@]}" --server-pid "$SERVER_PID,$SERVER_PID2" --port2 "$((port + 1))" \
        --redis-pid "$(redis_pid)" --scenario fanout --clients "$CLUSTER_CLIENTS" --rate "$CLUSTER_RATE" --concurrency 500 ;;
    s5-polling-echo) timeout 600 nice -n "$NICE" taskset -c "$DRIVER_CPU" node "$BENCH/node/polling-driver.js" "${common[@]}" --clients 50 \
        --agent keepalive ;;
    s5b-polling-newconn) timeout 600 nice -n "$NICE" taskset -c "$DRIVER_CPU" node "$BENCH/node/polling-driver.js" "${common[@]}" --clients 50 \
        --agent none ;;
    s6-echo-v4-ws|s6-echo-v3-ws|s6-echo-v09-ws) "${java_driver[@]}" "${common[@]}" --scenario echo-rate --clients 100 \
        --rate "$S6_RATE" --protocol "$(echo "$scenario" | cut -d- -f3)" ;;
    s6-polling-v4|s6-polling-v3|s6-polling-v09)
      local client=${scenario#s6-polling-}
      [[ $client == v3 ]] && client=v2 # Engine.IO v3 is socket.io-client 2.x
      timeout 600 nice -n "$NICE" taskset -c "$DRIVER_CPU" node "$BENCH/node/polling-driver.js" "${common[@]}" --clients 50 \
        --agent keepalive --client "$client" ;;
    s8-mixed-200|s8b-mixed-200-newconn)
      local agent=keepalive
      [[ $scenario == s8b-* ]] && agent=none
      timeout 600 nice -n "$NICE" taskset -c "$DRIVER_CPU" node "$BENCH/node/mixed-driver.js" "${common[@]}" \
        --clients "$MIXED_CLIENTS" --events "$MIXED_EVENTS" --window 4 --agent "$agent" ;;
    s8j-mixed-200) "${java_driver[@]}" "${common[@]}" --scenario mixed --clients "$MIXED_CLIENTS" \
        --events "$MIXED_EVENTS" --window 4 ;;
    *) echo "unknown scenario $scenario" >&2; return 1 ;;
  esac
}

# CPU ticks so far of the JIT compiler threads of the running servers (0 for a server that is no JVM).
jit_ticks() {
  local total=0 t comm stat f
  for t in /proc/"$SERVER_PID"/task/* ${SERVER_PID2:+/proc/"$SERVER_PID2"/task/*}; do
    comm=$(cat "$t/comm" 2>/dev/null) || continue
    [[ $comm == "C1 CompilerThre" || $comm == "C2 CompilerThre" ]] || continue
    stat=$(cat "$t/stat" 2>/dev/null) || continue
    read -r -a f <<<"${stat##*) }"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

# Warm-up passes of the scenario against the fresh server, results discarded (see "Settling" above);
# prints how many ran.
settle() {
  local scenario=$1 peer=$2 port=$3 rep=$4 pass ticks0 ticks1 start busy hz
  hz=$(getconf CLK_TCK)
  for ((pass = 1; pass <= SETTLE_MAX; pass++)); do
    ticks0=$(jit_ticks)
    start=$(date +%s%N)
    DRIVER_OUT=/dev/null run_driver "$scenario" "$peer" "$port" "$rep" >>"$OUT/logs/$scenario-$peer-$rep.settle.log" 2>&1 || true
    # The compilers' share of one core during the pass, in per cent.
    ticks1=$(jit_ticks)
    busy=$((100 * (ticks1 - ticks0) * 1000000000 / hz / ($(date +%s%N) - start + 1)))
    if (( busy < 2 )); then break; fi
  done
  echo "$(( pass > SETTLE_MAX ? SETTLE_MAX : pass ))"
}

# The Redis server's pid, for its CPU (only when it runs on this machine; -1 otherwise).
redis_pid() {
  local host_port=${REDIS_URI#redis://}
  redis-cli -h "${host_port%:*}" -p "${host_port##*:}" info server 2>/dev/null | tr -d '\r' |
    sed -n 's/^process_id://p' | grep -E '^[0-9]+$' || echo -1
}

PORT=$((21000 + RANDOM % 2000))
start_time=$(date +%s)
for ((rep = 1; rep <= REPS; rep++)); do
  for scenario in $SCENARIOS; do
    read -r -a peers <<<"$(peers_for "$scenario")"
    n=${#peers[@]}
    for ((k = 0; k < n; k++)); do
      peer=${peers[$(((k + rep - 1) % n))]} # rotate the order every repetition
      PORT=$((PORT + 2))
      log="$OUT/logs/$scenario-$peer-$rep.log"
      jfr="$OUT/logs/$scenario-$peer-$rep.jfr"
      printf '[%4ds] rep %d %-19s %-15s others %d  ' $(($(date +%s) - start_time)) "$rep" "$scenario" "$peer" \
        "$(others | wc -l)"
      starter=start_peer
      [[ $scenario == s7* ]] && starter=start_cluster
      extra=()
      [[ $scenario == s7s-* ]] && extra=(--streams)
      [[ $scenario == s6-*-v09* ]] && extra=(--protocol1) # WindsockPeer serves protocol 1 only when asked
      [[ $scenario == s[12]m-* ]] && extra=(--msgpack)
      if ! $starter "$peer" "$PORT" "$log" "$jfr" "${extra[@]}"; then
        echo "{\"peer\":\"$peer\",\"scenario\":\"$scenario\",\"rep\":$rep,\"failed\":\"server did not start\"}" >>"$RESULTS"
        stop_peer; continue
      fi
      sleep 0.5
      if ((SETTLE_MAX > 0)) && [[ $scenario != s9-* ]]; then
        printf 'settled in %s, ' "$(settle "$scenario" "$peer" "$PORT" "$rep")"
      fi
      if ! run_driver "$scenario" "$peer" "$PORT" "$rep" >"$OUT/logs/$scenario-$peer-$rep.driver.log" 2>&1; then
        echo -n "(driver failed) "
      fi
      tail -1 "$OUT/logs/$scenario-$peer-$rep.driver.log" | cut -c1-600 | sed -E 's/.*"opsPerSec":([0-9.]+).*"serverCpuUsPerOp":([0-9.]+).*"serverStealPct":([0-9.]+).*"driverCpuPct":([0-9.]+).*/ops\/s \1, server µs\/op \2, driver cpu \4%, steal \3%/'
      stop_peer
      if [[ -f $jfr ]]; then
        java -cp "$HCP" io.windsock.benchmarks.report.JfrTop "$jfr" >"${jfr%.jfr}.profile.txt" 2>&1 || true
      fi
      sleep 1
    done
  done
done
echo "other builds at end: $(others | wc -l)" | tee -a "$OUT/machine.txt"
echo "total: $(($(date +%s) - start_time)) s" | tee -a "$OUT/machine.txt"

java -cp "$HCP" io.windsock.benchmarks.report.Report "$RESULTS" "$OUT" >/dev/null
echo "results: $OUT (summary.md, summary.csv, summary.json, chart.svg)"
