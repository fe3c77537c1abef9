// The Node side of the codec benchmarks (MsgpackCodecBenchmark, SocketCodecBenchmark): socket.io-parser
// 4.2 (socket.io 4.8's) and socket.io-msgpack-parser 3.0.2 on the same events, ns per operation.
//
//   taskset -c 1 node benchmarks/node/codec-bench.js [seconds per case, default 2]
//
// encodeEvent, decodeEvent, and echoRoundTrip (decode the event, encode the ack with its argument),
// for ["echo", x] with ack id 12, x a string or a Buffer of 32 B, 1 KB or 16 KB, or a chat object.
"use strict";
const json = require("socket.io-parser");
const msgpack = require("socket.io-msgpack-parser");

const seconds = Number(process.argv[2] || 2);
const text = (n) => "x".repeat(n);
const arg = (kind, size) =>
  kind === "text" ? text(size)
    : kind === "binary" ? Buffer.alloc(size, 7)
    : { room: "lobby", text: text(size), n: 1234, at: 1.7e12 };

function codecOf(parser) {
  const encoder = new parser.Encoder();
  let last;
  const decoder = new parser.Decoder();
  decoder.on("decoded", (p) => { last = p; });
  return {
    encode: (packet) => encoder.encode(packet),
    decode: (frames) => { for (const f of frames) decoder.add(f); return last; },
  };
}

function time(fn) {
  const deadline = process.hrtime.bigint() + BigInt(seconds * 1e9);
  let ops = 0;
  const start = process.hrtime.bigint();
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 1000; i++) fn();
    ops += 1000;
    now = process.hrtime.bigint();
  }
  return Number(now - start) / ops;
}

for (const [name, parser] of [["socket.io-parser", json], ["socket.io-msgpack-parser", msgpack]]) {
  const codec = codecOf(parser);
  for (const kind of ["text", "binary", "object"]) {
    for (const size of [32, 1024, 16384]) {
      const event = () => ({ type: 2, data: ["echo", arg(kind, size)], id: 12, nsp: "/" });
      const packet = event();
      const frames = codec.encode(event());
      time(() => codec.encode(packet)); // warm-up
      const results = {
        encodeEvent: time(() => codec.encode(packet)),
        decodeEvent: time(() => codec.decode(frames)),
        echoRoundTrip: time(() => {
          const p = codec.decode(frames);
          return codec.encode({ type: 3, data: p.data.slice(1), id: p.id, nsp: "/" });
        }),
      };
      for (const [bench, ns] of Object.entries(results)) {
        console.log(JSON.stringify({ parser: name, kind, size, bench, nsPerOp: Math.round(ns) }));
      }
    }
  }
}
