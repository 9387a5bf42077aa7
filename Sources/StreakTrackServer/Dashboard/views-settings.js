// Settings (admins, co-admins): the school calendar attendance is counted
// against — which weekdays are school days, and the holidays. Account
// (everyone): who am I, change my password, sign out.

import { api, get, session, setSession, user } from './api.js';
import { el, viewHead, toast, longDay, isoWeekday, roleName, copyBox, fill, add } from './dom.js';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export async function renderSettings(root, _params, ctx) {
  const [calendar, settings] = await Promise.all([get('/api/calendar'), get('/api/settings').catch(() => ({}))]);
  if (!ctx.alive()) return;

  // ---------- weekdays ----------
  const boxes = WEEKDAYS.map((d, i) => el('label', { class: 'check', for: `weekday-${i + 1}` },
    el('input', { type: 'checkbox', id: `weekday-${i + 1}`, value: String(i + 1), checked: calendar.weekdays.includes(i + 1) }), d));
  const weekForm = el('form', { id: 'weekdays-form', class: 'stack' },
    el('fieldset', {}, el('legend', {}, 'School days'), el('div', { class: 'check-grid' }, boxes)),
    el('div', {}, el('button', { type: 'submit', class: 'btn btn-primary' }, 'Save school days')));
  weekForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const weekdays = [...weekForm.querySelectorAll('input:checked')].map((i) => Number(i.value));
    try {
      await api('PUT', '/api/calendar/weekdays', { weekdays });
      toast('School days saved.', 'success');
    } catch (err) { toast(err.message); }
  });

  // ---------- holidays ----------
  const list = el('ul', { id: 'holiday-list', class: 'holiday-list' });
  const date = el('input', { id: 'holiday-date', type: 'date', required: true });
  const name = el('input', { id: 'holiday-name', type: 'text', required: true, placeholder: 'Diwali' });
  const addForm = el('form', { id: 'holiday-form', class: 'inline-form' },
    el('div', { class: 'field' }, el('label', { for: 'holiday-date' }, 'Day'), date),
    el('div', { class: 'field' }, el('label', { for: 'holiday-name' }, 'Name'), name),
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Add holiday'));
  const weekend = el('p', { class: 'small warn-text', 'aria-live': 'polite' });
  date.addEventListener('change', () => {
    const day = date.value && isoWeekday(date.value);
    weekend.textContent = day && !calendar.weekdays.includes(day) ? `${WEEKDAYS[day - 1]} is not a school day anyway.` : '';
  });

  async function reload() {
    const fresh = await get('/api/calendar');
    if (!ctx.alive()) return;
    calendar.holidays = fresh.holidays;
    calendar.weekdays = fresh.weekdays;
    drawHolidays();
  }

  function drawHolidays() {
    const days = Object.keys(calendar.holidays).sort();
    fill(list, ...days.map((d) => el('li', { 'data-day': d },
      el('span', { class: 'holiday-day' }, longDay(d)), el('span', {}, calendar.holidays[d]),
      el('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Remove the holiday of ${longDay(d)}`, onclick: async () => {
        try { await api('DELETE', `/api/calendar/holidays/${encodeURIComponent(d)}`); reload(); } catch (err) { toast(err.message); }
      } }, 'Remove'))));
    if (!days.length) fill(list, el('li', { class: 'empty' }, 'No holidays yet.'));
  }

  addForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('PUT', `/api/calendar/holidays/${encodeURIComponent(date.value)}`, { name: name.value.trim() });
      addForm.reset();
      weekend.textContent = '';
      reload();
    } catch (err) { toast(err.message); }
  });

  const org = session.current.organization;
  add(root, viewHead('Settings'),
    el('div', { class: 'split' },
      el('section', { class: 'panel' }, el('h2', {}, 'School week'),
        el('p', { class: 'small muted' }, 'Attendance, rates and streaks count school days only: other days are greyed out in calendars.'), weekForm),
      el('section', { class: 'panel' }, el('h2', {}, 'Holidays'), addForm, weekend, list)),
    el('section', { class: 'panel' }, el('h2', {}, 'School'),
      el('dl', { class: 'facts' },
        el('dt', {}, 'Name'), el('dd', {}, org ? org.name : ''),
        el('dt', {}, 'Organization id'), el('dd', {}, org ? copyBox(org.id, { label: 'Organization id' }) : ''),
        el('dt', {}, 'Devices'), el('dd', {}, settings.openDevices
          ? el('span', { class: 'warn-text' }, 'Open: any device id is admitted (the server runs with --open-devices).')
          : 'Only registered devices may connect.'))));
  drawHolidays();
}

export async function renderAccount(root) {
  const me = user();
  const current = el('input', { id: 'password-current', type: 'password', autocomplete: 'current-password', required: true });
  const fresh = el('input', { id: 'password-new', type: 'password', autocomplete: 'new-password', minlength: 10, required: true,
    'aria-describedby': 'password-new-hint' });
  const message = el('p', { role: 'status', 'aria-live': 'polite' });
  const form = el('form', { id: 'password-form', class: 'stack narrow-form' },
    // For password managers: which account this password belongs to.
    el('input', { type: 'text', autocomplete: 'username', value: me.login, hidden: true, readonly: true, tabindex: '-1', 'aria-hidden': 'true' }),
    el('label', { for: 'password-current' }, 'Current password'), current,
    el('label', { for: 'password-new' }, 'New password'), fresh,
    el('span', { id: 'password-new-hint', class: 'small muted' }, 'At least 10 characters. Your other sessions end; this one carries on.'),
    el('div', {}, el('button', { type: 'submit', class: 'btn btn-primary' }, 'Change password')), message);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    message.className = '';
    try {
      // The answer is a new session (a new CSRF token with it).
      setSession(await api('POST', '/api/password', { current: current.value, new: fresh.value }));
      form.reset();
      message.className = 'ok-text';
      message.textContent = 'Password changed.';
    } catch (err) {
      message.className = 'form-error';
      message.textContent = err.message;
    }
  });
  add(root, viewHead('Account'),
    el('section', { class: 'panel' },
      el('dl', { class: 'facts' },
        el('dt', {}, 'Name'), el('dd', {}, me.name),
        el('dt', {}, 'Login'), el('dd', { class: 'mono' }, me.login),
        el('dt', {}, 'Role'), el('dd', {}, roleName(me.role)),
        el('dt', {}, 'School'), el('dd', {}, session.current.organization ? session.current.organization.name : '')),
      el('button', { type: 'button', id: 'account-sign-out', class: 'btn', onclick: () => document.getElementById('sign-out').click() }, 'Sign out')),
    el('section', { class: 'panel' }, el('h2', {}, 'Change password'), form));
}
