// StreakTrack dashboard: start-up, signing in (and the one-time links), the
// navigation a role is allowed, and hash routing between views. Plain
// JavaScript modules, no build step, no dependencies.
//
// A view is a function render(root, params, ctx). ctx lets it drop responses
// that arrive after the person went elsewhere (ctx.alive()), run timers that
// stop on leaving (ctx.every), and clean up sockets (ctx.cleanup).

import { api, setSession, session, can, onUnauthorized, get } from './api.js';
import { $, el, toast, parseHash, roleName, fill, add } from './dom.js';
import { closeAll } from './live.js';
import * as today from './views-today.js';
import * as students from './views-students.js';
import * as student from './views-student.js';
import * as enrol from './views-enrol.js';
import * as classes from './views-classes.js';
import * as devicesView from './views-devices.js';
import * as attendance from './views-attendance.js';
import * as reports from './views-reports.js';
import * as people from './views-people.js';
import * as settings from './views-settings.js';

// Navigation, in order; `cap` is what the role needs (api.can), null for everyone.
const NAV = [
  { path: 'today', label: 'Today', cap: null },
  { path: 'students', label: 'Students', cap: null },
  { path: 'enrol', label: 'Enrol', cap: 'roster' },
  { path: 'attendance', label: 'Attendance', cap: null },
  { path: 'reports', label: 'Reports', cap: null },
  { path: 'classes', label: 'Classes', cap: 'roster' },
  { path: 'devices', label: 'Devices', cap: null },
  { path: 'people', label: 'People', cap: 'people' },
  { path: 'settings', label: 'Settings', cap: 'roster' },
  { path: 'account', label: 'Account', cap: null },
];

// Route patterns -> view and capability.
const ROUTES = [
  { match: /^today$/, view: today.render, cap: null, nav: 'today' },
  { match: /^students$/, view: students.render, cap: null, nav: 'students' },
  { match: /^students\/([^/]+)$/, view: student.render, cap: null, nav: 'students' },
  { match: /^enrol$/, view: enrol.render, cap: 'roster', nav: 'enrol' },
  { match: /^attendance$/, view: attendance.render, cap: null, nav: 'attendance' },
  { match: /^reports$/, view: reports.render, cap: null, nav: 'reports' },
  { match: /^classes$/, view: classes.renderList, cap: 'roster', nav: 'classes' },
  { match: /^classes\/([^/]+)$/, view: classes.renderClass, cap: 'roster', nav: 'classes' },
  { match: /^devices$/, view: devicesView.render, cap: null, nav: 'devices' },
  { match: /^people$/, view: people.render, cap: 'people', nav: 'people' },
  { match: /^settings$/, view: settings.renderSettings, cap: 'roster', nav: 'settings' },
  { match: /^account$/, view: settings.renderAccount, cap: null, nav: 'account' },
];

let current = null; // the mounted view's context
let wanted = null; // the route asked for before signing in, to go back to it
let lastPath = null; // focus moves to the new page only when the page (not its filters) changes

// ---------- view lifecycle ----------

function makeContext() {
  const cleanups = [];
  const ctx = {
    live: true,
    alive: () => ctx.live,
    cleanup: (fn) => cleanups.push(fn),
    every: (ms, fn) => { const t = setInterval(() => { if (ctx.live) fn(); }, ms); cleanups.push(() => clearInterval(t)); },
    dispose: () => {
      ctx.live = false;
      for (const fn of cleanups.splice(0)) { try { fn(); } catch (e) { console.error(e); } }
    },
  };
  return ctx;
}

function unmount() {
  if (current) current.dispose();
  current = null;
}

function route() {
  if (!session.current) return;
  if ($('nav').hidden) { showChrome(true); buildNav(); } // back from a link page
  const { path, query } = parseHash();
  const found = ROUTES.map((r) => ({ r, m: path.match(r.match) })).find((x) => x.m);
  unmount();
  const root = $('main');
  fill(root);
  highlightNav(found ? found.r.nav : null);
  if (!found) {
    add(root, el('h1', {}, 'Page not found'), el('p', {}, el('a', { href: '#/today' }, 'Go to Today')));
    return;
  }
  if (found.r.cap && !can(found.r.cap)) {
    add(root, el('h1', {}, 'Not available'),
      el('p', { class: 'muted' }, `A ${roleName(session.current.user.role).toLowerCase()} cannot open this page.`),
      el('p', {}, el('a', { href: '#/today' }, 'Go to Today')));
    return;
  }
  const ctx = makeContext();
  current = ctx;
  if (path !== lastPath) { lastPath = path; root.focus({ preventScroll: true }); window.scrollTo(0, 0); }
  const params = found.m.slice(1).map(decodeURIComponent);
  try {
    const result = found.r.view(root, params, ctx, query);
    if (result && result.catch) result.catch((err) => showViewError(root, err, ctx));
  } catch (err) { showViewError(root, err, ctx); }
}

// A view that failed to load says why, in place (a 403 says what the role may not do).
function showViewError(root, err, ctx) {
  if (!ctx.alive() || (err && err.status === 401)) return; // gone elsewhere, or sign-in is showing
  console.error(err);
  add(root, el('div', { class: 'banner banner-error', role: 'alert' }, err && err.message ? err.message : String(err)));
}

// ---------- chrome: navigation, header ----------

function buildNav() {
  const items = NAV.filter((n) => !n.cap || can(n.cap));
  fill($('nav-list'), ...items.map((n) =>
    el('li', {}, el('a', { href: `#/${n.path}`, class: 'nav-link', 'data-nav': n.path }, n.label))));
  $('nav').hidden = false;
}

function highlightNav(name) {
  for (const a of document.querySelectorAll('.nav-link')) {
    if (a.dataset.nav === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

function showChrome(signedIn) {
  const s = session.current;
  $('user-box').hidden = !signedIn;
  $('nav').hidden = !signedIn;
  $('org-name').textContent = signedIn && s.organization ? s.organization.name : '';
  if (signedIn) {
    $('user-name').textContent = s.user.name || s.user.login;
    $('user-role').textContent = roleName(s.user.role);
  } else {
    $('open-devices-banner').hidden = true;
  }
}

async function checkOpenDevices() {
  try {
    const s = await get('/api/settings');
    $('open-devices-banner').hidden = !(s && s.openDevices && can('roster'));
  } catch (_) { /* the banner is a courtesy; the views report failures */ }
}

// ---------- signing in and out ----------

function startApp(data) {
  setSession(data);
  showChrome(true);
  buildNav();
  checkOpenDevices();
  if (wanted && wanted !== location.hash) { location.hash = wanted; wanted = null; return; } // hashchange routes
  wanted = null;
  if (!location.hash || location.hash === '#' || location.hash === '#/') location.hash = '#/today';
  else route();
}

function signedOut(message) {
  // After signing in again, come back to the page that was open.
  if (message && location.hash.startsWith('#/')) wanted = location.hash;
  unmount();
  closeAll();
  setSession(null);
  showChrome(false);
  showSignIn(message);
}

function showSignIn(message) {
  const root = $('main');
  const msg = el('p', { id: 'login-message', class: 'form-error', role: 'alert', hidden: !message }, message || '');
  const login = el('input', { id: 'login-login', type: 'text', autocomplete: 'username', required: true, spellcheck: 'false' });
  const password = el('input', { id: 'login-password', type: 'password', autocomplete: 'current-password', required: true });
  const button = el('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in');
  const form = el('form', { id: 'login-form', class: 'stack' },
    el('label', { for: 'login-login' }, 'Login'), login,
    el('label', { for: 'login-password' }, 'Password'), password,
    msg, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    msg.hidden = true;
    try {
      const data = await api('POST', '/api/login', { login: login.value.trim(), password: password.value }, { quiet401: true });
      startApp(data);
    } catch (err) {
      // 401: wrong login or password; 429: throttled, its text says for how long.
      msg.textContent = err.status === 401 ? 'The login or the password is not right.' : err.message;
      msg.hidden = false;
      password.value = '';
      password.focus();
    } finally { button.disabled = false; }
  });
  fill(root, el('section', { class: 'card narrow', 'aria-labelledby': 'login-title' },
    el('h1', { id: 'login-title' }, 'Sign in'),
    el('p', { class: 'muted' }, 'Forgot your password? An administrator can send you a reset link.'),
    form));
  login.focus();
}

// "#link=CODE": the first admin's set-up, an invitation, or a password reset.
async function showLink(code) {
  const root = $('main');
  showChrome(false);
  let link;
  try {
    link = await api('GET', `/api/links/${encodeURIComponent(code)}`, undefined, { quiet401: true });
  } catch (err) {
    fill(root, el('section', { class: 'card narrow' },
      el('h1', {}, 'This link does not work'),
      el('p', {}, err.status === 404 ? 'It was used already or has expired: ask an administrator for a new one.' : err.message),
      el('p', {}, el('a', { href: '#/today' }, 'Sign in instead'))));
    return;
  }
  const setup = link.purpose === 'setup';
  const titles = {
    setup: ['Set up StreakTrack', 'You are the first administrator. Choose the login and name you will sign in with, and a password.'],
    invitation: [`Welcome, ${link.name}`, `You are invited as ${roleName(link.role).toLowerCase()}. Choose a password for the login “${link.login}”.`],
    reset: ['Choose a new password', `For the login “${link.login}”. Your old password no longer works.`],
  };
  const [title, intro] = titles[link.purpose] || ['Choose a password', ''];
  const msg = el('p', { class: 'form-error', role: 'alert', hidden: true });
  const password = el('input', { id: 'link-password', type: 'password', autocomplete: 'new-password', minlength: 10, required: true,
    'aria-describedby': 'link-password-hint' });
  const fields = [];
  let login, name;
  if (setup) {
    login = el('input', { id: 'link-login', type: 'text', value: link.login, autocomplete: 'username', required: true, spellcheck: 'false' });
    name = el('input', { id: 'link-name', type: 'text', value: link.name, autocomplete: 'name', required: true });
    fields.push(el('label', { for: 'link-login' }, 'Login'), login, el('label', { for: 'link-name' }, 'Your name'), name);
  }
  const show = el('input', { type: 'checkbox', id: 'link-show', onchange: (e) => { password.type = e.target.checked ? 'text' : 'password'; } });
  const button = el('button', { type: 'submit', class: 'btn btn-primary' }, setup ? 'Set up and sign in' : 'Save password and sign in');
  // Invitations and resets: which account the new password is for (password managers).
  if (!setup) fields.push(el('input', { type: 'text', autocomplete: 'username', value: link.login, hidden: true, readonly: true, tabindex: '-1' }));
  const form = el('form', { id: 'link-form', class: 'stack' }, fields,
    el('label', { for: 'link-password' }, 'Password'), password,
    el('p', { id: 'link-password-hint', class: 'small muted' }, 'At least 10 characters. A few unrelated words are easy to remember.'),
    el('label', { class: 'check', for: 'link-show' }, show, 'Show the password'),
    msg, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    msg.hidden = true;
    // minlength is not enforced on a value set by a script or a password manager: check here too.
    if (password.value.length < 10) {
      msg.textContent = 'The password needs at least 10 characters.';
      msg.hidden = false;
      button.disabled = false;
      password.focus();
      return;
    }
    const body = { password: password.value };
    if (setup) { body.login = login.value.trim(); body.name = name.value.trim(); }
    try {
      const data = await api('POST', `/api/links/${encodeURIComponent(code)}`, body, { quiet401: true });
      history.replaceState(null, '', '#/today'); // the code must not stay in the address bar or history
      toast(setup ? 'StreakTrack is set up. Welcome!' : 'Password saved. Welcome!', 'success');
      startApp(data);
    } catch (err) {
      msg.textContent = err.message;
      msg.hidden = false;
    } finally { button.disabled = false; }
  });
  fill(root, el('section', { class: 'card narrow', 'aria-labelledby': 'link-title' },
    el('h1', { id: 'link-title' }, title), el('p', {}, intro), form));
  (setup ? login : password).focus();
}

function linkCode() {
  const m = location.hash.match(/^#link=([^&]+)/);
  return m ? decodeURIComponent(m[1]) : null;
}

// Signed in already (the cookie)? Then the app, else the sign-in form.
async function enter() {
  try {
    startApp(await api('GET', '/api/session', undefined, { quiet401: true }));
  } catch (err) {
    wanted = location.hash && location.hash.startsWith('#/') ? location.hash : null;
    showChrome(false);
    showSignIn(err.status === 401 ? '' : err.message);
  }
}

function boot() {
  onUnauthorized(() => signedOut('Your session has ended. Please sign in again.'));
  $('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', () => {
    const code = linkCode();
    if (code) { unmount(); showLink(code); return; }
    if (session.current) route();
    else if (!$('login-form')) enter(); // left a link page for the app
  });
  const code = linkCode();
  if (code) showLink(code); else enter();
}

async function signOut() {
  try { await api('POST', '/api/logout'); } catch (_) { /* signed out locally anyway */ }
  signedOut('');
  history.replaceState(null, '', '#/today');
}

boot();
