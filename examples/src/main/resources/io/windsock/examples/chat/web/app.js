// The chat page. Talks to ChatConnection on the server; every event name here is a method there.
'use strict';

const $ = (id) => document.getElementById(id);
// Same origin; connects once a nickname is chosen.
const socket = io.protocol === 1 ? legacySocket() : io({ autoConnect: false });

// socket.io-client 0.9 (protocol 1): io.connect() gives the "/" namespace, whose events and acks with
// callbacks work as in 4.x; connect() and connected belong to its underlying socket, added here.
function legacySocket() {
  const namespace = io.connect(location.origin, { 'force new connection': true, 'auto connect': false });
  namespace.connect = () => namespace.socket.connect();
  Object.defineProperty(namespace, 'connected', { get: () => namespace.socket.connected });
  namespace.on('connect_failed', () => namespace.$emit('connect_error'));
  namespace.on('error', () => namespace.$emit('connect_error'));
  return namespace;
}

const state = {
  nick: null,        // mine, once the server accepted it
  room: null,        // the room shown
  privateTo: null,   // whom the composer writes to privately, or null for the room
  typing: new Map(), // nick -> timer that forgets them if their "stopped typing" is lost
};

// ---- logging in ----

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  $('login-error').textContent = '';
  state.wanted = $('nick-input').value.trim();
  if (socket.connected) {
    login();
  } else {
    socket.connect();  // "connect" below logs in
  }
});

socket.on('connect', () => {
  setStatus('online', 'connected');
  login();             // also after a reconnection: the server forgot us
});
socket.on('disconnect', () => setStatus('offline', 'reconnecting…'));
socket.on('connect_error', () => {
  setStatus('offline', 'cannot reach the server');
  $('login-error').textContent = state.nick ? '' : 'Cannot reach the server.';
});

function login() {
  const wanted = state.nick || state.wanted;
  socket.emit('login', wanted, (reply) => {
    if (reply.error && state.nick) {
      setTimeout(login, 2000);  // reconnected before the server let our old connection go
      return;
    }
    if (reply.error) {
      $('login-error').textContent = reply.error;
      socket.disconnect();
      return;
    }
    state.nick = reply.nick;
    $('me-nick').textContent = reply.nick;
    $('login').hidden = true;
    $('app').hidden = false;
    renderRooms(reply.rooms);
    join(state.room || Object.keys(reply.rooms)[0]);
  });
}

// ---- rooms ----

function join(room) {
  socket.emit('join', room, (reply) => {
    if (reply.error) {
      return notice(reply.error);
    }
    if (reply.room !== state.room) {  // a new room; after a reconnection, the same one goes on
      state.room = reply.room;
      state.typing.forEach(clearTimeout);
      state.typing.clear();
      $('messages').replaceChildren();
      $('room-title').textContent = '# ' + reply.room;
      writeToRoom();
    }
    document.querySelectorAll('#rooms li').forEach((li) => li.classList.toggle('current', li.dataset.room === reply.room));
    notice(`You joined #${reply.room}`);
    renderMembers(reply.members);
    renderTyping();
    $('message-input').focus();
  });
}

function renderRooms(counts) {
  $('rooms').replaceChildren(...Object.entries(counts).map(([room, count]) => {
    const li = el('li', { 'data-room': room, class: room === state.room ? 'current' : '' },
      el('span', {}, '# ' + room), el('span', { class: 'count' }, String(count)));
    li.addEventListener('click', () => room !== state.room && join(room));
    return li;
  }));
}

socket.on('rooms', renderRooms);                   // member counts, whenever someone comes or goes
socket.on('members', ({ room, members }) => room === state.room && renderMembers(members));
socket.on('joined', ({ room, nick }) => room === state.room && notice(`${nick} joined #${room}`));
socket.on('left', ({ room, nick }) => {
  if (room === state.room) {
    notice(`${nick} left #${room}`);
    stoppedTyping(nick);
  }
});

function renderMembers(members) {
  $('member-count').textContent = members.length;
  $('members').replaceChildren(...members.map((nick) => {
    const self = nick === state.nick;
    const li = el('li', { 'data-nick': nick, class: self ? 'self' : '' },
      avatar(nick), el('span', {}, nick), self ? el('span', { class: 'you' }, '(you)') : '');
    if (!self) {
      li.title = 'Send ' + nick + ' a private message';
      li.addEventListener('click', () => writePrivately(nick));
    }
    return li;
  }));
}

// ---- messages: each one is acknowledged by the server, and gets its tick then ----

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('message-input').value.trim();
  if (!text) {
    return;
  }
  $('message-input').value = '';
  stopTyping();
  const to = state.privateTo;
  const line = message({ from: state.nick, to, text, mine: true, time: Date.now() });
  const acked = (err, reply) => {
    const failed = err || reply.error;
    line.dataset.status = failed ? 'failed' : 'sent';
    line.querySelector('.tick').textContent = failed ? '!' : '✓';
    line.querySelector('.tick').title = failed ? (reply && reply.error) || 'no answer from the server' : 'delivered';
  };
  if (to) {
    emitAcked(5000, 'private message', to, text, acked);
  } else {
    emitAcked(5000, 'chat message', text, acked);
  }
});

// An emit whose callback gets (err, reply): socket.timeout() in 4.x; 2.x and 0.9 have none, so a timer
// stands in.
function emitAcked(ms, event, ...args) {
  const done = args.pop();
  if (socket.timeout) {
    socket.timeout(ms).emit(event, ...args, done);
    return;
  }
  let settled = false;
  const settle = (err, reply) => {
    if (!settled) {
      settled = true;
      clearTimeout(timer);
      done(err, reply);
    }
  };
  const timer = setTimeout(() => settle(new Error('operation has timed out')), ms);
  socket.emit(event, ...args, (reply) => settle(null, reply));
}

socket.on('chat message', (m) => m.room === state.room && message(m));
socket.on('private message', (m) => message({ ...m, private: true }));

function message({ from, to, text, time, mine = false, private: isPrivate = false }) {
  const priv = isPrivate || Boolean(to);
  const meta = el('div', { class: 'meta' },
    priv ? el('span', { class: 'badge' }, mine ? `private to ${to}` : 'private') : '',
    el('span', { class: 'from', style: `color:${colorOf(from)}` }, mine ? 'you' : from),
    ' · ' + clock(time),
    mine ? el('span', { class: 'tick', title: 'sending' }, '…') : '');
  const li = el('li', {
    class: ['message', mine && 'mine', priv && 'private'].filter(Boolean).join(' '),
    'data-from': from,
    'data-status': mine ? 'pending' : 'received',
  }, meta, el('div', { class: 'bubble' }, text));
  append(li);
  return li;
}

function notice(text) {
  append(el('li', { class: 'notice' }, text));
}

function append(li) {
  const list = $('messages');
  list.append(li);
  list.scrollTop = list.scrollHeight;
}

// ---- private messages ----

function writePrivately(nick) {
  state.privateTo = nick;
  $('private-to').textContent = nick;
  $('private-chip').hidden = false;
  $('composer').classList.add('private');
  $('message-input').placeholder = 'Private message to ' + nick;
  $('message-input').focus();
}

function writeToRoom() {
  state.privateTo = null;
  $('private-chip').hidden = true;
  $('composer').classList.remove('private');
  $('message-input').placeholder = 'Message #' + state.room;
}

$('private-cancel').addEventListener('click', writeToRoom);
$('message-input').addEventListener('keydown', (e) => e.key === 'Escape' && writeToRoom());

// ---- typing indicator ----

let typingSince = null;  // my "typing" was sent and not yet taken back
let idleTimer = null;

$('message-input').addEventListener('input', () => {
  if (!typingSince && $('message-input').value) {
    typingSince = Date.now();
    socket.emit('typing', true);
  }
  clearTimeout(idleTimer);
  idleTimer = setTimeout(stopTyping, 2000);
});

function stopTyping() {
  clearTimeout(idleTimer);
  if (typingSince) {
    typingSince = null;
    socket.emit('typing', false);
  }
}

socket.on('typing', ({ room, nick, typing }) => {
  if (room !== state.room) {
    return;
  }
  if (typing) {
    clearTimeout(state.typing.get(nick));
    state.typing.set(nick, setTimeout(() => stoppedTyping(nick), 5000));
    renderTyping();
  } else {
    stoppedTyping(nick);
  }
});

function stoppedTyping(nick) {
  clearTimeout(state.typing.get(nick));
  state.typing.delete(nick);
  renderTyping();
}

function renderTyping() {
  const nicks = [...state.typing.keys()];
  $('typing').textContent = nicks.length === 0 ? ''
    : nicks.length === 1 ? `${nicks[0]} is typing…`
      : nicks.length === 2 ? `${nicks[0]} and ${nicks[1]} are typing…`
        : 'Several people are typing…';
  document.querySelectorAll('#members li').forEach((li) => {
    li.classList.toggle('is-typing', state.typing.has(li.dataset.nick));
  });
}

// ---- little helpers ----

function setStatus(kind, text) {
  $('status-dot').className = 'dot ' + kind;
  $('status-text').textContent = text;
}

/** A DOM element; text goes in as text, never as HTML. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => v && node.setAttribute(k, v));
  node.append(...children);
  return node;
}

function avatar(nick) {
  return el('span', { class: 'avatar', style: `background:${colorOf(nick)}` }, nick.slice(0, 1));
}

function colorOf(nick) {
  let hash = 0;
  for (const c of nick) {
    hash = (hash * 31 + c.codePointAt(0)) >>> 0;
  }
  return `hsl(${hash % 360} 55% 45%)`;
}

function clock(time) {
  return new Date(time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
