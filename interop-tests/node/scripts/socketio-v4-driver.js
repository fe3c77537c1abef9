// A socket.io-client 4.x that the Java tests drive line by line (see NodeClient.java).
//
// Commands arrive on stdin as JSON lines; each names the client socket it is for ("socket", default
// "main"). Everything the sockets see is printed as JSON lines tagged with the same name:
//   {"socket":"a","type":"connect","id":"...","recovered":false,"pid":"..."}
//       recovered and pid: connection state recovery's word and private session id (null when it is off)
//   {"socket":"a","type":"connect_error","message":"...","data":...}
//   {"socket":"a","type":"disconnect","reason":"io server disconnect"}
//   {"socket":"a","type":"event","event":"name","args":[...],"ackId":3}    ackId only if the server asked for an ack
//   {"socket":"a","type":"ack","seq":1,"args":[...]}                      the answer to an emit with ack
//   {"socket":"a","type":"reply","seq":2,...}                            the answer to a query command
// A line of type "fatal" (no socket) means the driver itself failed.
//
// Commands:
//   {"op":"connect","socket":"a","url":"http://127.0.0.1:1234/nsp","opts":{...}}
//       a new client socket (its own Manager, no reconnection), or connect() again if "a" exists;
//       "parser":"msgpack" in opts gives it socket.io-msgpack-parser 3.0.2.
//   {"op":"socket","socket":"b","manager":"a","nsp":"/other","opts":{...}}
//       a second socket multiplexed on the Manager (and so the connection) of socket "a".
//   {"op":"emit","socket":"a","event":"e","args":[...],"ack":true,"timeout":1000,"seq":1}
//   {"op":"ack","socket":"a","ackId":3,"args":[...]}                      answers a server's emitWithAck
//   {"op":"disconnect","socket":"a"}
//   {"op":"transport","socket":"a","seq":2}        replies {"name":"polling"|"websocket"}
//   {"op":"awaitUpgrade","socket":"a","seq":3}     replies once the connection runs on WebSocket
//   {"op":"awaitPings","socket":"a","count":3,"seq":4}   replies after that many more pings from the server
//   {"op":"crash"}     SIGKILL, so every connection drops without a goodbye; on long-polling it first
//                      waits until a GET poll has been handed to the kernel, so the server sees it drop
//   {"op":"freeze"}    SIGSTOP: the process keeps its connections but answers nothing (ping timeout)
import dc from 'node:diagnostics_channel';
import { io } from 'socket.io-client';
import msgpackParser from 'socket.io-msgpack-parser';
import { commands, out } from '../lib/wire.js';

const sockets = new Map();
const serverAcks = new Map();
let nextAckId = 1;

// Long-polling GETs that were fully written and not yet answered, for "crash".
const pollsInFlight = new Set();
let onPollWritten = null;
dc.subscribe('http.client.request.start', ({ request }) => {
  if (request.method !== 'GET' || !/[?&]transport=polling/.test(request.path)) {
    return;
  }
  request.on('finish', () => {
    pollsInFlight.add(request);
    if (onPollWritten) {
      onPollWritten();
    }
  });
  const done = () => pollsInFlight.delete(request);
  request.on('response', done);
  request.on('close', done);
});

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
  socket.on('connect', () => tag({ type: 'connect', id: socket.id, recovered: socket.recovered, pid: socket._pid }));
  socket.on('connect_error', (err) => tag({ type: 'connect_error', message: err.message, data: err.data }));
  socket.on('disconnect', (reason) => tag({ type: 'disconnect', reason }));
  socket.onAny((event, ...args) => {
    const record = { type: 'event', event, args };
    if (args.length > 0 && typeof args[args.length - 1] === 'function') {
      const ackId = nextAckId++;
      serverAcks.set(ackId, args.pop());
      record.ackId = ackId;
    }
    tag(record);
  });
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
    if (!socket.active) {
      // Only when the Manager does not auto-connect: a second connect() would send a second CONNECT.
      socket.connect();
    }
  },

  emit(command) {
    const socket = socketOf(command);
    const args = command.args || [];
    if (!command.ack) {
      socket.emit(command.event, ...args);
      return;
    }
    const tag = (record) => out({ socket: command.socket || 'main', type: 'ack', seq: command.seq, ...record });
    if (command.timeout) {
      socket.timeout(command.timeout).emit(command.event, ...args, (err, ...answer) => {
        tag(err ? { error: err.message } : { args: answer });
      });
    } else {
      socket.emit(command.event, ...args, (...answer) => tag({ args: answer }));
    }
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
    const onPing = () => {
      if (--left === 0) {
        engine.off('ping', onPing);
        reply(command, { count: command.count });
      }
    };
    engine.on('ping', onPing);
  },

  crash() {
    const polling = [...sockets.values()].some((s) => s.io.engine && s.io.engine.transport.name === 'polling');
    const kill = () => process.kill(process.pid, 'SIGKILL');
    if (!polling || pollsInFlight.size > 0) {
      kill();
    } else {
      onPollWritten = kill;
    }
  },

  freeze() {
    process.kill(process.pid, 'SIGSTOP');
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
