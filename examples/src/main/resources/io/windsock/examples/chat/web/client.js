// Loads the socket.io client the page was asked for, then the chat. socket.io-client 2.x (?client=2)
// speaks Engine.IO v3 and 4.x speaks v4; the server takes both on the same port, and app.js uses only
// what both clients have, so the same chat runs on either.
'use strict';

(() => {
  const version = new URLSearchParams(location.search).get('client') === '2' ? '2' : '4';
  const load = (src, then) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = then;
    document.head.appendChild(script);
  };
  document.getElementById(`client-${version}`).classList.add('active');
  document.getElementById('me-client').textContent = `${version}.x`;
  load(version === '2' ? '/socket.io/v2/socket.io.js' : '/socket.io/socket.io.js', () => load('app.js'));
})();
