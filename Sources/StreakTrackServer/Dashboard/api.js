// Talking to the server: JSON calls with the session cookie and the CSRF
// header, uploads with progress, and who the signed-in person is. A 401 from
// any call means the session ended: the app is told once and shows sign-in.

export class ApiError extends Error {
  constructor(message, status, data) { super(message); this.status = status; this.data = data; }
}

// The signed-in person: {user, csrf, organization}, or null.
export const session = { current: null };

const listeners = { unauthorized: () => {} };
export function onUnauthorized(fn) { listeners.unauthorized = fn; }

export function setSession(data) { session.current = data; clearCache(); }
export const user = () => session.current?.user;
export const role = () => user()?.role;

// Capabilities as the server grants them (Principal.Capability); the UI only
// offers what the role can do, the server still decides.
export function can(capability) {
  const r = role();
  switch (capability) {
    case 'people': return r === 'admin';
    case 'roster': case 'allAttendance': return r === 'admin' || r === 'coadmin';
    default: return !!r;
  }
}

async function errorText(res) {
  const text = await res.text().catch(() => '');
  try {
    const data = JSON.parse(text);
    if (data && data.error) return [String(data.error), data];
  } catch (_) { /* not JSON */ }
  return [text.trim().slice(0, 300) || `The server answered ${res.status} ${res.statusText}.`, null];
}

// A JSON call. Throws ApiError with the server's {"error"} text. `quiet401`:
// the caller (sign-in) handles a 401 itself instead of ending the session.
export async function api(method, path, body, { quiet401 = false } = {}) {
  const headers = {};
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) { headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  if (method !== 'GET' && session.current?.csrf) headers['X-CSRF-Token'] = session.current.csrf;
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(`Cannot reach the server (${e.message}).`, 0);
  }
  if (!res.ok) {
    const [message, data] = await errorText(res);
    if (res.status === 401 && !quiet401 && session.current) listeners.unauthorized(message);
    throw new ApiError(message, res.status, data);
  }
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export const get = (path) => api('GET', path);

// "?a=1&b=2" from an object, leaving out empty values. Spaces are sent as %20:
// the server does not read "+" as a space (URLSearchParams would send "+").
export function query(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v != null && v !== '') parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

// A raw-bytes PUT with upload progress (fetch has none): onProgress(sentBytes).
export function putFile(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', path);
    xhr.setRequestHeader('X-CSRF-Token', session.current?.csrf || '');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress && onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) { resolve(); return; }
      let message = `Upload of ${file.name} failed (${xhr.status}).`;
      try { message = JSON.parse(xhr.responseText).error || message; } catch (_) { /* not JSON */ }
      if (xhr.status === 401 && session.current) listeners.unauthorized(message);
      reject(new ApiError(message, xhr.status));
    };
    xhr.onerror = () => reject(new ApiError(`Cannot reach the server to upload ${file.name}.`, 0));
    xhr.send(file);
  });
}

// ---------- lists many views need (classes, devices), cached briefly ----------

const cache = new Map(); // key -> {at, promise}
const CACHE_MS = 30000;

function cached(key, load) {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.promise;
  const promise = load();
  cache.set(key, { at: Date.now(), promise });
  promise.catch(() => cache.delete(key)); // don't keep a failure
  return promise;
}

export function clearCache(key) { if (key) cache.delete(key); else cache.clear(); }

// Sorted by name, so every selector lists classes the same way.
export const classes = () => cached('classes', async () =>
  (await get('/api/classes')).sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true })));
export const devices = () => cached('devices', () => get('/api/devices'));

export async function classNames() {
  const map = new Map();
  for (const c of await classes()) map.set(c.id, c.name);
  return map;
}

// ---------- finding one student (there is no GET /api/students/ID) ----------

// id -> enrolment number of students seen in lists, so a student page can ask
// for its student with a narrow search instead of reading the whole school.
const KNOWN = 'streaktrack.students';

export function rememberStudents(list) {
  let known;
  try { known = JSON.parse(sessionStorage.getItem(KNOWN) || '{}'); } catch (_) { known = {}; }
  for (const s of list) if (s && (s._id || s.studentId) && s.enrollmentNo) known[s._id || s.studentId] = s.enrollmentNo;
  const ids = Object.keys(known);
  if (ids.length > 5000) for (const id of ids.slice(0, ids.length - 5000)) delete known[id];
  try { sessionStorage.setItem(KNOWN, JSON.stringify(known)); } catch (_) { /* storage full: only slower */ }
}

export async function findStudent(id) {
  try {
    return await get(`/api/students/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err.status === 404 || err.status === 403) return null;
    throw err;
  }
}
