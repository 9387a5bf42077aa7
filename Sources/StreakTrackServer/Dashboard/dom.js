// Building the page safely, and the small things every view shares: dates,
// numbers, notices, dialogs, copying. Server data only ever reaches the page
// through el() (text nodes and attributes), never through innerHTML, and
// styles only through the CSSOM (the CSP refuses style attributes).

export const $ = (id) => document.getElementById(id);

const SVG_NS = 'http://www.w3.org/2000/svg';

// Properties set on the element rather than as attributes, because the
// attribute is only the default (value of an input that is later edited).
const PROPERTIES = new Set(['value', 'checked', 'selected', 'indeterminate']);

function apply(node, props) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') node.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    else if (key === 'style') Object.assign(node.style, value); // CSSOM: allowed by style-src 'self'
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (PROPERTIES.has(key)) node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false || child === '') continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

// Replaces a node's children; like el(), skips null/false and flattens arrays
// (the native replaceChildren would print "null").
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

// Appends like el() does: skips null/false (the native append would print "null").
export function add(node, ...children) {
  append(node, children);
  return node;
}

// el('a', {href, class}, 'text', otherNode...): strings become text nodes.
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  apply(node, props);
  append(node, children);
  return node;
}

export function svg(tag, props, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  apply(node, props);
  append(node, children);
  return node;
}

// ---------- numbers & words ----------

export const plural = (n, word, many) => `${n.toLocaleString()} ${n === 1 ? word : many || `${word}s`}`;

export function percent(rate, digits = 0) {
  return rate == null || Number.isNaN(rate) ? '–' : `${(rate * 100).toFixed(digits)}%`;
}

// "Asha Verma, Ravi Rao and 12 others": long lists (look-alikes of a reused
// photo can be hundreds) must not flood the page.
export function someNames(names, max = 3) {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} others`;
}

// ---------- dates (school days are local calendar days, never UTC) ----------

const pad = (n) => String(n).padStart(2, '0');
export const isoDay = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
export const todayIso = () => isoDay(new Date());
export const thisMonth = () => todayIso().slice(0, 7);

export function parseDay(day) {
  const [y, m, d] = String(day).split('-').map(Number);
  return new Date(y, m - 1, d || 1);
}

export function addDays(day, n) {
  const d = parseDay(day);
  d.setDate(d.getDate() + n);
  return isoDay(d);
}

export function addMonths(month, n) {
  const d = parseDay(`${month}-01`);
  d.setMonth(d.getMonth() + n);
  return isoDay(d).slice(0, 7);
}

export const lastDayOfMonth = (month) => addDays(`${addMonths(month, 1)}-01`, -1);
export const isoWeekday = (day) => ((parseDay(day).getDay() + 6) % 7) + 1; // Monday = 1

export const formatDay = (day, opts = { weekday: 'short', day: 'numeric', month: 'short' }) =>
  parseDay(day).toLocaleDateString(undefined, opts);
export const longDay = (day) => formatDay(day, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
export const formatMonth = (month) => parseDay(`${month}-01`).toLocaleDateString(undefined, { month: 'long', year: 'numeric' });

export function formatTimestamp(iso) {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? String(iso) : new Date(t).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

// Attendance times come as "HH:MM:SS" (server local time); show HH:MM.
export const shortTime = (time) => (time ? String(time).match(/\d{1,2}:\d{2}/)?.[0] || String(time) : '');

export function relativeTime(iso) {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return String(iso);
  const s = Math.round((Date.now() - t) / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  return `${plural(Math.floor(h / 24), 'day')} ago`;
}

// ---------- files ----------

// Base64 of the raw bytes (the API wants no data: prefix).
export function fileToBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => { const s = String(reader.result); resolve(s.slice(s.indexOf(',') + 1)); };
    reader.onerror = () => reject(new Error(`Could not read ${file.name}.`));
    reader.readAsDataURL(file);
  });
}

export const isPhotoFile = (f) => /^image\/(jpeg|png)$/.test(f.type) || /\.(jpe?g|png)$/i.test(f.name);

// ---------- notices ----------

const recent = new Map(); // text -> time: the same failure from ten requests is one notice
export function toast(message, kind = 'error') {
  const text = String(message || 'Something went wrong.');
  if (Date.now() - (recent.get(text) || 0) < 5000) return;
  recent.set(text, Date.now());
  const node = el('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    el('span', {}, text),
    el('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: () => node.remove() }, '×'));
  $('toasts').append(node);
  setTimeout(() => node.remove(), kind === 'error' ? 9000 : 5000);
}

// An empty-state / error line inside a view.
export const note = (text, cls = 'empty') => el('p', { class: cls }, text);

// ---------- dialogs (own <dialog>s: window.confirm blocks browser tests and looks foreign) ----------

// Resolves to { reason, time } (time: when the student came, 'HH:MM' or ''; asked
// only `withTime`), or null when cancelled. The API refuses corrections without a reason.
export function askReason(title, detail, { withTime = false } = {}) {
  const dialog = $('reason-dialog');
  $('reason-title').textContent = title;
  $('reason-detail').textContent = detail || '';
  const text = $('reason-text');
  const time = $('reason-time');
  text.value = '';
  time.value = '';
  $('reason-time-row').hidden = !withTime;
  return new Promise((resolve) => {
    const onClose = () => {
      dialog.removeEventListener('close', onClose);
      resolve(dialog.returnValue === 'ok' && text.value.trim() ? { reason: text.value.trim(), time: withTime ? time.value : '' } : null);
    };
    dialog.addEventListener('close', onClose);
    dialog.returnValue = '';
    dialog.showModal();
    text.focus();
  });
}

// Resolves true when the person confirms. `danger` colours the button.
export function confirmAction(title, detail, okText = 'Remove') {
  const dialog = $('confirm-dialog');
  $('confirm-title').textContent = title;
  $('confirm-detail').textContent = detail || '';
  $('confirm-ok').textContent = okText;
  return new Promise((resolve) => {
    const onClose = () => { dialog.removeEventListener('close', onClose); resolve(dialog.returnValue === 'ok'); };
    dialog.addEventListener('close', onClose);
    dialog.returnValue = '';
    dialog.showModal();
    $('confirm-cancel').focus(); // the safe choice has the focus
  });
}

// Clipboard needs a secure context (https or localhost); otherwise select the
// text so Ctrl+C works.
export async function copyText(text, selectNode) {
  try {
    await navigator.clipboard.writeText(text);
    toast('Copied.', 'success');
  } catch (_) {
    if (selectNode) {
      if (selectNode.select) selectNode.select(); else getSelection().selectAllChildren(selectNode);
    }
    toast('Press Ctrl+C (⌘C) to copy the selected text.', 'info');
  }
}

// A copy-able one-time secret or link: the text itself (selectable, and readable
// as textContent by a script) and a Copy button.
export function copyBox(value, { id, label, multiline } = {}) {
  const text = el(multiline ? 'pre' : 'code', { id, class: 'copy-value', tabindex: '0', 'aria-label': label }, value);
  return el('div', { class: 'copy-box' }, text,
    el('button', { type: 'button', class: 'btn btn-small', onclick: () => copyText(value, text) }, 'Copy'));
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// Starts a browser download of a text we already have (a config.json).
export function downloadText(name, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// A <select> of options [{value, label}], with the current one selected.
export function select(props, options, current) {
  return el('select', props, options.map((o) =>
    el('option', { value: o.value, selected: String(o.value) === String(current ?? '') }, o.label)));
}

// Heading row of a view: title, then anything else (controls) on the right.
export const viewHead = (title, ...rest) => el('div', { class: 'view-head' }, el('h1', {}, title), el('div', { class: 'view-tools' }, rest));

// ---------- the address: "#/students?q=asha&page=2" ----------

// "#/students?q=asha&page=2" -> {path:'students', query:URLSearchParams}
export function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, q] = raw.split('?');
  return { path: path || 'today', query: new URLSearchParams(q || '') };
}

// Keeps a view's state (search, page, date) in the address without re-rendering,
// so reload and Back return to the same list.
export function setQuery(params) {
  const { path } = parseHash();
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '' && v !== false) q.set(k, v);
  const s = q.toString();
  history.replaceState(history.state, '', `#/${path}${s ? `?${s}` : ''}`);
}

const ROLE_NAMES = { admin: 'Admin', coadmin: 'Co-admin', teacher: 'Teacher' };
export const roleName = (r) => ROLE_NAMES[r] || r;
