// A socket.io-client 2.x (Engine.IO v3) that the Java tests drive line by line, with the commands and
// output of socketio-v4-driver.js (see there), except where 2.x differs:
//   - a namespace refused by the server is {"type":"error","data":...}: 2.x emits "error" with the
//     CONNECT_ERROR's payload (a string); "connect_error" means the connection itself failed;
//   - there is no auth: a namespace query goes in opts.query and travels in the CONNECT packet;
//   - "emit" ignores "timeout" (2.x has none); "awaitPings" counts the server's pongs (in Engine.IO v3
//     the client pings and the server answers);
//   - "parser":"msgpack" in connect's opts gives the client socket.io-msgpack-parser 2.2.1.
import { createRequire } from 'node:module';
import { commands, out } from '../lib/wire.js';

const require = createRequire(import.meta.url);
const io = require('socket.io-client-v2');
const msgpackParser = require('socket.io-msgpack-parser-v2');
const sockets = new Map();
const serverAcks = new Map();
let nextAckId = 1;

function socketOf(command) {
  const name = command.socket || 'main';
  const socket = sockets.get(name);
  if (!socket) {
    throw new Error(`no socket named ${name}`);
  }
  return socket;
}

function watch(name, socket) {
  const tag = (record) => out({ socket: name, ...record });
  socket.on('connect', () => tag({ type: 'connect', id: socket.id }));
  socket.on('connect_error', (err) => tag({ type: 'connect_error', message: err && err.message }));
  socket.on('error', (data) => tag({ type: 'error', data }));
  socket.on('disconnect', (reason) => tag({ type: 'disconnect', reason }));
  // 2.x has no onAny: every event packet is recorded here instead of reaching listeners.
  socket.onevent = (packet) => {
    const [event, ...args] = packet.data || [];
    const record = { type: 'event', event, args };
    if (packet.id != null) {
      const ackId = nextAckId++;
      serverAcks.set(ackId, socket.ack(packet.id));
      record.ackId = ackId;
    }
    tag(record);
  };
  sockets.set(name, socket);
}

function reply(command, record) {
  out({ socket: command.socket || 'main', type: 'reply', seq: command.seq, ...record });
}

function engineOf(command) {
  return socketOf(command).io.engine;
}

const ops = {
  connect(command) {
    const name = command.socket || 'main';
    const existing = sockets.get(name);
    if (existing) {
      existing.connect();
      return;
    }
    const opts = { forceNew: true, reconnection: false, ...command.opts };
    if (opts.parser === 'msgpack') {
      opts.parser = msgpackParser;
    }
    watch(name, io(command.url, opts));
  },

  socket(command) {
    const manager = socketOf({ socket: command.manager }).io;
    const socket = manager.socket(command.nsp, command.opts || {});
    watch(command.socket, socket);
    if (!manager.autoConnect) {
      socket.open();
    }
  },

  emit(command) {
    const socket = socketOf(command);
    const args = command.args || [];
    if (!command.ack) {
      socket.emit(command.event, ...args);
      return;
    }
    socket.emit(command.event, ...args, (...answer) =>
      out({ socket: command.socket || 'main', type: 'ack', seq: command.seq, args: answer }));
  },

  ack(command) {
    const callback = serverAcks.get(command.ackId);
    if (!callback) {
      throw new Error(`no pending server ack ${command.ackId}`);
    }
    serverAcks.delete(command.ackId);
    callback(...(command.args || []));
  },

  disconnect(command) {
    socketOf(command).disconnect();
  },

  transport(command) {
    reply(command, { name: engineOf(command).transport.name });
  },

  awaitUpgrade(command) {
    const engine = engineOf(command);
    if (engine.transport.name === 'websocket') {
      reply(command, { name: 'websocket' });
    } else {
      engine.once('upgrade', (transport) => reply(command, { name: transport.name }));
    }
  },

  awaitPings(command) {
    const engine = engineOf(command);
    let left = command.count;
    const onPong = () => {
      if (--left === 0) {
        engine.off('pong', onPong);
        reply(command, { count: command.count });
      }
    };
    engine.on('pong', onPong);
  },
};

commands((command) => {
  const op = ops[command.op];
  if (!op) {
    throw new Error(`unknown op ${command.op}`);
  }
  op(command);
});
out({ type: 'ready' });
