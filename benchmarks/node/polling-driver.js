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
const http = require("http");
const { io } = require("socket.io-client");
// Required as const bindings of this module, not of the global scope: socket.io-client 0.9.16's
// lib/util.js checks `typeof io` of the global scope while loading, and a global `io` still in its
// temporal dead zone (a top-level const in a script, e.g. `node -e`) makes that a ReferenceError.
const ioV2 = require("socket.io-client-v2");
const ioV09 = require("socket.io-client-v09");
const { Histogram } = require("./histogram");
const { parseArgs, cpu, round, now, sleep, costFields, latencyFields, writeResult, writeFailure } = require("./measure");

const opts = parseArgs(process.argv);
const port = Number(opts.port);
const serverPid = Number(opts["server-pid"]);
const clients = Number(opts.clients || 50);
const warmup = Number(opts.warmup || 3);
const duration = Number(opts.duration || 10);
const payload = "x".repeat(Number(opts.payload || 32));


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
    ...costFields(s0, s1, d0, d1, seconds, ops),
    ...latencyFields(histogram),
    closedWhileRunning: closed,
    opUnit: "ack",
  };
  writeResult(opts, result);
  sockets.forEach((s) => s.disconnect());
  process.exit(0);
}

main().catch((e) => writeFailure(opts, "echo-polling", "polling", e));
