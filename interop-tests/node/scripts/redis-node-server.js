// A Node socket.io 4.8 server on the Redis adapter (@socket.io/redis-adapter 8.3, node-redis 4), the Node
// member of a mixed cluster with Windsock nodes, driven line by line by the Java tests (RedisNodeServer.java).
//
// Parameters: {"redis": "redis://127.0.0.1:6379", "key": "<prefix>", "sharded": "dynamic"}; with "sharded" (a
// subscriptionMode: "static", "dynamic" or "dynamic-private") the adapter is createShardedAdapter's, with the key as
// its channelPrefix (Redis 7 SPUBLISH/SSUBSCRIBE), and the emitter command is not available.
// Every line it prints is tagged {"socket": "server"}:
//   {"type":"listening","port":1234}                       once the adapter's subscriptions are confirmed
//   {"type":"connection","id":"..."}                       a client connected (it joined auth.room, data.name = auth.name)
//   {"type":"heard","event":"hello","args":[...]}          a serverSideEmit from another node
//   {"type":"reply","seq":1,...}                           the answer to a command with a seq
// Clients: "shout" is broadcast from the socket as "shouted" (sender excluded). Server-side events: "hello" is
// printed, "ping" is acked with "pong node <arg>".
// Commands:
//   {"op":"emit","event":"e","args":[...],"to":["r"],"except":["x"],"volatile":true,"local":true}
//   {"op":"emitWithAck","event":"e","args":[...],"timeout":2000,"seq":1}     replies {responses} or {error}
//   {"op":"fetch","to":["r"],"seq":2}                    replies {sockets:[{id, auth, query, address, rooms, data}]}
//   {"op":"join","to":["r"],"rooms":["s"]} / {"op":"leave",...} / {"op":"disconnect","to":["r"]}
//   {"op":"serverSideEmit","event":"e","args":[...]}
//   {"op":"serverSideEmitWithAck","event":"e","args":[...],"seq":3}        replies {responses} or {error} (5 s)
//   {"op":"emitter","event":"e","args":[...],"to":["r"]}  publishes with @socket.io/redis-emitter (uid "emitter")
//   {"op":"serverCount","seq":4}                         replies {count}: the adapter's count of servers
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Emitter } from '@socket.io/redis-emitter';
import { createClient } from 'redis';
import { commands, out, params } from '../lib/wire.js';

const { redis, key, sharded } = params();
const pubClient = createClient({ url: redis });
const subClient = pubClient.duplicate();
const emitterClient = pubClient.duplicate();
for (const client of [pubClient, subClient, emitterClient]) {
  client.on('error', (e) => out({ socket: 'server', type: 'redis-error', message: String(e) }));
}
await Promise.all([pubClient.connect(), subClient.connect(), emitterClient.connect()]);

const httpServer = createServer();
const adapter = sharded
  ? createShardedAdapter(pubClient, subClient, { channelPrefix: key, subscriptionMode: sharded })
  : createAdapter(pubClient, subClient, { key });
const io = new Server(httpServer, { adapter });
const emitter = new Emitter(emitterClient, { key });
const reply = (seq, body) => out({ socket: 'server', type: 'reply', seq, ...body });

io.on('connection', (socket) => {
  const { room, name } = socket.handshake.auth;
  if (room) {
    socket.join(room);
  }
  if (name) {
    socket.data.name = name;
  }
  socket.on('shout', (arg) => socket.broadcast.emit('shouted', arg));
  out({ socket: 'server', type: 'connection', id: socket.id });
});
io.on('hello', (...args) => out({ socket: 'server', type: 'heard', event: 'hello', args }));
io.on('ping', (arg, ack) => ack('pong node ' + arg));

function target(command, base = io) {
  let op = base;
  if (command.volatile) {
    op = op.volatile;
  }
  if (command.local) {
    op = op.local;
  }
  if (command.to) {
    op = op.to(command.to);
  }
  if (command.except) {
    op = op.except(command.except);
  }
  return op;
}

commands(async (command) => {
  switch (command.op) {
    case 'emit':
      target(command).emit(command.event, ...(command.args || []));
      break;
    case 'emitWithAck':
      try {
        const responses = await target(command).timeout(command.timeout).emitWithAck(command.event, ...(command.args || []));
        reply(command.seq, { responses });
      } catch (e) {
        reply(command.seq, { error: String(e.message || e) });
      }
      break;
    case 'fetch': {
      const sockets = await target(command).fetchSockets();
      reply(command.seq, {
        sockets: sockets.map((s) => ({
          id: s.id, auth: s.handshake.auth, query: s.handshake.query, address: s.handshake.address,
          headers: s.handshake.headers, rooms: [...s.rooms], data: s.data,
        })),
      });
      break;
    }
    case 'join':
      target(command).socketsJoin(command.rooms);
      break;
    case 'leave':
      target(command).socketsLeave(command.rooms);
      break;
    case 'disconnect':
      target(command).disconnectSockets(!!command.close);
      break;
    case 'serverSideEmit':
      io.serverSideEmit(command.event, ...(command.args || []));
      break;
    case 'serverSideEmitWithAck':
      try {
        const responses = await io.serverSideEmitWithAck(command.event, ...(command.args || []));
        reply(command.seq, { responses });
      } catch (e) {
        reply(command.seq, { error: String(e.message || e) });
      }
      break;
    case 'serverCount':
      reply(command.seq, { count: await io.of('/').adapter.serverCount() });
      break;
    case 'emitter':
      target(command, emitter).emit(command.event, ...(command.args || []));
      break;
    default:
      out({ type: 'fatal', message: `unknown command ${command.op}` });
  }
});

// The adapter subscribes without telling when it is done. Commands on one connection are answered in order,
// so once a later subscription of our own is confirmed, the adapter's are too.
const readyChannel = `${key}-node-ready`;
if (sharded) {
  await subClient.sSubscribe(readyChannel, () => {});
  await subClient.sUnsubscribe(readyChannel);
} else {
  await subClient.subscribe(readyChannel, () => {});
  await subClient.unsubscribe(readyChannel);
}
httpServer.listen(0, '127.0.0.1', () => {
  out({ socket: 'server', type: 'listening', port: httpServer.address().port });
});
