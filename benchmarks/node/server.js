// The benchmark contract on the Node socket.io 4.8 server, compression off on both transports:
//   echo(x)          -> ack(x)
//   join(room)       -> socket joins room, ack()
//   bcast(room, x)   -> io.to(room).emit("msg", x), ack()
// Usage: node --expose-gc server.js <port>
// With BENCH_STATS_FILE set, SIGUSR2 runs a full GC and writes process.memoryUsage() there as JSON.
"use strict";
const http = require("http");
const fs = require("fs");
const { Server } = require("socket.io");

const port = Number(process.argv[2]);
const statsFile = process.env.BENCH_STATS_FILE;

const httpServer = http.createServer();
const io = new Server(httpServer, {
  transports: ["polling", "websocket"],
  perMessageDeflate: false,
  httpCompression: false,
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

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`node socket.io ${require("socket.io/package.json").version} listening on ${port}`);
});
