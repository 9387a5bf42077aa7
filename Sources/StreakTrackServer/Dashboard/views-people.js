// People (admins only): who can sign in and with which role, invitations and
// password resets (both are one-time links the admin passes on: the server
// sends no e-mail), and the audit log of who changed what, newest first.

import { api, get, user, clearCache, classes as loadClasses, devices as loadDevices } from './api.js';
import { el, viewHead, note, toast, confirmAction, copyBox, formatTimestamp, roleName, relativeTime, fill, add } from './dom.js';

const ROLE_HELP = {
  teacher: 'their own classes: attendance, corrections, reports, live view',
  coadmin: 'everything except people and the audit log',
  admin: 'everything',
};

export async function render(root, _params, ctx) {
  const listBox = el('div', { id: 'people-list' });
  const linkBox = el('div', { id: 'invite-link-box', 'aria-live': 'polite' });
  const auditBody = el('tbody', { id: 'audit-list' });
  const older = el('button', { type: 'button', id: 'audit-older', class: 'btn btn-small' }, 'Older');

  const login = el('input', { id: 'invite-login', type: 'text', required: true, spellcheck: 'false', autocomplete: 'off', placeholder: 'asha.verma' });
  const name = el('input', { id: 'invite-name', type: 'text', required: true, autocomplete: 'off', placeholder: 'Asha Verma' });
  const role = el('select', { id: 'invite-role' }, ['teacher', 'coadmin', 'admin'].map((r) => el('option', { value: r }, roleName(r))));
  const roleHelp = el('span', { class: 'small muted', id: 'invite-role-help' }, ROLE_HELP.teacher);
  role.setAttribute('aria-describedby', 'invite-role-help');
  role.addEventListener('change', () => { roleHelp.textContent = ROLE_HELP[role.value]; });
  const form = el('form', { id: 'invite-form', class: 'inline-form' },
    el('div', { class: 'field' }, el('label', { for: 'invite-name' }, 'Name'), name),
    el('div', { class: 'field' }, el('label', { for: 'invite-login' }, 'Login'), login),
    el('div', { class: 'field' }, el('label', { for: 'invite-role' }, 'Role'), role),
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Invite'), roleHelp);

  add(root, viewHead('People'),
    el('section', { class: 'panel' }, el('h2', {}, 'Invite someone'), form, linkBox),
    el('section', { class: 'panel' }, el('h2', {}, 'People who can sign in'), listBox),
    el('section', { class: 'panel' }, el('h2', {}, 'Audit log'),
      el('div', { class: 'table-wrap table-tall' }, el('table', { class: 'table table-compact' },
        el('thead', {}, el('tr', {}, ['When', 'Who', 'What', 'Target', 'Detail'].map((h) => el('th', { scope: 'col' }, h)))), auditBody)),
      el('div', { class: 'row' }, older)));

  // The link is the only way in for them: show it to copy, say it works once.
  function showLink(person, link, kind) {
    fill(linkBox, el('div', { class: 'secret-box' },
      el('p', {}, el('strong', {}, kind === 'reset' ? `Password reset for ${person.name}. ` : `${person.name} is invited as ${roleName(person.role).toLowerCase()}. `),
        'Send them this link: it works once, for a few days, and lets them choose their password.'),
      copyBox(link, { id: 'invite-link', label: 'One-time link' })));
    linkBox.querySelector('button')?.focus(); // Copy is the next thing to do
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const res = await api('POST', '/api/users', { login: login.value.trim(), name: name.value.trim(), role: role.value });
      form.reset();
      roleHelp.textContent = ROLE_HELP.teacher;
      showLink(res.user, res.link, 'invitation');
      clearCache();
      loadPeople();
      reloadAudit();
    } catch (err) { toast(err.message); }
  });

  // Audit targets are ids: name the people, classes and doors we know (students' names are in the detail).
  const names = new Map();
  try {
    for (const c of await loadClasses()) names.set(c.id, `class ${c.name}`);
    for (const d of await loadDevices()) names.set(d.id, `door ${d.name || d.id}`);
  } catch (_) { /* ids then */ }

  async function loadPeople() {
    let people;
    try { people = await get('/api/users'); } catch (err) { fill(listBox, el('p', { class: 'form-error' }, err.message)); return; }
    if (!ctx.alive()) return;
    for (const p of people) names.set(p.id, `${p.name} (${p.login})`);
    const me = user();
    const order = { admin: 0, coadmin: 1, teacher: 2 };
    people.sort((a, b) => order[a.role] - order[b.role] || a.name.localeCompare(b.name));
    fill(listBox, people.length ? el('div', { class: 'table-wrap' }, el('table', { class: 'table' },
      el('thead', {}, el('tr', {}, ['Name', 'Login', 'Role', 'Status', 'Since', ''].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, people.map((p) => el('tr', { 'data-user-id': p.id },
        el('th', { scope: 'row' }, p.name, p.id === me.id ? el('span', { class: 'tag' }, 'you') : null),
        el('td', { class: 'mono' }, p.login),
        el('td', {}, el('span', { class: `role-badge role-${p.role}` }, roleName(p.role))),
        // No password yet: the invitation (or reset) link has not been used.
        el('td', {}, p.active ? 'Can sign in' : el('span', { class: 'warn-text' }, 'Link not used yet')),
        el('td', { class: 'small', title: formatTimestamp(p.createdAt) }, relativeTime(p.createdAt)),
        el('td', { class: 'actions' },
          el('button', { type: 'button', class: 'btn btn-small', onclick: () => reset(p) }, p.active ? 'Reset password' : 'New link'),
          p.id === me.id ? null : el('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => remove(p) }, 'Remove'))))))) : note('Nobody yet.'));
  }

  async function reset(p) {
    const self = p.id === user().id;
    if (!await confirmAction(`New password link for ${p.name}?`,
      `${self ? 'Your' : 'Their'} current password stops working now; the link lets ${self ? 'you' : 'them'} choose a new one.`, 'Make a link')) return;
    try {
      const res = await api('POST', `/api/users/${encodeURIComponent(p.id)}/reset`);
      showLink(res.user, res.link, 'reset');
      loadPeople();
      reloadAudit();
    } catch (err) { toast(err.message); }
  }

  async function remove(p) {
    if (!await confirmAction(`Remove ${p.name}?`, `${p.login} will not be able to sign in any more, and leaves the classes they teach.`)) return;
    try {
      await api('DELETE', `/api/users/${encodeURIComponent(p.id)}`);
      toast(`${p.name} removed.`, 'success');
      clearCache();
      loadPeople();
      reloadAudit();
    } catch (err) { toast(err.message); }
  }

  // ---------- audit: pages of 100, going back with before=<last id> ----------
  let oldest = null;
  async function loadAudit() {
    older.disabled = true;
    try {
      const entries = await get(`/api/audit?limit=100${oldest != null ? `&before=${encodeURIComponent(oldest)}` : ''}`);
      if (!ctx.alive()) return;
      if (oldest == null && !entries.length) fill(auditBody, el('tr', {}, el('td', { colspan: 5, class: 'empty' }, 'Nothing recorded yet.')));
      add(auditBody, ...entries.map((a) => el('tr', { 'data-audit-id': a.id },
        el('td', { class: 'small nowrap' }, formatTimestamp(a.at)),
        el('td', {}, String(a.actor).replace(/^user:/, '')),
        el('td', { class: 'mono small' }, a.action),
        names.has(a.target) ? el('td', { class: 'small', title: a.target }, names.get(a.target)) : el('td', { class: 'mono small muted' }, a.target),
        el('td', { class: 'small' }, a.detail))));
      if (entries.length) oldest = entries[entries.length - 1].id;
      older.hidden = entries.length < 100;
    } catch (err) { toast(err.message); } finally { older.disabled = false; }
  }
  function reloadAudit() { oldest = null; fill(auditBody); loadAudit(); }
  older.addEventListener('click', loadAudit);

  await loadPeople(); // first: the audit names the people
  await loadAudit();
}
