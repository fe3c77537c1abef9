// The soak's driver (benchmarks/soak.sh runs it): --clients lives at a time (default 120) of real
// socket.io-client 4.8, 2.5 and 0.9.16 clients on every transport, against benchmarks' SoakServer. Each
// life connects ("/", and "/chat" too for some), joins and leaves rooms, sends acked echoes (text,
// objects, binary), broadcasts to its rooms, answers the server's own acks, calls a handler that blocks
// a little, sends a burst, then ends one of several ways: a clean disconnect; its TCP connections cut,
// after which a 4.x client reconnects and must recover its session (connection state recovery) and the
// others vanish; a long-polling client's connections cut under its requests; a stall (the client stops
// reading while broadcasts to its room go on, until the server's ping timeout ends it); a refused
// connection. A missing or wrong ack, or a disconnect nobody asked for, counts as a failure.
// Two phases, each its own process so that whatever the clients leave behind ends with it:
// --port P, or --ports P1,P2 for the nodes of a cluster (with --redis URI --key PREFIX, the measure
// also counts the cluster's channels at Redis).
//   --phase churn --seconds S [--state F]   the churn, one line of each node's stats every --sample s
//   --phase measure [--save F] [--baseline F --state F --out F]
//       waits until the server holds nothing for the clients (one session and socket: this one; no
//       connection instance; with a baseline, its threads and descriptors back too) and reads its
//       resources after a collection ("/admin" stats(true)); with a baseline, compares and prints the
//       summary (appended to --out). Exit code 1 if a client saw a failure or the server did not come back.
"use strict";
const fs = require("fs");
const http = require("http");
const { Manager } = require("socket.io-client");
const ioV2 = require("socket.io-client-v2");
const io09 = require("socket.io-client-v09");

const opts = {};
for (let i = 2; i < process.argv.length; i += 2) opts[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
// --port P, or --ports P1,P2 for the nodes of a cluster: each life picks one at random.
const urls = String(opts.ports || opts.port || 8010).split(",").map((p) => `http://127.0.0.1:${Number(p)}`);
const CLIENTS = Number(opts.clients || 120);
const SAMPLE_S = Number(opts.sample || 30);
const ROOMS = 16;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pick = (weights) => {
  let x = Math.random() * weights.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of weights) if ((x -= w) < 0) return v;
  return weights[weights.length - 1][0];
};
const rand = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
const counts = {};
const count = (name, n = 1) => (counts[name] = (counts[name] || 0) + n);
const failures = [];
function fail(what) {
  count("failures");
  if (failures.length < 50) failures.push(`${new Date().toISOString()} ${what}`);
}

// ---- one client, whatever its generation: connect, emit, emit with ack, end ----

// --kinds "v4/websocket v09/xhr-polling" keeps only those (to narrow a finding down).
const KINDS = [
  ["v4/websocket", 22], ["v4/polling", 13], ["v4/upgrade", 20],
  ["v2/websocket", 10], ["v2/polling", 5], ["v2/upgrade", 10],
  ["v09/websocket", 12], ["v09/xhr-polling", 8],
].filter(([kind]) => !opts.kinds || opts.kinds.split(/[ ,]+/).includes(kind));

/** A keep-alive agent that remembers every TCP connection it made, so that a life can cut them. */
function trackingAgent() {
  const agent = new http.Agent({ keepAlive: true });
  agent.tracked = new Set();
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (...args) => {
    const socket = create(...args);
    agent.tracked.add(socket);
    socket.once("close", () => agent.tracked.delete(socket));
    return socket;
  };
  return agent;
}

function ackWithin(client, ms, event, ...args) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event} within ${ms} ms`)), ms);
    client.socket.emit(event, ...args, (...reply) => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
}

function open(kind, namespaces, refuse) {
  const [generation, transport] = kind.split("/");
  const url = urls[rand(0, urls.length - 1)];
  const client = { kind, generation, transport, socket: null, chat: null, agent: null, ended: false, rooms: new Set(), expectDrop: false };
  if (generation === "v09") {
    io09.transports = [transport];
    const s = io09.connect(url, { "force new connection": true, reconnect: false, transports: [transport] });
    client.socket = s;
    client.close = () => s.disconnect();
    client.cut = () => {
      // A WebSocket closed without the 0:: packet: the server keeps the session for its close timeout.
      const t = s.socket.transport;
      if (t && t.websocket) t.websocket.close();
      else s.disconnect();
    };
  } else {
    client.agent = trackingAgent();
    const transports = transport === "websocket" ? ["websocket"] : ["polling", "websocket"];
    const options = {
      forceNew: true, transports, upgrade: transport !== "polling", agent: client.agent,
      reconnection: generation === "v4", reconnectionDelay: 100, reconnectionDelayMax: 500, timeout: 10000,
      query: refuse ? { mode: "refuse" } : {},
    };
    if (generation === "v4") {
      const manager = new Manager(url, options);
      client.manager = manager;
      client.socket = manager.socket("/", { auth: { life: Math.random() } });
      if (namespaces > 1) client.chat = manager.socket("/chat");
      client.close = () => {
        client.socket.disconnect();
        if (client.chat) client.chat.disconnect();
        setTimeout(() => client.agent.destroy(), 1000); // as a browser tab that went away
      };
    } else {
      client.socket = ioV2(url, options);
      if (namespaces > 1) client.chat = ioV2(`${url}/chat`, options);
      client.close = () => {
        client.socket.disconnect();
        if (client.chat) client.chat.disconnect();
        setTimeout(() => client.agent.destroy(), 1000);
      };
    }
    client.cut = () => {
      for (const s of client.agent.tracked) s.destroy();
    };
  }
  const s = client.socket;
  // Events a recovery can replay from: a client that got none has no offset to recover from (Node's rule too).
  s.on("msg", () => (client.gotStored = !!count("broadcastsReceived")));
  s.on("answer", () => (client.gotStored = !!count("serverAckAnswers")));
  s.on("question", (n, cb) => {
    count("serverQuestions");
    if (typeof cb === "function") cb(n * 2);
  });
  s.on("disconnect", (reason) => {
    if (!client.ended && !client.expectDrop) fail(`${kind}: disconnected by ${reason}`);
  });
  return client;
}

function connected(client, refuse) {
  return new Promise((resolve, reject) => {
    const s = client.socket;
    const timer = setTimeout(() => reject(new Error(`${client.kind}: no connect within 15 s`)), 15000);
    const done = (ok, why) => {
      clearTimeout(timer);
      ok ? resolve() : reject(new Error(`${client.kind}: ${why}`));
    };
    s.once("connect", () => done(!refuse, "connected though refused"));
    if (client.generation === "v4") {
      s.once("connect_error", (e) => done(refuse && e.message === "connection refused", `connect_error ${e.message}`));
    } else if (client.generation === "v2") {
      s.once("error", (e) => done(refuse && JSON.stringify(e).includes("refused"), `error ${JSON.stringify(e)}`));
      s.once("connect_error", (e) => done(false, `connect_error ${e.message}`));
    } else {
      s.once("error", (e) => done(false, `error ${e}`));
      s.once("connect_failed", (e) => done(false, `connect_failed ${e}`));
    }
  });
}

const PAYLOADS = [
  () => "x".repeat(rand(1, 300)),
  () => rand(-1e6, 1e6),
  () => ({ a: rand(0, 9), b: ["c", { d: "é✓" }], e: null }),
  () => [1, "two", { three: 3 }],
];

async function act(client, until) {
  const binary = client.generation !== "v09";
  while (Date.now() < until && !client.ended) {
    const action = pick([["echo", 40], ["bin", binary ? 10 : 0], ["join", 8], ["leave", 4], ["shout", 12],
      ["ask", 8], ["slow", 4], ["burst", 2], ["chat", client.chat ? 6 : 0]]);
    switch (action) {
      case "echo": {
        const value = PAYLOADS[rand(0, PAYLOADS.length - 1)]();
        const [reply] = await ackWithin(client, 10000, "echo", value);
        if (JSON.stringify(reply) !== JSON.stringify(value)) fail(`${client.kind}: echo ${JSON.stringify(value)} came back ${JSON.stringify(reply)}`);
        count("echoes");
        break;
      }
      case "bin": {
        const data = Buffer.alloc(rand(1, 2000), rand(0, 255));
        const [reply] = await ackWithin(client, 10000, "bin", data);
        if (!Buffer.isBuffer(reply) && !(reply instanceof ArrayBuffer)) fail(`${client.kind}: bin came back ${typeof reply}`);
        else if (Buffer.from(reply).compare(data) !== 0) fail(`${client.kind}: bin came back different`);
        count("binaryEchoes");
        break;
      }
      case "join": {
        const room = `r${rand(1, ROOMS)}`;
        await ackWithin(client, 10000, "join", room);
        client.rooms.add(room);
        break;
      }
      case "leave": {
        const room = [...client.rooms][0];
        if (room) {
          client.socket.emit("leave", room);
          client.rooms.delete(room);
        }
        break;
      }
      case "shout": {
        const room = [...client.rooms][rand(0, Math.max(0, client.rooms.size - 1))] || `r${rand(1, ROOMS)}`;
        await ackWithin(client, 10000, "shout", room, "hello " + room);
        count("shouts");
        break;
      }
      case "ask":
        client.socket.emit("ask");
        break;
      case "slow":
        await ackWithin(client, 10000, "slow", rand(10, 100));
        break;
      case "burst":
        for (let i = 0; i < 50; i++) client.socket.emit("echo", i);
        count("bursts");
        break;
      case "chat": {
        const [reply] = await new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("no ack on /chat within 10 s")), 10000);
          client.chat.emit("echo", "chat", (...r) => {
            clearTimeout(timer);
            resolve(r);
          });
        });
        if (reply !== "chat") fail(`${client.kind}: /chat echo came back ${JSON.stringify(reply)}`);
        break;
      }
    }
    await sleep(rand(10, 150));
  }
}

function recoveredOnce(client) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${client.kind}: no reconnect within 15 s after the cut`)), 15000);
    client.socket.once("connect", () => {
      clearTimeout(timer);
      resolve(client.socket.recovered);
    });
  });
}

/** Cuts a client's connections until it notices (a poll between two requests would not). */
async function cutUntilDropped(client) {
  let dropped = false;
  client.socket.once("disconnect", () => (dropped = true));
  for (let i = 0; i < 20 && !dropped; i++) {
    client.cut();
    await sleep(250);
  }
  if (!dropped) fail(`${client.kind}: did not notice its connections cut`);
}

async function life(stopAt) {
  const kind = pick(KINDS);
  const [generation, transport] = kind.split("/");
  const refuse = generation !== "v09" && Math.random() < 0.05;
  const client = open(kind, generation !== "v09" && Math.random() < 0.3 ? 2 : 1, refuse);
  count(`lives.${kind}`);
  try {
    await connected(client, refuse);
    if (refuse) {
      count("refusedAsAsked");
      client.ended = true;
      client.close();
      return;
    }
    if (client.chat) await new Promise((r) => (client.chat.connected ? r() : client.chat.once("connect", r)));
    await act(client, Math.min(stopAt, Date.now() + rand(2000, 8000)));
    const end = pick([["clean", 45], ["cut", transport === "websocket" || transport === "upgrade" ? 35 : 0],
      ["cutPoll", transport === "polling" && generation !== "v09" ? 35 : 0],
      ["stall", generation !== "v09" && transport === "websocket" ? 10 : 0]]);
    if (end === "clean") {
      client.ended = true;
      client.close();
      count("ends.clean");
    } else if (end === "cut" && generation === "v4") {
      // Lost connection: the client reconnects and must get its session back.
      client.expectDrop = true;
      const back = recoveredOnce(client);
      await cutUntilDropped(client);
      const recovered = await back;
      client.expectDrop = false;
      count(recovered ? "ends.cutAndRecovered" : client.gotStored ? "ends.cutNotRecovered" : "ends.cutWithoutOffset");
      if (!recovered && client.gotStored) fail(`${kind}: reconnected without recovery`);
      await act(client, Math.min(stopAt, Date.now() + rand(500, 3000)));
      client.ended = true;
      client.close();
    } else if (end === "cutPoll") {
      // A long-polling client's connections cut under its requests: its HTTP library retries a request
      // whose reused connection was reset, so it may not notice; the server's session ends either way
      // ("poll connection closed prematurely") or lives on. Then it leaves.
      client.ended = true;
      client.cut();
      await sleep(1000);
      client.close();
      count("ends.pollCut");
    } else if (end === "cut") {
      client.ended = true;
      client.cut();
      count("ends.cutAndVanished");
    } else {
      // Stop reading: broadcasts to its room pile up at the server until its ping timeout ends it.
      client.ended = true;
      if (client.manager) client.manager.reconnection(false);
      const room = [...client.rooms][0] || `r${rand(1, ROOMS)}`;
      client.socket.emit("join", room);
      await sleep(200);
      for (const s of client.agent.tracked) s.pause();
      count("ends.stalled");
      await sleep(15000);
      client.cut();
    }
  } catch (e) {
    if (!(client.ended && /no ack/.test(e.message))) fail(`${kind}: ${e.message}`);
    client.ended = true;
    try {
      client.close();
    } catch (ignored) {
      // already closed
    }
  }
}

async function churn(seconds) {
  const stopAt = Date.now() + seconds * 1000;
  const workers = [];
  for (let i = 0; i < CLIENTS; i++) {
    workers.push((async () => {
      await sleep(rand(0, 2000));
      while (Date.now() < stopAt) await life(stopAt);
    })());
  }
  await Promise.all(workers);
}

// ---- the server's side ----

function adminSockets() {
  return Promise.all(urls.map((url) => new Promise((resolve) => {
    const admin = new Manager(url, { forceNew: true, transports: ["websocket"] }).socket("/admin");
    admin.once("connect", () => resolve(admin));
  })));
}

const statsOf = (admin, gc) => admin.timeout(60000).emitWithAck("stats", gc);

/**
 * With --redis URI --key PREFIX: the cluster's channels at Redis (classic and sharded) under the prefix,
 * which the nodes must have unsubscribed once the rooms they stood for are gone.
 */
async function redisChannels() {
  if (!opts.redis) return null;
  const { createClient } = require("redis");
  const client = createClient({ url: opts.redis });
  await client.connect();
  const pattern = `${opts.key || "socket.io"}*`;
  const classic = await client.sendCommand(["PUBSUB", "CHANNELS", pattern]);
  const sharded = await client.sendCommand(["PUBSUB", "SHARDCHANNELS", pattern]);
  await client.quit();
  return classic.length + sharded.length;
}

/** Waits until every node holds nothing for the clients; returns their stats after a collection. */
async function quiet(admins, baseline, seconds) {
  const started = Date.now();
  const settled = (s, i) => {
    const live = s.connectionsOpened + s.connectionsRecovered - s.connectionsClosed;
    const back = !baseline || (s.threads <= baseline.nodes[i].threads && s.fds <= baseline.nodes[i].fds + 2);
    return s.engineSessions === 1 && s.sockets === 1 && live === 0 && back;
  };
  let quietNow = false;
  while (!quietNow && Date.now() - started < seconds * 1000) {
    const all = await Promise.all(admins.map((admin) => statsOf(admin, false)));
    const channels = await redisChannels();
    quietNow = all.every(settled) && (!baseline || channels === null || channels <= baseline.redisChannels);
    if (!quietNow) await sleep(2000);
  }
  const nodes = await Promise.all(admins.map((admin) => statsOf(admin, true)));
  return { nodes, redisChannels: await redisChannels(), waitedS: Math.round((Date.now() - started) / 1000), notQuiet: !quietNow };
}

/** --phase churn: the clients' churn for --seconds, sampling the nodes; writes counts and failures to --state. */
async function churnPhase() {
  const admins = await adminSockets();
  const t0 = Date.now();
  const sampler = setInterval(async () => {
    const nodes = await Promise.all(admins.map((admin) => statsOf(admin, false)));
    for (const [i, s] of nodes.entries()) {
      console.log(JSON.stringify({ t: Math.round((Date.now() - t0) / 1000), phase: "churn", node: i, ...s, ...counts }));
    }
  }, SAMPLE_S * 1000);
  await churn(Number(opts.seconds || 60));
  clearInterval(sampler);
  if (opts.state) fs.writeFileSync(opts.state, JSON.stringify({ counts, failures }));
  // Exiting ends every connection the clients left behind (cut, stalled or kept alive by an HTTP agent).
  process.exit(0);
}

/**
 * --phase measure: once every node holds nothing for the clients (and, given a --baseline file, is back
 * to its threads and descriptors, and Redis to its channels), their resources after a collection; with
 * --baseline, the comparison, with the --state of the churn, as the summary. Writes the measure to
 * --save, the summary to --out.
 */
async function measurePhase() {
  const admins = await adminSockets();
  const baseline = opts.baseline ? JSON.parse(fs.readFileSync(opts.baseline, "utf8")) : null;
  const wait = Number(opts.wait || 180);
  const end = await quiet(admins, baseline, wait);
  console.log(JSON.stringify({ phase: baseline ? "end" : "baseline", ...end }));
  if (opts.save) fs.writeFileSync(opts.save, JSON.stringify(end));
  if (!baseline) process.exit(end.notQuiet ? 1 : 0);
  const churned = opts.state ? JSON.parse(fs.readFileSync(opts.state, "utf8")) : { counts: {}, failures: [] };
  const problems = [];
  if (end.notQuiet) problems.push(`the cluster still held sessions, sockets, connection instances, threads, descriptors or Redis channels ${wait} s after the churn`);
  for (const [i, after] of end.nodes.entries()) {
    const before = baseline.nodes[i];
    const node = end.nodes.length > 1 ? `node ${i}: ` : "";
    if (after.heapUsedMB > before.heapUsedMB * 1.25 + 8) problems.push(`${node}heap after a collection ${before.heapUsedMB} MB before, ${after.heapUsedMB} MB after`);
    if (after.fds > before.fds + 2) problems.push(`${node}file descriptors ${before.fds} before, ${after.fds} after`);
    if (after.threads > before.threads) problems.push(`${node}threads ${before.threads} before, ${after.threads} after`);
    if (after.nettyDirectMB > before.nettyDirectMB * 1.5 + 16) problems.push(`${node}direct memory ${before.nettyDirectMB} MB before, ${after.nettyDirectMB} MB after`);
    // One is the stats call being answered.
    if (after.queuedEvents > 1) problems.push(`${node}${after.queuedEvents - 1} events still queued`);
  }
  if (end.redisChannels !== null && end.redisChannels > baseline.redisChannels) problems.push(`Redis channels ${baseline.redisChannels} before, ${end.redisChannels} after`);
  if (churned.counts.failures) problems.push(`${churned.counts.failures} client failures`);
  const summary = { clients: CLIENTS, baseline, end, counts: churned.counts, failures: churned.failures, problems, date: new Date().toISOString() };
  console.log(JSON.stringify(summary));
  if (opts.out) fs.appendFileSync(opts.out, JSON.stringify(summary) + "\n");
  process.exit(problems.length ? 1 : 0);
}

(opts.phase === "measure" ? measurePhase() : churnPhase()).catch((e) => {
  console.error(e);
  process.exit(2);
});
