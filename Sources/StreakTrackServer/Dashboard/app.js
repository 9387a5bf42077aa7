// StreakTrack dashboard: plain JavaScript, no build step, no dependencies.
// Every piece of server data reaches the page through textContent or
// attributes (see el()), never through innerHTML.
'use strict';

(() => {
  const TOKEN_KEY = 'streaktrack.token';
  const ORG_KEY = 'streaktrack.organizationId';
  const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
  const POLL_MS = 15000;
  const MAX_SIGHTINGS = 20;
  const MAX_BACKOFF_MS = 30000;

  const state = {
    token: null,
    orgs: [],
    orgId: null,
    devices: [],
    students: [],
    attendance: new Map(), // studentId -> record shown in the table
    date: todayLocal(),
    followToday: true, // keep the date picker on "today" across midnight
    sightings: [],
    settings: null,
    pollTimer: null,
    // Bumped on organization switch / sign out, so that responses to
    // requests made for the previous organization are dropped.
    generation: 0,
  };
  const sockets = new Map(); // deviceId -> { ws, attempts, timer, closed, openedAt }
  const streaming = new Set(); // deviceIds whose live view is switched on
  const deviceCards = new Map(); // deviceId -> card elements (kept across refreshes)
  let pendingPhotos = []; // [{ file, url }] chosen in the enrolment form

  const $ = (id) => document.getElementById(id);

  // ---------- small helpers ----------

  // Builds an element. Children that are strings become text nodes, so
  // server data is always escaped.
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value == null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child != null && child !== false) node.append(child);
    }
    return node;
  }

  function pad(n) { return String(n).padStart(2, '0'); }

  function localDate(d) {
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  function todayLocal() { return localDate(new Date()); }

  function plural(n, word) { return `${n} ${word}${n === 1 ? '' : 's'}`; }

  function relativeTime(iso) {
    if (!iso) return 'never';
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return 'unknown';
    const s = Math.round((Date.now() - t) / 1000);
    if (s < 10) return 'just now';
    if (s < 60) return `${s} s ago`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min ago`;
    const h = Math.floor(m / 60);
    if (h < 24) return `${h} h ago`;
    return `${plural(Math.floor(h / 24), 'day')} ago`;
  }

  // Attendance timestamps look like "2026-11-24 09:01:07" (server local
  // time). If one ever carries a zone ("...Z" / "+05:30"), convert it.
  function timeOf(ts) {
    if (!ts) return '';
    const s = String(ts);
    if (/[zZ]|[+-]\d\d:?\d\d$/.test(s) && !Number.isNaN(Date.parse(s))) {
      return new Date(s).toLocaleTimeString();
    }
    const match = s.match(/\d{1,2}:\d{2}(:\d{2})?/);
    return match ? match[0] : s;
  }

  function deviceName(id) {
    const d = state.devices.find((x) => x.id === id);
    return d && d.name ? d.name : id || '';
  }

  // ---------- notices ----------

  const recentToasts = new Map(); // text -> time, to avoid repeating the same notice
  function toast(message, kind = 'error') {
    const text = String(message || 'Something went wrong.');
    const last = recentToasts.get(text);
    if (last && Date.now() - last < 8000) return;
    recentToasts.set(text, Date.now());
    const node = el('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
      el('span', {}, text),
      el('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: () => node.remove() }, '×'));
    $('toasts').append(node);
    setTimeout(() => node.remove(), kind === 'error' ? 9000 : 5000);
  }

  // Reports a failed call. 401s are handled by the login form instead.
  function report(err) {
    if (err && err.status === 401) return;
    toast(err && err.message ? err.message : String(err));
  }

  // ---------- REST ----------

  class ApiError extends Error {
    constructor(message, status) { super(message); this.status = status; }
  }

  // Sends a request with the admin token and returns the Response, or
  // throws an ApiError carrying the server's {"error": "..."} message.
  async function request(method, path, body) {
    const headers = { Authorization: `Bearer ${state.token}` };
    const init = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(`Cannot reach the server (${e.message}).`, 0);
    }
    if (res.status === 401) {
      handleUnauthorized();
      throw new ApiError('The admin token was not accepted.', 401);
    }
    if (!res.ok) throw new ApiError(await errorMessage(res), res.status);
    return res;
  }

  async function errorMessage(res) {
    const text = await res.text().catch(() => '');
    try {
      const data = JSON.parse(text);
      if (data && data.error) return String(data.error);
    } catch (_) { /* not JSON */ }
    return text.trim().slice(0, 300) || `Request failed (${res.status} ${res.statusText}).`;
  }

  async function api(method, path, body) {
    const res = await request(method, path, body);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  const orgQuery = () => `organizationId=${encodeURIComponent(state.orgId)}`;

  // ---------- views & sign-in ----------

  function showView(name) {
    for (const id of ['login-view', 'status-view', 'org-view', 'app-view']) {
      $(id).hidden = id !== `${name}-view`;
    }
    const signedIn = name !== 'login';
    $('sign-out').hidden = !signedIn;
    $('org-picker').hidden = !signedIn || state.orgs.length === 0;
  }

  function showLogin(message) {
    showView('login');
    $('login-message').textContent = message || '';
    $('login-message').hidden = !message;
    $('login-token').value = '';
    $('login-token').focus();
  }

  // The token arrives once as #token=... ; keep it and clean the address bar.
  function takeTokenFromUrl() {
    const token = new URLSearchParams(location.hash.slice(1)).get('token');
    if (!token) return;
    localStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', location.pathname + location.search);
  }

  function handleUnauthorized() {
    if (!state.token) return; // already signed out (several calls can fail at once)
    signOut('The server did not accept the admin token. Please enter it again.');
  }

  function signOut(message) {
    localStorage.removeItem(TOKEN_KEY);
    state.token = null;
    teardownOrganization();
    state.orgs = [];
    state.orgId = null;
    showLogin(message);
  }

  // ---------- organizations ----------

  async function loadOrganizations(preferId) {
    try {
      state.orgs = await api('GET', '/api/organizations');
    } catch (err) {
      if (err.status === 401) return;
      $('status-message').textContent = err.message;
      showView('status');
      return;
    }
    renderOrgPicker();
    if (state.orgs.length === 0) {
      showOrgForm(false);
      return;
    }
    const wanted = preferId || localStorage.getItem(ORG_KEY);
    const org = state.orgs.find((o) => o.id === wanted) || state.orgs[0];
    selectOrganization(org.id);
  }

  function renderOrgPicker() {
    const select = $('org-select');
    select.replaceChildren(...state.orgs.map((o) => el('option', { value: o.id }, o.name)));
    const several = state.orgs.length > 1;
    select.hidden = !several;
    $('org-name').hidden = several;
    $('org-name').textContent = state.orgs.length === 1 ? state.orgs[0].name : '';
  }

  function showOrgForm(cancellable) {
    showView('org');
    $('org-form-cancel').hidden = !cancellable;
    $('org-form-name').focus();
  }

  async function createOrganization(event) {
    event.preventDefault();
    const name = $('org-form-name').value.trim();
    if (!name) return;
    try {
      const org = await api('POST', '/api/organizations', { name });
      $('org-form-name').value = '';
      toast(`Organization “${org.name}” created.`, 'success');
      await loadOrganizations(org.id);
    } catch (err) { report(err); }
  }

  function selectOrganization(id) {
    teardownOrganization();
    state.orgId = id;
    localStorage.setItem(ORG_KEY, id);
    $('org-select').value = id;
    showView('app');
    loadSettings();
    refreshDevices();
    loadStudents();
    loadAttendance();
    state.pollTimer = setInterval(tick, POLL_MS);
  }

  // Forgets everything that belongs to the current organization.
  function teardownOrganization() {
    state.generation++;
    clearInterval(state.pollTimer);
    for (const id of [...sockets.keys()]) closeSocket(id);
    streaming.clear();
    deviceCards.clear();
    $('device-list').replaceChildren();
    $('device-secret').hidden = true;
    state.devices = [];
    state.students = [];
    state.attendance.clear();
    state.sightings = [];
    renderSightings(false);
  }

  // Runs every POLL_MS: device status, plus following "today" past midnight.
  function tick() {
    refreshDevices();
    if (state.followToday && state.date !== todayLocal()) setDate(todayLocal());
  }

  // ---------- settings ----------

  async function loadSettings() {
    try {
      state.settings = await api('GET', '/api/settings');
      renderSettings();
    } catch (err) { report(err); }
  }

  function renderSettings() {
    const open = !!(state.settings && state.settings.openDevices);
    $('auth-banner').hidden = !open;
    $('auth-status').textContent = open ? 'Open devices' : 'Registered devices only';
  }

  // ---------- devices ----------

  async function refreshDevices() {
    const gen = state.generation;
    try {
      const devices = await api('GET', `/api/devices?${orgQuery()}`);
      if (gen !== state.generation) return;
      const namesBefore = deviceNamesKey();
      state.devices = devices || [];
      renderDevices();
      syncSockets();
      // Tables show device names, which may have arrived or changed.
      if (deviceNamesKey() !== namesBefore) { renderAttendance(); renderSightings(false); }
    } catch (err) { report(err); }
  }

  function deviceNamesKey() {
    return state.devices.map((d) => `${d.id}=${d.name}`).join('\n');
  }

  // Updates cards in place so live images and toggles survive the 15 s refresh.
  function renderDevices() {
    const ids = new Set(state.devices.map((d) => d.id));
    for (const [id, card] of deviceCards) {
      if (!ids.has(id)) { card.root.remove(); deviceCards.delete(id); streaming.delete(id); }
    }
    const list = $('device-list');
    for (const device of state.devices) {
      let card = deviceCards.get(device.id);
      if (!card) { card = buildDeviceCard(device.id); deviceCards.set(device.id, card); }
      list.append(card.root); // moves existing cards into server order
      updateDeviceCard(card, device);
    }
    $('devices-empty').hidden = state.devices.length > 0;
  }

  function buildDeviceCard(id) {
    const card = {
      name: el('h3', { class: 'device-name' }),
      idLine: el('div', { class: 'mono small muted' }, id),
      badge: el('span', { class: 'badge' }),
      seen: el('div', { class: 'small muted' }),
      flags: el('div', { class: 'small muted' }),
      img: el('img', { class: 'live-img', alt: `Live camera of ${id}`, hidden: true }),
      placeholder: el('div', { class: 'live-placeholder' }, 'No video'),
      toggle: el('button', { type: 'button', class: 'btn btn-small', onclick: () => toggleStream(id) }),
      gotFrame: false,
    };
    const remove = el('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => deleteDevice(id) }, 'Remove');
    card.root = el('article', { class: 'card device-card' },
      el('div', { class: 'device-head' }, el('div', {}, card.name, card.idLine), card.badge),
      card.seen, card.flags,
      el('div', { class: 'live-box' }, card.img, card.placeholder),
      el('div', { class: 'card-actions' }, card.toggle, remove));
    return card;
  }

  function updateDeviceCard(card, d) {
    card.name.textContent = d.name || d.id;
    card.idLine.hidden = !d.name || d.name === d.id; // the id is the heading already
    card.badge.textContent = d.online ? 'Online' : 'Offline';
    card.badge.className = `badge ${d.online ? 'badge-online' : 'badge-offline'}`;
    card.seen.textContent = `Last seen ${relativeTime(d.lastSeen)}`;
    card.seen.title = d.lastSeen ? new Date(d.lastSeen).toLocaleString() : '';
    const flags = [d.hasSecret ? 'Secret set' : 'No secret'];
    if (d.admitWithoutSecret) flags.push('admitted without secret');
    card.flags.textContent = flags.join(' · ');
    card.toggle.textContent = streaming.has(d.id) ? 'Stop live view' : 'Live view';
    card.toggle.setAttribute('aria-pressed', String(streaming.has(d.id)));
  }

  function showNoVideo(card, text) {
    card.img.hidden = true;
    card.img.removeAttribute('src');
    card.placeholder.hidden = false;
    card.placeholder.textContent = text;
    card.gotFrame = false;
  }

  function toggleStream(id) {
    const card = deviceCards.get(id);
    if (!card) return;
    if (streaming.has(id)) {
      streaming.delete(id);
      sendTo(id, { type: 'stop_stream', targetDeviceId: id });
      showNoVideo(card, 'No video');
    } else {
      streaming.add(id);
      // If the socket is not open yet, onopen sends start_stream.
      const sent = sendTo(id, { type: 'start_stream', targetDeviceId: id });
      showNoVideo(card, sent ? 'Waiting for video…' : 'Connecting…');
    }
    const device = state.devices.find((d) => d.id === id);
    if (device) updateDeviceCard(card, device);
  }

  async function addDevice(event) {
    event.preventDefault();
    const body = {
      deviceId: $('device-form-id').value.trim(),
      organizationId: state.orgId,
      name: $('device-form-name').value.trim(),
      admitWithoutSecret: $('device-form-admit').checked,
    };
    if (!body.deviceId || !body.name) return;
    try {
      const result = await api('POST', '/api/devices', body);
      event.target.reset();
      if (result && result.config) showSecret(body.deviceId, JSON.stringify(result.config, null, 2));
      else toast(`Device ${body.deviceId} added.`, 'success');
      refreshDevices();
    } catch (err) { report(err); }
  }

  function showSecret(deviceId, secret) {
    $('device-secret-id').textContent = deviceId;
    $('device-secret-value').textContent = secret;
    $('device-secret').hidden = false;
  }

  async function copySecret() {
    try {
      await navigator.clipboard.writeText($('device-secret-value').textContent);
      toast('Secret copied.', 'success');
    } catch (_) {
      // Clipboard API needs https or localhost; fall back to selecting the text.
      getSelection().selectAllChildren($('device-secret-value'));
      toast('Press Ctrl+C (⌘C) to copy the selected secret.', 'info');
    }
  }

  async function deleteDevice(id) {
    if (!confirm(`Remove device “${deviceName(id)}” (${id})? It will no longer be able to connect.`)) return;
    try {
      await api('DELETE', `/api/devices/${encodeURIComponent(id)}`);
      toast(`Device ${id} removed.`, 'success');
      refreshDevices();
    } catch (err) { report(err); }
  }

  // ---------- WebSockets (one per device) ----------

  function syncSockets() {
    const ids = new Set(state.devices.map((d) => d.id));
    for (const id of [...sockets.keys()]) if (!ids.has(id)) closeSocket(id);
    for (const id of ids) if (!sockets.has(id)) openSocket(id);
  }

  function socketUrl(deviceId) {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    // status=1 asks our backend for device_status messages; an original backend ignores it.
    // The token travels as a subprotocol (see openSocket), never in the URL.
    const query = new URLSearchParams({ deviceId, organizationId: state.orgId, isHardware: 'false', status: '1' });
    return `${proto}//${location.host}/api/ws?${query}`;
  }

  function openSocket(deviceId) {
    let entry = sockets.get(deviceId);
    if (!entry) {
      entry = { ws: null, attempts: 0, timer: null, closed: false, openedAt: 0 };
      sockets.set(deviceId, entry);
    }
    let ws;
    try {
      ws = new WebSocket(socketUrl(deviceId), ['streaktrack', `bearer.${state.token}`]);
    } catch (_) { scheduleReconnect(deviceId, entry); return; }
    entry.ws = ws;
    ws.onopen = () => {
      entry.openedAt = Date.now();
      if (streaming.has(deviceId)) sendTo(deviceId, { type: 'start_stream', targetDeviceId: deviceId });
    };
    ws.onmessage = (event) => handleSocketMessage(deviceId, event.data);
    // onerror is always followed by onclose, which does the work.
    ws.onclose = () => {
      if (entry.ws === ws) entry.ws = null;
      if (entry.closed) return;
      // Only forget the back-off after a connection that really lasted; a
      // server that accepts and immediately drops us must not cause a 1 s loop.
      if (entry.openedAt && Date.now() - entry.openedAt > 10000) entry.attempts = 0;
      entry.openedAt = 0;
      const card = deviceCards.get(deviceId);
      if (card && streaming.has(deviceId)) showNoVideo(card, 'Reconnecting…');
      scheduleReconnect(deviceId, entry);
    };
  }

  function scheduleReconnect(deviceId, entry) {
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** entry.attempts);
    entry.attempts++;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (!entry.closed) openSocket(deviceId);
    }, delay);
  }

  function closeSocket(deviceId) {
    const entry = sockets.get(deviceId);
    if (!entry) return;
    entry.closed = true;
    clearTimeout(entry.timer);
    if (streaming.has(deviceId)) sendTo(deviceId, { type: 'stop_stream', targetDeviceId: deviceId });
    if (entry.ws) entry.ws.close();
    sockets.delete(deviceId);
  }

  // Returns true when the message could be sent right away.
  function sendTo(deviceId, message) {
    const entry = sockets.get(deviceId);
    if (!entry || !entry.ws || entry.ws.readyState !== WebSocket.OPEN) return false;
    entry.ws.send(JSON.stringify(message));
    return true;
  }

  function handleSocketMessage(deviceId, raw) {
    if (typeof raw !== 'string') return; // only JSON text frames are expected
    let msg;
    try { msg = JSON.parse(raw); } catch (_) { return; }
    if (!msg || typeof msg !== 'object') return;
    if (msg.error) { onSocketError(deviceId, String(msg.error)); return; }
    switch (msg.type) {
      case 'attendance': onAttendance(msg.student, deviceId); break;
      case 'detected': onSighting(msg.student, deviceId); break;
      // Everything on this socket is about its own device, whatever a message claims.
      case 'live_stream': onFrame(deviceId, msg.frame); break;
      case 'device_status': onDeviceStatus(deviceId, !!msg.online); break;
      default: break; // unknown message types are ignored on purpose
    }
  }

  function onSocketError(deviceId, message) {
    toast(message);
    // Most errors answer a start_stream (e.g. device offline): if the
    // live view is waiting for its first frame, switch it off and say why.
    const card = deviceCards.get(deviceId);
    if (card && streaming.has(deviceId) && !card.gotFrame) {
      streaming.delete(deviceId);
      showNoVideo(card, message);
      const device = state.devices.find((d) => d.id === deviceId);
      if (device) updateDeviceCard(card, device);
    }
  }

  function onFrame(deviceId, frame) {
    const card = deviceCards.get(deviceId);
    if (!card || !streaming.has(deviceId) || typeof frame !== 'string') return; // late frame after stop
    card.img.src = `data:image/jpeg;base64,${frame}`;
    card.img.hidden = false;
    card.placeholder.hidden = true;
    card.gotFrame = true;
  }

  function onDeviceStatus(deviceId, online) {
    const device = state.devices.find((d) => d.id === deviceId);
    const card = deviceCards.get(deviceId);
    if (!device || !card) return;
    const cameBack = online && !device.online;
    device.online = online;
    if (online) device.lastSeen = new Date().toISOString();
    updateDeviceCard(card, device);
    if (!online && streaming.has(deviceId)) showNoVideo(card, 'Device offline');
    // The device lost its stream when it went away; ask again.
    if (cameBack && streaming.has(deviceId)) {
      sendTo(deviceId, { type: 'start_stream', targetDeviceId: deviceId });
      showNoVideo(card, 'Waiting for video…');
    }
  }

  // ---------- attendance ----------

  function setDate(date) {
    state.date = date;
    state.followToday = date === todayLocal();
    $('attendance-date').value = date;
    loadAttendance();
  }

  async function loadAttendance() {
    const gen = state.generation;
    const date = state.date;
    try {
      const rows = await api('GET', `/api/attendance?${orgQuery()}&date=${encodeURIComponent(date)}`);
      if (gen !== state.generation || date !== state.date) return; // a newer request won
      state.attendance.clear();
      for (const row of rows || []) mergeAttendance(row);
      renderAttendance();
    } catch (err) { report(err); }
  }

  // One row per student; the earliest arrival of the day is the one shown.
  function mergeAttendance(row) {
    if (!row || !row.studentId) return;
    const old = state.attendance.get(row.studentId);
    const keepOldTime = old && old.timestamp && row.timestamp && old.timestamp < row.timestamp;
    state.attendance.set(row.studentId, { ...old, ...row, timestamp: keepOldTime ? old.timestamp : row.timestamp });
  }

  function onAttendance(student, socketDeviceId) {
    if (!student || !student.studentId) return;
    const date = student.timestamp ? String(student.timestamp).slice(0, 10) : todayLocal();
    if (date !== state.date) return;
    mergeAttendance({ status: 'present', ...student, deviceId: socketDeviceId });
    renderAttendance(student.studentId);
  }

  function renderAttendance(highlightId) {
    const rows = [...state.attendance.values()]
      .sort((a, b) => String(b.timestamp || '').localeCompare(String(a.timestamp || ''))); // newest first
    $('attendance-body').replaceChildren(...rows.map((r) => {
      const tr = el('tr', { class: r.studentId === highlightId ? 'flash' : null },
        el('td', { class: 'mono' }, timeOf(r.timestamp)),
        el('td', {}, r.name || '',
          r.status && r.status !== 'present' ? el('span', { class: 'tag' }, r.status) : null),
        el('td', { class: 'mono' }, r.enrollmentNo || ''),
        el('td', { title: r.deviceId || '' }, deviceName(r.deviceId)));
      return tr;
    }));
    $('attendance-empty').hidden = rows.length > 0;
    renderCount();
  }

  function renderCount() {
    const present = [...state.attendance.values()].filter((r) => !r.status || r.status === 'present').length;
    const total = state.students.length;
    $('attendance-count').textContent = total ? `${present} of ${total} present` : `${present} present`;
  }

  async function exportCsv(event) {
    event.preventDefault();
    const from = $('export-from').value;
    const to = $('export-to').value;
    if (!from || !to) return;
    if (from > to) { toast('The “from” date must not be after the “to” date.'); return; }
    try {
      // A plain link cannot carry the Authorization header, so fetch a blob.
      const query = `${orgQuery()}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
      const blob = await (await request('GET', `/api/attendance.csv?${query}`)).blob();
      const url = URL.createObjectURL(blob);
      const link = el('a', { href: url, download: `attendance-${from}-to-${to}.csv` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (err) { report(err); }
  }

  // ---------- sightings ----------

  function onSighting(student, socketDeviceId) {
    if (!student) return;
    const s = {
      studentId: student.studentId,
      name: student.name || 'Unknown',
      enrollmentNo: student.enrollmentNo || '',
      deviceId: socketDeviceId,
      timestamp: student.timestamp || '',
    };
    // The same event may arrive on several sockets; show it once.
    const dup = state.sightings.some((x) => x.studentId === s.studentId &&
      x.deviceId === s.deviceId && x.timestamp === s.timestamp && s.timestamp);
    if (dup) return;
    state.sightings.unshift(s);
    state.sightings.length = Math.min(state.sightings.length, MAX_SIGHTINGS);
    renderSightings(true);
  }

  function renderSightings(flashFirst) {
    $('sightings-list').replaceChildren(...state.sightings.map((s, i) => el('li', { class: flashFirst && i === 0 ? 'flash' : null },
      el('div', {}, el('strong', {}, s.name), s.enrollmentNo ? el('span', { class: 'mono small muted' }, ` ${s.enrollmentNo}`) : null),
      el('div', { class: 'small muted' },
        `${deviceName(s.deviceId)} · ${s.timestamp ? timeOf(s.timestamp) : new Date().toLocaleTimeString()}`))));
    $('sightings-empty').hidden = state.sightings.length > 0;
  }

  // ---------- roster ----------

  async function loadStudents() {
    const gen = state.generation;
    try {
      const students = await api('GET', `/api/students?${orgQuery()}`);
      if (gen !== state.generation) return;
      state.students = students || [];
      renderRoster();
      renderCount();
    } catch (err) { report(err); }
  }

  const studentIdOf = (student) => student._id || student.id;

  // images[i] and photoIds[i] describe the same photo; fall back to the URL's last segment.
  function photosOf(student) {
    const images = student.images || [];
    const ids = student.photoIds || [];
    return images.map((url, i) => ({ url, id: ids[i] || String(url).split('/').pop() }));
  }

  function renderRoster() {
    const students = [...state.students].sort((a, b) => String(a.name).localeCompare(String(b.name)));
    $('student-list').replaceChildren(...students.map(studentCard));
    $('students-empty').hidden = students.length > 0;
    $('roster-count').textContent = students.length ? plural(students.length, 'student') : '';
  }

  function studentCard(student) {
    const photos = photosOf(student);
    const main = photos.length
      ? el('img', { class: 'student-photo', src: photos[0].url, alt: `Photo of ${student.name}`, loading: 'lazy' })
      : el('div', { class: 'student-photo student-photo-empty' }, 'No photo');
    const thumbs = photos.map((p) => el('div', { class: 'thumb' },
      el('img', {
        src: p.url, alt: '', loading: 'lazy', title: 'Show larger',
        onclick: () => { if (main.tagName === 'IMG') main.src = p.url; },
      }),
      el('button', {
        type: 'button', class: 'thumb-remove', title: 'Remove this photo', 'aria-label': 'Remove this photo',
        onclick: () => deletePhoto(student, p.id),
      }, '×')));
    const fileInput = el('input', {
      type: 'file', accept: 'image/jpeg,image/png', multiple: true, class: 'visually-hidden',
      onchange: (e) => addPhotos(student, e.target),
    });
    return el('article', { class: 'card student-card' },
      main,
      el('div', { class: 'student-body' },
        el('h3', {}, student.name || ''),
        el('div', { class: 'mono small muted' }, student.enrollmentNo || ''),
        el('div', { class: 'small muted' }, plural(photos.length, 'photo')),
        el('div', { class: 'thumbs' }, thumbs),
        el('div', { class: 'card-actions' },
          el('label', { class: 'btn btn-small' }, 'Add photo', fileInput),
          el('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => deleteStudent(student) }, 'Remove student'))));
  }

  async function deleteStudent(student) {
    if (!confirm(`Remove ${student.name} (${student.enrollmentNo}) and all their photos?`)) return;
    try {
      await api('DELETE', `/api/students/${encodeURIComponent(studentIdOf(student))}`);
      toast(`${student.name} removed.`, 'success');
      loadStudents();
    } catch (err) { report(err); }
  }

  async function deletePhoto(student, photoId) {
    if (!confirm(`Remove this photo of ${student.name}?`)) return;
    try {
      await api('DELETE', `/api/photos/${encodeURIComponent(photoId)}`);
      loadStudents();
    } catch (err) { report(err); }
  }

  async function addPhotos(student, input) {
    const files = acceptableFiles([...input.files]);
    input.value = '';
    if (!files.length) return;
    try {
      for (const file of files) {
        const photo = await fileToBase64(file);
        await api('POST', `/api/students/${encodeURIComponent(studentIdOf(student))}/photos`, { photo });
      }
      toast(`Added ${plural(files.length, 'photo')} for ${student.name}.`, 'success');
    } catch (err) { report(err); }
    loadStudents();
  }

  // ---------- photos & enrolment ----------

  function isImageFile(file) {
    return ['image/jpeg', 'image/png'].includes(file.type) || (!file.type && /\.(jpe?g|png)$/i.test(file.name));
  }

  // Refuses (with a notice) files that are too big or not JPEG/PNG.
  function acceptableFiles(files) {
    return files.filter((file) => {
      if (!isImageFile(file)) { toast(`${file.name} is not a JPEG or PNG image.`); return false; }
      if (file.size > MAX_PHOTO_BYTES) { toast(`${file.name} is larger than 10 MB.`); return false; }
      return true;
    });
  }

  // Base64 of the raw file bytes (the data: URL prefix is stripped).
  function fileToBase64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => {
        const url = String(reader.result);
        resolve(url.slice(url.indexOf(',') + 1));
      };
      reader.onerror = () => reject(new Error(`Could not read ${file.name}.`));
      reader.readAsDataURL(file);
    });
  }

  // input.files cannot be edited, so chosen files are collected here,
  // which also lets the user pick photos in several rounds.
  function choosePhotos(event) {
    for (const file of acceptableFiles([...event.target.files])) {
      pendingPhotos.push({ file, url: URL.createObjectURL(file) });
    }
    event.target.value = '';
    renderPreviews();
  }

  function removePendingPhoto(index) {
    URL.revokeObjectURL(pendingPhotos[index].url);
    pendingPhotos.splice(index, 1);
    renderPreviews();
  }

  function renderPreviews() {
    $('student-form-previews').replaceChildren(...pendingPhotos.map((p, i) => el('div', { class: 'thumb thumb-large' },
      el('img', { src: p.url, alt: p.file.name, title: p.file.name }),
      el('button', {
        type: 'button', class: 'thumb-remove', 'aria-label': `Remove ${p.file.name}`,
        onclick: () => removePendingPhoto(i),
      }, '×'))));
  }

  async function enrolStudent(event) {
    event.preventDefault();
    const name = $('student-form-name').value.trim();
    const enrollmentNo = $('student-form-enrollment').value.trim();
    if (!name || !enrollmentNo) return;
    if (!pendingPhotos.length) { toast('Add at least one photo so the devices can recognise this student.'); return; }
    const button = $('student-form-submit');
    button.disabled = true;
    button.textContent = 'Enrolling…';
    try {
      const photos = await Promise.all(pendingPhotos.map((p) => fileToBase64(p.file)));
      await api('POST', '/api/students', { organizationId: state.orgId, name, enrollmentNo, photos });
      event.target.reset();
      pendingPhotos.forEach((p) => URL.revokeObjectURL(p.url));
      pendingPhotos = [];
      renderPreviews();
      toast(`${name} enrolled.`, 'success');
      loadStudents();
    } catch (err) {
      report(err);
    } finally {
      button.disabled = false;
      button.textContent = 'Enrol student';
    }
  }

  // ---------- start-up ----------

  function bindEvents() {
    $('login-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const token = $('login-token').value.trim();
      if (!token) return;
      state.token = token;
      localStorage.setItem(TOKEN_KEY, token);
      loadOrganizations();
    });
    $('sign-out').addEventListener('click', (e) => { e.preventDefault(); signOut(); });
    $('status-retry').addEventListener('click', () => loadOrganizations());
    $('org-select').addEventListener('change', (e) => selectOrganization(e.target.value));
    $('new-org-button').addEventListener('click', () => showOrgForm(true));
    $('org-form').addEventListener('submit', createOrganization);
    $('org-form-cancel').addEventListener('click', () => showView('app'));
    $('device-form').addEventListener('submit', addDevice);
    $('device-secret-copy').addEventListener('click', copySecret);
    $('device-secret-dismiss').addEventListener('click', () => { $('device-secret').hidden = true; });
    $('attendance-date').addEventListener('change', (e) => { if (e.target.value) setDate(e.target.value); });
    $('export-form').addEventListener('submit', exportCsv);
    $('student-form-photos').addEventListener('change', choosePhotos);
    $('student-form').addEventListener('submit', enrolStudent);
    // Don't leave cameras streaming to nobody when the tab goes away.
    window.addEventListener('pagehide', () => {
      for (const id of streaming) sendTo(id, { type: 'stop_stream', targetDeviceId: id });
    });
  }

  function boot() {
    bindEvents();
    const today = todayLocal();
    $('attendance-date').value = today;
    $('export-from').value = `${today.slice(0, 8)}01`; // first day of this month
    $('export-to').value = today;
    takeTokenFromUrl();
    state.token = localStorage.getItem(TOKEN_KEY);
    if (!state.token) { showLogin(); return; }
    loadOrganizations();
  }

  boot();
})();
