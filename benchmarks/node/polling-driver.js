// Long-polling echo driver on a real socket.io-client (polling only, no upgrade), one of three generations
// (--client): v4 (default) socket.io-client 4.8.4, Engine.IO v4; v2 socket.io-client 2.5.0, Engine.IO v3
// (EIO=3); v09 socket.io-client 0.9.16, Socket.IO 0.9 protocol 1 over xhr-polling.
// --clients clients each keep one echo with ack in flight (closed loop). After --warmup seconds it
// measures --duration seconds: acks/s, latency percentiles from a histogram, and the server's CPU
// per ack (user and system separately) from /proc/<--server-pid>/stat. Appends one JSON line to --out,
// in the same shape as the Java driver's.
// --agent keepalive (default): requests go through one keep-alive http.Agent, as a browser reuses its
// connections. --agent none: the client's Node default, a new TCP connection for every request.
// v09 cannot be given an agent: its XMLHttpRequest (the "xmlhttprequest" package) uses Node's global
// agent, which keeps connections alive since Node 19; only --agent keepalive is accepted with it.
"use strict";
const fs = require("fs");
const http = require("http");
const { execSync } = require("child_process");
const { io } = require("socket.io-client");
// Required as const bindings of this module, not of the global scope: socket.io-client 0.9.16's
// lib/util.js checks `typeof io` of the global scope while loading, and a global `io` still in its
// temporal dead zone (a top-level const in a script, e.g. `node -e`) makes that a ReferenceError.
const ioV2 = require("socket.io-client-v2");
const ioV09 = require("socket.io-client-v09");
const { Histogram } = require("./histogram");

const opts = {};
for (let i = 2; i < process.argv.length; i += 2) {
  opts[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
}
const port = Number(opts.port);
const serverPid = Number(opts["server-pid"]);
const clients = Number(opts.clients || 50);
const warmup = Number(opts.warmup || 3);
const duration = Number(opts.duration || 10);
const payload = "x".repeat(Number(opts.payload || 32));
const TICK_NS = 1e9 / Number(execSync("getconf CLK_TCK").toString().trim());

function cpu(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).trim().split(" ");
  return { user: Number(f[11]) * TICK_NS, sys: Number(f[12]) * TICK_NS };
}

const round = (v, d) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : 0);
const now = () => Number(process.hrtime.bigint());
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));

const histogram = new Histogram();
let recording = false;
let running = true;
let ops = 0;
let closed = 0;
const agentMode = opts.agent || "keepalive";
const agent = agentMode === "none" ? false : new http.Agent({ keepAlive: true });
const client = opts.client || "v4";
if (!["v4", "v2", "v09"].includes(client)) throw new Error(`--client ${client}: v4, v2 or v09`);
if (client === "v09" && agentMode !== "keepalive") throw new Error("--client v09 takes only --agent keepalive");

function open(url) {
  switch (client) {
    case "v2":
      return ioV2(url, { transports: ["polling"], upgrade: false, forceNew: true, reconnection: false, agent });
    case "v09":
      // In Node the transports option is merged into the module's shared list instead of replacing
      // it: set the list itself.
      ioV09.transports = ["xhr-polling"];
      return ioV09.connect(url, { "force new connection": true, reconnect: false, transports: ["xhr-polling"] });
    default:
      return io(url, { transports: ["polling"], upgrade: false, forceNew: true, reconnection: false, agent });
  }
}

function connect() {
  return new Promise((resolve, reject) => {
    const socket = open(`http://127.0.0.1:${port}`);
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject); // v4, v2
    socket.once("connect_failed", () => reject(new Error("connect_failed"))); // v09
    socket.once("error", (e) => reject(new Error(`error: ${e}`)));
    setTimeout(() => reject(new Error("no CONNECT within 10 s")), 10000).unref();
    socket.on("disconnect", () => {
      if (running) closed++;
    });
  });
}

function loop(socket) {
  const sent = now();
  socket.emit("echo", payload, () => {
    if (recording) {
      histogram.record(now() - sent);
      ops++;
    }
    if (running) loop(socket);
  });
}

async function main() {
  const sockets = [];
  for (let i = 0; i < clients; i++) sockets.push(await connect());
  sockets.forEach(loop);
  await sleep(warmup);
  const s0 = cpu(serverPid);
  const d0 = cpu(process.pid);
  const t0 = now();
  histogram.reset();
  ops = 0;
  recording = true;
  await sleep(duration);
  recording = false;
  const t1 = now();
  const s1 = cpu(serverPid);
  const d1 = cpu(process.pid);
  running = false;
  const seconds = (t1 - t0) / 1e9;
  const perOp = ops === 0 ? 0 : 1 / ops / 1000;
  const serverTotal = s1.user - s0.user + (s1.sys - s0.sys);
  const result = {
    time: new Date().toISOString(),
    peer: opts.peer || "unknown",
    scenario: opts.label || "echo-polling",
    driverScenario: "echo-polling",
    rep: Number(opts.rep || 0),
    clients,
    rate: 0,
    payload: payload.length,
    transport: client === "v09" ? "xhr-polling" : "polling",
    protocol: client,
    agent: agentMode,
    ops,
    seconds: round(seconds, 3),
    opsPerSec: round(ops / seconds, 1),
    serverUserUsPerOp: round((s1.user - s0.user) * perOp, 3),
    serverSysUsPerOp: round((s1.sys - s0.sys) * perOp, 3),
    serverCpuUsPerOp: round(serverTotal * perOp, 3),
    serverCpuPct: round((100 * serverTotal) / (seconds * 1e9), 1),
    driverCpuPct: round((100 * (d1.user - d0.user + d1.sys - d0.sys)) / (seconds * 1e9), 1),
    latCount: histogram.total,
    latMeanUs: round(histogram.mean() / 1000, 1),
    latP50Us: round(histogram.percentile(0.5) / 1000, 1),
    latP99Us: round(histogram.percentile(0.99) / 1000, 1),
    latP999Us: round(histogram.percentile(0.999) / 1000, 1),
    latMaxUs: round(histogram.max / 1000, 1),
    closedWhileRunning: closed,
    opUnit: "ack",
  };
  const line = JSON.stringify(result);
  console.log(line);
  if (opts.out) fs.appendFileSync(opts.out, line + "\n");
  sockets.forEach((s) => s.disconnect());
  process.exit(0);
}

main().catch((e) => {
  const line = JSON.stringify({
    time: new Date().toISOString(),
    peer: opts.peer || "unknown",
    scenario: opts.label || "echo-polling",
    rep: Number(opts.rep || 0),
    transport: "polling",
    failed: String(e && e.message ? e.message : e),
  });
  console.log(line);
  if (opts.out) fs.appendFileSync(opts.out, line + "\n");
  process.exit(1);
});
