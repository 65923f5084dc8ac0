// craftpub serve: the SharedWorker that holds the one event stream of all
// open tabs and passes its events on. A tab that connects gets the latest
// state at once, as a hello event.
'use strict';
var ports = [];
var state = null;
var source = new EventSource('/__craftpub/events');

function send(name, data) {
  ports.forEach(function (p) { p.postMessage({ name: name, data: data }); });
}

source.addEventListener('hello', function (e) {
  state = JSON.parse(e.data);
  send('hello', e.data);
});
source.addEventListener('reload', function (e) {
  state = { build: JSON.parse(e.data).build, failed: false, problems: [] };
  send('reload', e.data);
});
source.addEventListener('errors', function (e) {
  var s = JSON.parse(e.data);
  state = { build: s.build, failed: true, problems: s.problems };
  send('errors', e.data);
});

onconnect = function (e) {
  var port = e.ports[0];
  ports.push(port);
  port.onmessage = function (m) {
    if (m.data === 'bye') ports = ports.filter(function (p) { return p !== port; });
  };
  port.start();
  if (state) port.postMessage({ name: 'hello', data: JSON.stringify(state) });
};
