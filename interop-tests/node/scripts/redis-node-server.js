// A Node socket.io 4.8 server on the Redis adapter (@socket.io/redis-adapter 8.3, node-redis 4), the Node
// member of a mixed cluster with Windsock nodes, driven line by line by the Java tests.
//
// Parameters: {"redis": "redis://127.0.0.1:6379", "key": "<prefix>", "sharded": "dynamic"}; with "sharded" (a
// subscriptionMode: "static", "dynamic" or "dynamic-private") the adapter is createShardedAdapter's, with the key as
// its channelPrefix (Redis 7 SPUBLISH/SSUBSCRIBE), and the emitter command is not available.
// With "streams": "<streamName>" instead, the adapter is @socket.io/redis-streams-adapter 0.3.1's on that stream,
// with the key as its channelPrefix, and connection state recovery is on (maxDisconnectionDuration 120 s, middlewares
// skipped); the emitter command is not available either. "pingInterval" and "pingTimeout" (ms), if given, are the
// server's.
// Every line it prints is tagged {"socket": "server"}:
//   {"type":"listening","port":1234}                       once the adapter's subscriptions (and stream reader) are in place
//   {"type":"connection","id":"...","recovered":false,"rooms":[...],"data":{...}}
//                                                          a client connected (unless recovered, it joined auth.room and
//                                                          data.name = auth.name; rooms and data as they are then)
//   {"type":"disconnect","id":"...","reason":"..."}        with "disconnects": true (streams only): a socket left; its
//                                                          session, if it is kept for recovery, is in Redis by then
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
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { commands, out, params } from '../lib/wire.js';

const { redis, key, sharded, streams, disconnects, pingInterval, pingTimeout } = params();
const pubClient = createClient({ url: redis });
const subClient = pubClient.duplicate();
const emitterClient = pubClient.duplicate();
for (const client of [pubClient, subClient, emitterClient]) {
  client.on('error', (e) => out({ socket: 'server', type: 'redis-error', message: String(e) }));
}
await Promise.all([pubClient.connect(), subClient.connect(), emitterClient.connect()]);

const httpServer = createServer();
let adapter;
if (streams) {
  adapter = createStreamsAdapter(pubClient, { streamName: streams, channelPrefix: key });
} else if (sharded) {
  adapter = createShardedAdapter(pubClient, subClient, { channelPrefix: key, subscriptionMode: sharded });
} else {
  adapter = createAdapter(pubClient, subClient, { key });
}
const io = new Server(httpServer, {
  adapter,
  ...(streams && { connectionStateRecovery: { maxDisconnectionDuration: 120000, skipMiddlewares: true } }),
  ...(pingInterval && { pingInterval, pingTimeout }),
});
const emitter = new Emitter(emitterClient, { key });
const reply = (seq, body) => out({ socket: 'server', type: 'reply', seq, ...body });

io.on('connection', (socket) => {
  const { room, rooms, name } = socket.handshake.auth;
  // A recovered socket gets its rooms and data back from its session, not from its handshake.
  if (room && !socket.recovered) {
    socket.join(room);
  }
  if (Array.isArray(rooms) && !socket.recovered) {
    socket.join(rooms);
  }
  if (name && !socket.recovered) {
    socket.data.name = name;
  }
  socket.on('shout', (arg) => socket.broadcast.emit('shouted', arg));
  if (streams && disconnects) {
    // The adapter stores the session with a SET on pubClient before 'disconnect' is emitted; a PING answered
    // after it says Redis has it, so a test may then let the client reconnect elsewhere.
    socket.on('disconnect', (reason) => {
      pubClient.ping().then(() => out({ socket: 'server', type: 'disconnect', id: socket.id, reason }));
    });
  }
  out({
    socket: 'server', type: 'connection', id: socket.id, recovered: socket.recovered, rooms: [...socket.rooms],
    data: socket.data,
  });
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
if (streams) {
  await streamsReady();
} else if (sharded) {
  await subClient.sSubscribe(readyChannel, () => {});
  await subClient.sUnsubscribe(readyChannel);
} else {
  await subClient.subscribe(readyChannel, () => {});
  await subClient.unsubscribe(readyChannel);
}
httpServer.listen(0, '127.0.0.1', () => {
  out({ socket: 'server', type: 'listening', port: httpServer.address().port });
});

/**
 * The streams adapter subscribes on a connection of its own and reads its stream from "$" (what is added after its
 * first XREAD) without telling when either is in place. Its pub/sub channels "<key>#/#" and "<key>#/#<uid>#" are
 * subscribed by one SUBSCRIBE: once Redis counts a subscriber on the private one (only this adapter's), both are.
 * For the reader, probes are added to the stream until one comes back through the adapter: a server-side emit in
 * a namespace of its own ("/node-ready"), so no other node's namespace sees them.
 */
async function streamsReady() {
  const deadline = Date.now() + 10000;
  const privateChannel = `${key}#/#${io.of('/').adapter.uid}#`;
  while ((await pubClient.pubSubNumSub(privateChannel))[privateChannel] < 1) {
    if (Date.now() > deadline) {
      throw new Error(`the streams adapter did not subscribe to ${privateChannel}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // asking Redis again, not a guess of "done"
  }
  const token = randomUUID();
  const probes = io.of('/node-ready');
  await new Promise((resolve, reject) => {
    const send = () => {
      if (Date.now() > deadline) {
        clearInterval(timer);
        reject(new Error(`no probe came back through the stream ${streams}`));
        return;
      }
      pubClient.xAdd(streams, '*', {
        uid: 'node-ready-probe', nsp: '/node-ready', type: '9', data: JSON.stringify({ packet: ['probe', token] }),
      });
    };
    const timer = setInterval(send, 100); // the first XREAD may come after an XADD: add another until one is read
    probes.on('probe', (seen) => {
      if (seen === token) {
        clearInterval(timer);
        resolve();
      }
    });
    send();
  });
}
