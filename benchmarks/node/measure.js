// What the Node drivers share: options, the server's CPU from /proc, the figures every result line carries
// (in the shape of the Java driver's), and writing the line.
"use strict";
const fs = require("fs");
const { execSync } = require("child_process");

const TICK_NS = 1e9 / Number(execSync("getconf CLK_TCK").toString().trim());

/** @return the options `--name value ...` of the command line, by name */
function parseArgs(argv) {
  const opts = {};
  for (let i = 2; i < argv.length; i += 2) {
    opts[argv[i].replace(/^--/, "")] = argv[i + 1];
  }
  return opts;
}

/** @return fields 14 and 15 (utime, stime) of a stat line, in ticks; the name (field 2) may hold spaces */
function statTicks(stat) {
  const f = stat.slice(stat.lastIndexOf(")") + 2).trim().split(" ");
  return Number(f[11]) + Number(f[12]);
}

/** @return the cores a process may run on (Cpus_allowed_list: "1", "0-3", "0,2-3"), as a Set of numbers */
function allowedCores(pid) {
  const cores = new Set();
  const line = fs.readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("Cpus_allowed_list:"));
  for (const range of (line ? line.slice(line.indexOf(":") + 1).trim() : "").split(",").filter(Boolean)) {
    const [first, last] = range.split("-").map(Number);
    for (let c = first; c <= (last === undefined ? first : last); c++) cores.add(c);
  }
  return cores;
}

/** @return the steal ticks so far of these cores (cpuN lines of /proc/stat, field 9) */
function stealTicks(cores) {
  let total = 0;
  for (const line of fs.readFileSync("/proc/stat", "utf8").split("\n")) {
    const f = line.split(/\s+/);
    if (/^cpu\d+$/.test(f[0]) && cores.has(Number(f[0].slice(3)))) total += Number(f[8] || 0);
  }
  return total;
}

/**
 * @return the CPU time a process used so far, user and system, the part of it that a JVM's JIT
 * compiler threads used (0 for any other process), and the steal time of the cores it may run on
 * (what the hypervisor gave other guests: it slows everything without showing in a process's CPU
 * time), in nanoseconds
 */
function cpu(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).trim().split(" ");
  let jit = 0;
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const comm = fs.readFileSync(`/proc/${pid}/task/${task}/comm`, "utf8");
      if (/^C[12] Compiler/.test(comm)) jit += statTicks(fs.readFileSync(`/proc/${pid}/task/${task}/stat`, "utf8"));
    } catch (threadEnded) {
      // a thread that ended while listed: its ticks are gone from the sum either way
    }
  }
  return { user: Number(f[11]) * TICK_NS, sys: Number(f[12]) * TICK_NS, jit: jit * TICK_NS, steal: stealTicks(allowedCores(pid)) * TICK_NS };
}

const round = (v, d) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : 0);
const now = () => Number(process.hrtime.bigint());
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));

/**
 * The cost fields of a result: server CPU per op (user, system, total, in µs) and both processes' CPU %.
 * s0/s1: the server's cpu() before and after; d0/d1: the driver's.
 */
function costFields(s0, s1, d0, d1, seconds, ops) {
  const perOp = ops === 0 ? 0 : 1 / ops / 1000;
  const serverTotal = s1.user - s0.user + (s1.sys - s0.sys);
  return {
    ops,
    seconds: round(seconds, 3),
    opsPerSec: round(ops / seconds, 1),
    serverUserUsPerOp: round((s1.user - s0.user) * perOp, 3),
    serverSysUsPerOp: round((s1.sys - s0.sys) * perOp, 3),
    serverCpuUsPerOp: round(serverTotal * perOp, 3),
    serverCpuPct: round((100 * serverTotal) / (seconds * 1e9), 1),
    serverJitPct: round((100 * (s1.jit - s0.jit)) / (seconds * 1e9), 1),
    serverStealPct: round((100 * (s1.steal - s0.steal)) / (seconds * 1e9), 1),
    driverCpuPct: round((100 * (d1.user - d0.user + d1.sys - d0.sys)) / (seconds * 1e9), 1),
  };
}

/** The latency fields of a result, from a histogram of nanoseconds. */
function latencyFields(histogram) {
  return {
    latCount: histogram.total,
    latMeanUs: round(histogram.mean() / 1000, 1),
    latP50Us: round(histogram.percentile(0.5) / 1000, 1),
    latP99Us: round(histogram.percentile(0.99) / 1000, 1),
    latP999Us: round(histogram.percentile(0.999) / 1000, 1),
    latMaxUs: round(histogram.max / 1000, 1),
  };
}

/** Prints a result line and appends it to --out when given. */
function writeResult(opts, result) {
  const line = JSON.stringify(result);
  console.log(line);
  if (opts.out) fs.appendFileSync(opts.out, line + "\n");
}

/** Writes the line of a run that failed and exits with status 1. */
function writeFailure(opts, scenario, transport, error) {
  writeResult(opts, {
    time: new Date().toISOString(),
    peer: opts.peer || "unknown",
    scenario: opts.label || scenario,
    rep: Number(opts.rep || 0),
    transport,
    failed: String(error && error.message ? error.message : error),
  });
  process.exit(1);
}

module.exports = { parseArgs, cpu, round, now, sleep, costFields, latencyFields, writeResult, writeFailure };
