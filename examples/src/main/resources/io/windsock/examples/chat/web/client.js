// Loads the socket.io client the page was asked for, then the chat. socket.io-client 2.x (?client=2)
// speaks Engine.IO v3, 4.x speaks v4 and 0.9 (?client=0.9) speaks protocol 1 (when the server has it
// on); the server takes all three on the same port, and app.js uses only what they all have, so the
// same chat runs on any.
'use strict';

(() => {
  const sources = { '4': '/socket.io/socket.io.js', '2': '/socket.io/v2/socket.io.js', '0.9': '/socket.io/v09/socket.io.js' };
  const asked = new URLSearchParams(location.search).get('client');
  const version = Object.hasOwn(sources, asked) ? asked : '4';
  const load = (src, then) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = then;
    document.head.appendChild(script);
  };
  document.getElementById(`client-${version}`).classList.add('active');
  document.getElementById('me-client').textContent = version === '0.9' ? version : `${version}.x`;
  load(sources[version], () => load('app.js'));
})();
