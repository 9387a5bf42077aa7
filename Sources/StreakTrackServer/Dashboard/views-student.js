// One student: streaks and rate up front (what a parent meeting asks about),
// a month calendar whose days can be corrected by hand (with a reason), the
// history of those corrections, and for admins the photos and classes.

import { api, get, query, can, clearCache, classes as loadClasses, findStudent, rememberStudents } from './api.js';
import {
  el, note, plural, percent, askReason, confirmAction, toast, thisMonth, todayIso, addMonths, addDays, lastDayOfMonth,
  formatMonth, longDay, shortTime, formatTimestamp, isoWeekday, parseDay, isPhotoFile, fileToBase64, fill, add,
} from './dom.js';
import { face } from './views-students.js';
import { lookAlikeWarning } from './photocheck.js';

const MARK_WORDS = {
  present: 'Present', late: 'Late', absent: 'Absent', noSchool: 'No school', notEnrolled: 'Not enrolled yet', upcoming: 'Not yet',
};
export const markWord = (m) => MARK_WORDS[m] || m;

// Weeks as rows, Monday first; each day a button carrying its mark as a class.
export function monthGrid(month, days, { selected, onPick } = {}) {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const first = `${month}-01`;
  const last = lastDayOfMonth(month);
  const start = addDays(first, 1 - isoWeekday(first));
  const head = el('tr', {}, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => el('th', { scope: 'col' }, d)));
  const rows = [];
  for (let week = start; week <= last; week = addDays(week, 7)) {
    const cells = [];
    for (let i = 0; i < 7; i++) {
      const day = addDays(week, i);
      if (day < first || day > last) { cells.push(el('td', { class: 'cal-out' })); continue; }
      const d = byDay.get(day) || { day, mark: 'upcoming' };
      const label = `${longDay(day)}: ${markWord(d.mark)}${d.time ? ` at ${shortTime(d.time)}` : ''}${d.holiday ? ` (${d.holiday})` : ''}${d.method === 'manual' ? ', set by hand' : ''}`;
      cells.push(el('td', {}, el('button', {
        type: 'button', class: ['cal-day', `mark-${d.mark}`, d.holiday && 'is-holiday', day === todayIso() && 'is-today', selected === day && 'is-selected'],
        'data-day': day, 'data-mark': d.mark, 'aria-label': label, title: label, 'aria-pressed': selected === day ? 'true' : 'false',
        onclick: onPick ? () => onPick(d) : null,
      },
      el('span', { class: 'cal-num' }, String(parseDay(day).getDate())),
      d.holiday ? el('span', { class: 'cal-note' }, d.holiday) : d.time ? el('span', { class: 'cal-note' }, shortTime(d.time)) : null,
      d.method === 'manual' ? el('span', { class: 'cal-hand', 'aria-hidden': 'true' }, '✎') : null)));
    }
    rows.push(el('tr', {}, cells));
  }
  return el('table', { class: 'cal' }, el('caption', { class: 'visually-hidden' }, formatMonth(month)), el('thead', {}, head), el('tbody', {}, rows));
}

export const legend = () => el('ul', { class: 'legend' },
  ['present', 'late', 'absent', 'noSchool', 'notEnrolled', 'upcoming'].map((m) =>
    el('li', {}, el('span', { class: `swatch mark-${m}` }), markWord(m))));

// Mark present / absent / undo for one student and day, asking the reason.
export async function correct(studentId, name, day, action) {
  const what = { present: 'Mark present', absent: 'Mark absent', undo: 'Remove the mark' }[action];
  const answer = await askReason(`${what}: ${name}`, longDay(day), { withTime: action === 'present' });
  if (!answer) return false;
  const { reason, time } = answer;
  try {
    if (action === 'undo') await api('POST', '/api/attendance/undo', { studentId, date: day, reason });
    else await api('POST', '/api/attendance/corrections', { studentId, date: day, status: action, reason, ...(time ? { time } : {}) });
    toast(`${name}: ${what.toLowerCase()} on ${longDay(day)}.`, 'success');
    return true;
  } catch (err) { toast(err.message); return false; }
}

export async function render(root, [id], ctx, q) {
  const student = await findStudent(id);
  if (!ctx.alive()) return;
  if (!student) {
    add(root, el('p', {}, el('a', { href: '#/students' }, '‹ Students')), el('h1', {}, 'Student not found'),
      note('They may have been removed, or they are in none of your classes.'));
    return;
  }
  rememberStudents([student]);
  let month = /^\d{4}-\d{2}$/.test(q.get('month') || '') ? q.get('month') : thisMonth();
  let selected = null;
  const roster = can('roster');

  const streak = el('span', { id: 'student-streak', class: 'big-number' }, '–');
  const longest = el('span', { id: 'student-longest', class: 'mid-number' }, '–');
  const rate = el('span', { id: 'student-rate', class: 'mid-number' }, '–');
  const rateSub = el('span', { class: 'small muted' });
  const streakSub = el('span', { class: 'streak-sub' });
  const calendarBox = el('div', { id: 'student-calendar', class: 'cal-wrap' });
  const monthTitle = el('h2', { class: 'cal-title', 'aria-live': 'polite' });
  const dayPanel = el('div', { class: 'day-panel', 'aria-live': 'polite' });
  const historyBox = el('div', {});
  const photosBox = el('div', {});
  const classesBox = el('div', {});

  const header = el('div', { class: 'student-head' }, face(student, 'face face-big'),
    el('div', {}, el('h1', {}, student.name),
      el('p', { class: 'muted' }, el('span', { class: 'mono' }, student.enrollmentNo),
        student.enrolledOn ? ` · enrolled on ${longDay(student.enrolledOn)}` : '')),
    roster ? el('button', { type: 'button', class: 'btn btn-danger head-action', onclick: removeStudent }, 'Remove student') : null);

  add(root,
    el('p', {}, el('a', { href: '#/students', onclick: (e) => { if (history.length > 1) { e.preventDefault(); history.back(); } } }, '‹ Students')),
    header,
    el('div', { class: 'stats' },
      el('div', { class: 'stat stat-streak' }, streak, streakSub),
      el('div', { class: 'stat' }, el('span', { class: 'stat-label' }, 'Longest streak'), longest, el('span', { class: 'small muted' }, 'school days')),
      el('div', { class: 'stat' }, el('span', { class: 'stat-label' }, 'Attendance'), rate, rateSub)),
    el('section', { class: 'panel' },
      el('div', { class: 'panel-head' },
        el('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Previous month', onclick: () => moveMonth(-1) }, '‹'),
        monthTitle,
        el('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Next month', onclick: () => moveMonth(1) }, '›'),
        el('button', { type: 'button', class: 'btn btn-small', onclick: () => { month = thisMonth(); loadCalendar(); } }, 'This month')),
      calendarBox, legend(), dayPanel),
    el('section', { class: 'panel' }, el('h2', {}, 'Changes by hand'), historyBox),
    el('div', { class: 'split' },
      el('section', { class: 'panel' }, el('h2', {}, 'Photos'), photosBox),
      el('section', { class: 'panel' }, el('h2', {}, 'Classes'), classesBox)));

  function moveMonth(n) { month = addMonths(month, n); selected = null; loadCalendar(); }

  let data = null;
  async function loadCalendar() {
    monthTitle.textContent = formatMonth(month);
    history.replaceState(history.state, '', `#/students/${encodeURIComponent(id)}${month === thisMonth() ? '' : `?month=${month}`}`);
    try {
      const answer = await get(`/api/students/${encodeURIComponent(id)}/calendar${query({ from: `${month}-01`, to: lastDayOfMonth(month) })}`);
      if (!ctx.alive()) return;
      data = answer;
      drawCalendar();
      drawHistory();
    } catch (err) { if (ctx.alive()) fill(calendarBox, el('p', { class: 'form-error' }, err.message)); }
  }

  function drawCalendar() {
    const cal = data.calendar;
    const s = cal.summary || {};
    const current = cal.currentStreak ?? s.currentStreak ?? 0;
    streak.textContent = String(current);
    streakSub.textContent = `${current === 1 ? 'school day' : 'school days'} in a row`;
    longest.textContent = String(cal.longestStreak ?? s.longestStreak ?? 0);
    rate.textContent = percent(s.rate);
    rateSub.textContent = s.schoolDays
      ? `${s.attended} of ${plural(s.schoolDays, 'school day')}${s.late ? `, ${s.late} late` : ''}` : 'no school day yet';
    fill(calendarBox, monthGrid(month, cal.days, { selected: selected && selected.day, onPick: pick }));
    if (selected) pick(cal.days.find((d) => d.day === selected.day) || selected, true);
  }

  // A chosen day: what it is, and the corrections that make sense for it.
  function pick(d, keepFocus) {
    selected = d;
    for (const b of calendarBox.querySelectorAll('.cal-day')) {
      const on = b.dataset.day === d.day;
      b.classList.toggle('is-selected', on);
      b.setAttribute('aria-pressed', String(on));
    }
    const future = d.day > todayIso();
    const hasMark = !!d.method; // a stored mark, by a door or by hand
    const act = (action) => async () => {
      if (await correct(id, student.name, d.day, action) && ctx.alive()) loadCalendar();
    };
    fill(dayPanel, el('div', { class: 'day-panel-inner' },
      el('div', {}, el('strong', {}, longDay(d.day)), ' · ', markWord(d.mark),
        d.time ? ` at ${shortTime(d.time)}` : '', d.method ? ` (${d.method === 'manual' ? 'by hand' : 'by a door'})` : '',
        d.holiday ? ` · ${d.holiday}` : ''),
      future ? el('span', { class: 'muted small' }, 'A day still to come cannot be corrected.')
        : el('div', { class: 'row' },
          el('button', { type: 'button', class: 'btn btn-small', 'data-action': 'present', onclick: act('present') }, 'Mark present'),
          el('button', { type: 'button', class: 'btn btn-small', 'data-action': 'absent', onclick: act('absent') }, 'Mark absent'),
          hasMark ? el('button', { type: 'button', class: 'btn btn-small', 'data-action': 'undo', onclick: act('undo') }, 'Undo mark') : null)));
    if (!keepFocus) dayPanel.querySelector('button')?.focus({ preventScroll: true });
  }

  function drawHistory() {
    const rows = data.history || [];
    fill(historyBox, rows.length
      ? el('div', { class: 'table-wrap' }, el('table', { class: 'table' },
        el('thead', {}, el('tr', {}, ['Day', 'Change', 'By', 'When', 'Reason'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows.map((h) => el('tr', {},
          el('td', {}, longDay(h.day)),
          el('td', {}, h.change || h.status || ''),
          el('td', {}, String(h.actor || '').replace(/^user:/, '')),
          el('td', { class: 'small' }, formatTimestamp(h.at)),
          el('td', {}, h.reason || ''))))))
      : note(`No change by hand in ${formatMonth(month)}.`));
  }

  // ---------- photos (admins and co-admins add and remove) ----------

  async function refreshStudent() {
    const fresh = await findStudent(id);
    if (fresh && ctx.alive()) { Object.assign(student, fresh); drawPhotos(); drawClasses(); }
  }

  function drawPhotos() {
    const photos = (student.photoIds || []).map((pid, i) => ({ id: pid, url: student.images[i], face: student.faces[i] }));
    const grid = el('ul', { class: 'photo-grid' }, photos.map((p) => el('li', {},
      el('a', { href: p.url, target: '_blank', rel: 'noopener' }, el('img', { src: p.face || p.url, alt: `Photo of ${student.name}`, loading: 'lazy' })),
      roster ? el('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => removePhoto(p.id, photos.length) }, 'Remove') : null)));
    const input = el('input', { type: 'file', id: 'student-add-photo', accept: 'image/jpeg,image/png', multiple: true, class: 'visually-hidden',
      onchange: (e) => addPhotos([...e.target.files]) });
    fill(photosBox,
      photos.length ? grid : note('No photo: the doors cannot recognise this student.'),
      roster ? el('label', { class: 'btn btn-small', for: 'student-add-photo' }, 'Add photos…') : null, roster ? input : null,
      el('div', { id: 'student-photo-verdicts' }));
  }

  async function addPhotos(files) {
    const out = photosBox.querySelector('#student-photo-verdicts');
    fill(out);
    for (const file of files) {
      if (!isPhotoFile(file)) { add(out, el('p', { class: 'form-error' }, `${file.name} is not a JPEG or PNG.`)); continue; }
      try {
        const res = await api('POST', `/api/students/${encodeURIComponent(id)}/photos`, { photo: await fileToBase64(file) });
        add(out, el('p', { class: 'ok-text' }, `${file.name}: added.`), lookAlikeWarning(res.verdict && res.verdict.lookAlikes));
      } catch (err) {
        // 422: refused by the face engine, {error, check}: say why.
        const problem = err.data && err.data.check && err.data.check.problem;
        add(out, el('p', { class: 'form-error' }, `${file.name}: ${problem || err.message}`));
      }
    }
    refreshStudent();
  }

  async function removePhoto(photoId, count) {
    const detail = count === 1 ? 'It is their only photo: the doors will not recognise them any more.' : 'The doors will forget this photo.';
    if (!await confirmAction(`Remove this photo of ${student.name}?`, detail)) return;
    try { await api('DELETE', `/api/photos/${encodeURIComponent(photoId)}`); refreshStudent(); } catch (err) { toast(err.message); }
  }

  // ---------- classes: a class's member list is replaced whole, so re-read it first ----------

  async function drawClasses() {
    const all = await loadClasses();
    if (!ctx.alive()) return;
    const mine = new Set(student.classIds || []);
    if (!roster) {
      fill(classesBox, mine.size ? el('ul', { class: 'chips' }, all.filter((c) => mine.has(c.id)).map((c) => el('li', { class: 'chip' }, c.name)))
        : note('In no class.'));
      return;
    }
    const boxes = all.map((c) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', value: c.id, checked: mine.has(c.id) }), c.name));
    const save = el('button', { type: 'submit', class: 'btn btn-small btn-primary' }, 'Save classes');
    const form = el('form', { class: 'stack' }, all.length ? el('div', { class: 'check-grid' }, boxes) : note('No classes yet.'), all.length ? el('div', {}, save) : null);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      save.disabled = true;
      try {
        clearCache('classes');
        const fresh = await loadClasses();
        const want = new Set([...form.querySelectorAll('input:checked')].map((i) => i.value));
        for (const c of fresh) {
          const has = c.studentIds.includes(id);
          if (has === want.has(c.id)) continue;
          const studentIds = has ? c.studentIds.filter((x) => x !== id) : [...c.studentIds, id];
          await api('PATCH', `/api/classes/${encodeURIComponent(c.id)}`, { studentIds });
        }
        clearCache('classes');
        toast('Classes saved.', 'success');
        refreshStudent();
      } catch (err) { toast(err.message); } finally { save.disabled = false; }
    });
    fill(classesBox, form);
  }

  async function removeStudent() {
    if (!await confirmAction(`Remove ${student.name}?`, `${student.enrollmentNo}: their photos and class places go, and the doors forget them. This cannot be undone.`)) return;
    try {
      await api('DELETE', `/api/students/${encodeURIComponent(id)}`);
      toast(`${student.name} removed.`, 'success');
      location.hash = '#/students';
    } catch (err) { toast(err.message); }
  }

  drawPhotos();
  drawClasses();
  await loadCalendar();
}
