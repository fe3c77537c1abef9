// The benchmark contract on the Node socket.io 4.8 server, compression off on both transports:
//   echo(x)          -> ack(x)
//   join(room)       -> socket joins room, ack()
//   bcast(room, x)   -> io.to(room).emit("msg", x), ack()
// Engine.IO v3 clients (socket.io-client 2.x, EIO=3) are served too (allowEIO3): engine.io 6.6 reads that
// option only to refuse protocol 3 when it is off (build/server.js, verify()); everything v3-specific
// is keyed on the connection's own protocol, so v4 clients are served exactly as without it.
// Usage: node --expose-gc server.js <port> [--redis redis://127.0.0.1:6379 --key PREFIX [--streams]] [--msgpack]
// With --redis the server joins a cluster through @socket.io/redis-adapter 8.3 (msgpack, channel prefix
// --key, default "socket.io") and listens only once both Redis clients are connected; with --streams through
// @socket.io/redis-streams-adapter 0.3.1 instead (stream and channel prefix named by --key).
// With --msgpack the clients speak socket.io-msgpack-parser 3.0.2's packets (the server's parser option).
// With BENCH_STATS_FILE set, SIGUSR2 runs a full GC and writes process.memoryUsage() there as JSON.
"use strict";
const http = require("http");
const fs = require("fs");
const { Server } = require("socket.io");

const port = Number(process.argv[2]);
const flag = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const redisUrl = flag("--redis");
const redisKey = flag("--key") || "socket.io";
const streams = process.argv.includes("--streams");
const statsFile = process.env.BENCH_STATS_FILE;

const httpServer = http.createServer();
const io = new Server(httpServer, {
  transports: ["polling", "websocket"],
  perMessageDeflate: false,
  httpCompression: false,
  allowEIO3: true,
  ...(process.argv.includes("--msgpack") ? { parser: require("socket.io-msgpack-parser") } : {}),
});

io.on("connection", (socket) => {
  socket.on("echo", (x, ack) => ack(x));
  socket.on("join", (room, ack) => {
    socket.join(room);
    ack();
  });
  socket.on("bcast", (room, x, ack) => {
    io.to(room).emit("msg", x);
    ack();
  });
});

process.on("SIGUSR2", () => {
  if (!statsFile) return;
  if (global.gc) {
    global.gc();
    global.gc();
  }
  const tmp = statsFile + ".tmp";
  fs.writeFileSync(tmp, JSON.stringify(process.memoryUsage()));
  fs.renameSync(tmp, statsFile);
});
process.on("SIGTERM", () => process.exit(0));

async function main() {
  if (redisUrl) {
    const { createClient } = require("redis");
    const pubClient = createClient({ url: redisUrl });
    if (streams) {
      const { createAdapter } = require("@socket.io/redis-streams-adapter");
      await pubClient.connect();
      io.adapter(createAdapter(pubClient, { streamName: redisKey, channelPrefix: redisKey }));
    } else {
      const { createAdapter } = require("@socket.io/redis-adapter");
      const subClient = pubClient.duplicate();
      await Promise.all([pubClient.connect(), subClient.connect()]);
      io.adapter(createAdapter(pubClient, subClient, { key: redisKey }));
    }
  }
  httpServer.listen(port, "127.0.0.1", () => {
    console.log(`node socket.io ${require("socket.io/package.json").version} listening on ${port}`
      + (redisUrl ? ` (Redis ${streams ? "streams " : ""}adapter on ${redisUrl})` : ""));
  });
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
