// Long-polling echo driver on the real socket.io-client 4.8 (transports: ["polling"], no upgrade):
// --clients clients each keep one echo with ack in flight (closed loop). After --warmup seconds it
// measures --duration seconds: acks/s, latency percentiles from a histogram, and the server's CPU
// per ack (user and system separately) from /proc/<--server-pid>/stat. Appends one JSON line to --out,
// in the same shape as the Java driver's.
// --agent keepalive (default): requests go through one keep-alive http.Agent, as a browser reuses its
// connections. --agent none: the client's Node default, a new TCP connection for every request.
"use strict";
const fs = require("fs");
const http = require("http");
const { execSync } = require("child_process");
const { io } = require("socket.io-client");
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

function connect() {
  return new Promise((resolve, reject) => {
    const socket = io(`http://127.0.0.1:${port}`, {
      transports: ["polling"],
      upgrade: false,
      forceNew: true,
      reconnection: false,
      agent,
    });
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
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
    transport: "polling",
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
  sockets.forEach((s) => s.close());
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
