// Mixed-transport maximum throughput on the real socket.io-client 4.8: --clients clients (default 200), a
// third on WebSocket only, a third on long-polling only, a third on long-polling that upgrades to
// WebSocket (the client's default), client i taking kind i % 3. Every client sends --events acked
// `echo`s (default 2,000), keeping --window of them in flight (default 4; closed loop: each ack sends
// the next). Before the measured batch, --warmup seconds of the same traffic (its acks not counted),
// drained before the batch starts, and every upgrading client has upgraded.
// Measured from the batch's first send to its last ack: events/s, the server's CPU per event (user and
// system) from /proc/<--server-pid>/stat, latency from each emit to its ack (p50/p99 overall and per
// kind). Appends one JSON line to --out, in the shape of the other drivers' ("opUnit": "ack").
// --agent keepalive (default): polling requests go through one keep-alive http.Agent (as a browser
// reuses its connections); --agent none: a new TCP connection per request. --duration is ignored (the
// batch is a fixed amount of work).
"use strict";
const http = require("http");
const { io } = require("socket.io-client");
const { Histogram } = require("./histogram");
const { parseArgs, cpu, round, now, sleep, costFields, latencyFields, writeResult, writeFailure } = require("./measure");

const opts = parseArgs(process.argv);
const port = Number(opts.port);
const serverPid = Number(opts["server-pid"]);
const clients = Number(opts.clients || 200);
const events = Number(opts.events || 2000);
const windowSize = Number(opts.window || 4);
const warmup = Number(opts.warmup || 3);
const payload = "x".repeat(Number(opts.payload || 32));
const agentMode = opts.agent || "keepalive";
const agent = agentMode === "none" ? false : new http.Agent({ keepAlive: true });
const BATCH_TIMEOUT_S = Number(opts["batch-timeout"] || 300);
const KINDS = ["websocket", "polling", "upgrade"];

const withTimeout = (promise, seconds, what, detail = () => "") =>
  Promise.race([promise, sleep(seconds).then(() => Promise.reject(new Error(`${what}: not within ${seconds} s${detail()}`)))]);
// Which clients still wait for acks, by kind and current transport (for a batch that did not finish).
const waiting = (all) => () => {
  const counts = {};
  for (const c of all.filter((x) => x.inFlight > 0)) {
    const key = `${c.kind}/${c.socket.io.engine ? c.socket.io.engine.transport.name : "none"}`;
    counts[key] = (counts[key] || 0) + 1;
  }
  return `; clients waiting for acks: ${JSON.stringify(counts)}`;
};

const histogram = new Histogram();
const byKind = Object.fromEntries(KINDS.map((k) => [k, new Histogram()]));
let running = true;
let closed = 0;

// The transport error under a disconnect: engine.io-client nests the XHR's or socket's error.
function describe(details) {
  const d = details.description;
  const inner = d && (d.message || d.code || (typeof d === "object" ? d.constructor.name : String(d)));
  return [details.message, inner, details.context && details.context.statusText].filter(Boolean).join(": ");
}

function connect(index) {
  const kind = KINDS[index % 3];
  // The agent is for polling requests only: WebSocket connections are not shared.
  const options = { forceNew: true, reconnection: false, transportOptions: { polling: { agent } } };
  if (kind === "websocket") options.transports = ["websocket"];
  if (kind === "polling") Object.assign(options, { transports: ["polling"], upgrade: false });
  if (kind === "upgrade") options.transports = ["polling", "websocket"];
  return new Promise((resolve, reject) => {
    const socket = io(`http://127.0.0.1:${port}`, options);
    const client = { socket, kind, sent: 0, acked: 0, inFlight: 0, target: 0, done: null, upgraded: null };
    if (kind === "upgrade") {
      client.upgraded = new Promise((ok) => socket.io.on("open", () => {
        socket.io.engine.once("upgrade", () => ok((client.isUpgraded = true)));
        socket.io.engine.on("upgradeError", (e) => (client.upgradeError = describe(e)));
      }));
    }
    socket.once("connect", () => resolve(client));
    socket.once("connect_error", (e) => reject(new Error(`${kind} client: connect_error: ${describe(e)}`)));
    setTimeout(() => reject(new Error(`${kind} client: no CONNECT within 30 s`)), 30000).unref();
    socket.on("disconnect", (reason, details) => {
      if (running) {
        closed++;
        const why = details ? ` (${describe(details)})` : "";
        if (client.done) client.done.reject(new Error(`${kind} client disconnected: ${reason}${why}`));
      }
    });
  });
}

// Sends until `target` events are acked (the measured batch), or while `running` (warm-up).
function pump(client, record) {
  while (client.inFlight < windowSize && (client.target ? client.sent < client.target : running)) {
    client.sent++;
    client.inFlight++;
    const sent = now();
    client.socket.emit("echo", payload, () => {
      client.inFlight--;
      client.acked++;
      if (record) {
        const t = now() - sent;
        histogram.record(t);
        byKind[client.kind].record(t);
      }
      if (client.target ? client.acked === client.target : !running && client.inFlight === 0) {
        client.done.resolve();
      } else {
        pump(client, record);
      }
    });
  }
}

function phase(all, target, record) {
  return Promise.all(all.map((c) => new Promise((resolve, reject) => {
    Object.assign(c, { sent: 0, acked: 0, target, done: { resolve, reject } });
    pump(c, record);
  })));
}

async function main() {
  const all = [];
  for (let i = 0; i < clients; i++) all.push(await connect(i));
  const upgrading = all.filter((c) => c.upgraded);
  await withTimeout(Promise.all(upgrading.map((c) => c.upgraded)), 30, "upgrade", () => {
    const left = upgrading.filter((c) => !c.isUpgraded);
    const error = left.map((c) => c.upgradeError).find(Boolean);
    return `; ${left.length} of ${upgrading.length} still on polling${error ? `, e.g. upgrade error: ${error}` : ""}`;
  });
  // Warm-up: the same traffic for --warmup seconds, then drained.
  const warm = phase(all, 0, false);
  await sleep(warmup);
  running = false;
  await withTimeout(warm, 60, "warm-up drain", waiting(all));
  running = true;
  histogram.reset();
  KINDS.forEach((k) => byKind[k].reset());
  const s0 = cpu(serverPid);
  const d0 = cpu(process.pid);
  const t0 = now();
  await withTimeout(phase(all, events, true), BATCH_TIMEOUT_S, "batch", waiting(all));
  const t1 = now();
  const s1 = cpu(serverPid);
  const d1 = cpu(process.pid);
  running = false;
  const ops = clients * events;
  const seconds = (t1 - t0) / 1e9;
  const transports = {};
  for (const k of KINDS) {
    transports[k] = {
      clients: all.filter((c) => c.kind === k).length,
      p50Us: round(byKind[k].percentile(0.5) / 1000, 1),
      p99Us: round(byKind[k].percentile(0.99) / 1000, 1),
      stillWebSocket: all.filter((c) => c.kind === k && c.socket.io.engine.transport.name === "websocket").length,
    };
  }
  const result = {
    time: new Date().toISOString(),
    peer: opts.peer || "unknown",
    scenario: opts.label || "mixed",
    driverScenario: "mixed",
    rep: Number(opts.rep || 0),
    clients,
    rate: 0,
    payload: payload.length,
    transport: "mixed",
    agent: agentMode,
    eventsPerClient: events,
    window: windowSize,
    ...costFields(s0, s1, d0, d1, seconds, ops),
    ...latencyFields(histogram),
    byTransport: transports,
    closedWhileRunning: closed,
    opUnit: "ack",
  };
  writeResult(opts, result);
  all.forEach((c) => c.socket.close());
  process.exit(0);
}

main().catch((e) => writeFailure(opts, "mixed", "mixed", e));
