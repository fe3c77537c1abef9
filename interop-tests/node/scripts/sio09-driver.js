// socket.io-client 0.9.16 (protocol 1), driven line by line from the Java tests.
//
// Commands (JSON lines on stdin), each naming the client socket by "id":
//   {op: "connect", id, url, transport: "websocket" | "xhr-polling", events: [names], reconnect?: bool}
//   {op: "of", id, parent, namespace, events: [names]}      another endpoint on a connected socket
//   {op: "emit", id, name, args, ack?: bool}                 ack: pass a callback (the packet gets "+")
//   {op: "send", id, data, json?: bool, ack?: bool}          message (3) or json (4) packet
//   {op: "answer", id, key, args}                            calls the callback the server asked for
//   {op: "disconnect", id}
// Lines printed, tagged {socket: id}: connect, disconnect {reason}, error {reason}, connect_failed,
// reconnect, event {name, args, key}, message {data, key}, ack {seq, args}. "key" names a callback
// the server asked for (answer it with "answer"), null when none.
import { createRequire } from 'node:module';
import { commands, out } from '../lib/wire.js';

const require = createRequire(import.meta.url);
const io = require('socket.io-client-v09');
const sockets = new Map();
const callbacks = new Map();
let seq = 0;

function listen(id, socket, events) {
  socket.on('connect', () => out({ socket: id, type: 'connect' }));
  socket.on('disconnect', (reason) => out({ socket: id, type: 'disconnect', reason: reason ?? null }));
  socket.on('error', (reason) => out({ socket: id, type: 'error', reason: String(reason ?? '') }));
  socket.on('connect_failed', (reason) => out({ socket: id, type: 'connect_failed', reason: reason ?? null }));
  socket.on('reconnect', () => out({ socket: id, type: 'reconnect' }));
  socket.on('message', (data, fn) => out({ socket: id, type: 'message', data, key: keep(fn) }));
  for (const name of events || []) {
    socket.on(name, (...args) => {
      const fn = typeof args[args.length - 1] === 'function' ? args.pop() : null;
      out({ socket: id, type: 'event', name, args, key: keep(fn) });
    });
  }
}

function keep(fn) {
  if (typeof fn !== 'function') {
    return null;
  }
  const key = 'cb' + ++seq;
  callbacks.set(key, fn);
  return key;
}

commands((command) => {
  switch (command.op) {
    case 'connect': {
      // The transports option does not restrict transports in Node (a shared array is merged): set them here.
      io.transports = [command.transport];
      const socket = io.connect(command.url, {
        'force new connection': true,
        reconnect: command.reconnect === true,
        'reconnection delay': 100,
        transports: [command.transport],
      });
      sockets.set(command.id, socket);
      listen(command.id, socket, command.events);
      break;
    }
    case 'of': {
      const socket = sockets.get(command.parent).of(command.namespace);
      sockets.set(command.id, socket);
      listen(command.id, socket, command.events);
      break;
    }
    case 'emit': {
      const args = [...(command.args || [])];
      if (command.ack) {
        const n = ++seq;
        args.push((...reply) => out({ socket: command.id, type: 'ack', seq: n, args: reply }));
        out({ socket: command.id, type: 'sent', seq: n });
      }
      sockets.get(command.id).emit(command.name, ...args);
      break;
    }
    case 'send': {
      const socket = sockets.get(command.id);
      const target = command.json ? socket.json : socket;
      if (command.ack) {
        const n = ++seq;
        out({ socket: command.id, type: 'sent', seq: n });
        target.send(command.data, (...reply) => out({ socket: command.id, type: 'ack', seq: n, args: reply }));
      } else {
        target.send(command.data);
      }
      break;
    }
    case 'answer':
      callbacks.get(command.key)(...(command.args || []));
      callbacks.delete(command.key);
      break;
    case 'disconnect':
      sockets.get(command.id).disconnect();
      break;
    default:
      out({ type: 'fatal', message: `unknown op ${command.op}` });
  }
});
