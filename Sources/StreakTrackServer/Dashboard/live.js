// Live news from the doors: one WebSocket per device, shared by every view
// that listens to it (Today, Devices), closed when the last listener goes.
// The browser sends the session cookie with the handshake; no token needed.
// Everything on a socket is about its own device, whatever a message claims.

import { session } from './api.js';

const MAX_BACKOFF_MS = 30000;
const sockets = new Map(); // deviceId -> {ws, listeners:Set, attempts, timer, openedAt, streaming}

// `instance`: the server instance the device is connected through, when a load balancer
// in front of several sent us to another one (it routes `instance=`).
function url(deviceId, instance) {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const q = new URLSearchParams({
    deviceId, organizationId: session.current?.user?.organizationId || '', isHardware: 'false', status: '1',
  });
  if (instance) q.set('instance', instance);
  return `${proto}//${location.host}/api/ws?${q}`;
}

function emit(entry, message) {
  for (const fn of [...entry.listeners]) {
    try { fn(message); } catch (e) { console.error(e); }
  }
}

function open(deviceId, entry) {
  let ws;
  const instance = entry.instance;
  // Only this once: a later reconnection is balanced as usual (the device may have moved).
  entry.instance = null;
  try { ws = new WebSocket(url(deviceId, instance)); } catch (_) { retry(deviceId, entry); return; }
  entry.ws = ws;
  ws.onopen = () => {
    entry.openedAt = Date.now();
    // A camera stream does not survive a reconnection: ask again.
    if (entry.streaming) send(deviceId, { type: 'start_stream', targetDeviceId: deviceId });
    emit(entry, { type: 'socket', open: true });
  };
  ws.onmessage = (event) => {
    if (typeof event.data !== 'string') return;
    let msg;
    try { msg = JSON.parse(event.data); } catch (_) { return; }
    if (msg && msg.type === 'device_elsewhere' && typeof msg.instance === 'string') {
      // Its camera is seen on the instance it is connected through: go there.
      // (With the usual back-off: two instances that disagree must not bounce it in a tight loop.)
      entry.instance = msg.instance;
      ws.close();
      return;
    }
    // A door that comes back (after its server instance went, say) is asked for its camera again.
    if (msg && msg.type === 'device_status' && msg.online && entry.streaming) {
      send(deviceId, { type: 'start_stream', targetDeviceId: deviceId });
    }
    if (msg && typeof msg === 'object') emit(entry, msg);
  };
  ws.onclose = (event) => {
    if (entry.ws === ws) entry.ws = null;
    if (entry.closed) return;
    // Only a connection that lasted resets the back-off: a server that accepts
    // and drops us at once (refused: 1008) must not cause a tight loop.
    if (entry.openedAt && Date.now() - entry.openedAt > 10000) entry.attempts = 0;
    entry.openedAt = 0;
    emit(entry, { type: 'socket', open: false, code: event.code, reason: event.reason });
    retry(deviceId, entry);
  };
}

function retry(deviceId, entry) {
  const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** entry.attempts);
  entry.attempts++;
  clearTimeout(entry.timer);
  entry.timer = setTimeout(() => { if (!entry.closed) open(deviceId, entry); }, delay);
}

// Listens to a device; returns the function that stops listening.
export function listen(deviceId, fn) {
  let entry = sockets.get(deviceId);
  if (!entry) {
    entry = { ws: null, listeners: new Set(), attempts: 0, timer: null, openedAt: 0, closed: false, streaming: false };
    sockets.set(deviceId, entry);
    open(deviceId, entry);
  }
  entry.listeners.add(fn);
  let done = false; // stopping twice must not close a newer socket of the same device
  return () => {
    if (done) return;
    done = true;
    entry.listeners.delete(fn);
    if (entry.listeners.size) return;
    entry.closed = true;
    clearTimeout(entry.timer);
    if (entry.streaming) send(deviceId, { type: 'stop_stream', targetDeviceId: deviceId });
    if (entry.ws) entry.ws.close();
    if (sockets.get(deviceId) === entry) sockets.delete(deviceId);
  };
}

// Returns true when the message went out now (false: the socket is not open).
export function send(deviceId, message) {
  const entry = sockets.get(deviceId);
  if (!entry || !entry.ws || entry.ws.readyState !== WebSocket.OPEN) return false;
  entry.ws.send(JSON.stringify(message));
  return true;
}

// Camera on/off; remembered so a reconnection asks for the stream again.
export function stream(deviceId, on) {
  const entry = sockets.get(deviceId);
  if (!entry) return false;
  entry.streaming = on;
  return send(deviceId, { type: on ? 'start_stream' : 'stop_stream', targetDeviceId: deviceId });
}

// Sign-out: nothing may keep listening with the old session.
export function closeAll() {
  for (const [id, entry] of sockets) {
    entry.closed = true;
    clearTimeout(entry.timer);
    if (entry.streaming) send(id, { type: 'stop_stream', targetDeviceId: id });
    if (entry.ws) entry.ws.close();
  }
  sockets.clear();
}

// A tab that goes away must not leave cameras streaming to nobody.
window.addEventListener('pagehide', () => {
  for (const [id, entry] of sockets) if (entry.streaming) send(id, { type: 'stop_stream', targetDeviceId: id });
});
