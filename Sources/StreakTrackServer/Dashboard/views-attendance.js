// Attendance of one day: every expected student with their mark, when, how
// (a door or by hand, by whom and why), and the corrections a teacher makes
// (mark present / absent / undo, each with a reason). CSV exports of a day or
// a range use plain links: the session cookie authenticates them.

import { get, query, can, classes as loadClasses, devices as loadDevices, rememberStudents } from './api.js';
import { el, select, viewHead, note, todayIso, addDays, longDay, shortTime, setQuery, debounce, plural, fill, add } from './dom.js';
import { markWord, correct } from './views-student.js';
import { tally } from './views-today.js';

const FILTERS = [
  { value: '', label: 'Every mark' }, { value: 'present', label: 'Present (on time or late)' }, { value: 'late', label: 'Late' },
  { value: 'absent', label: 'Absent' }, { value: 'upcoming', label: 'Not yet' }, { value: 'manual', label: 'Set by hand' },
];

export async function render(root, _params, ctx, q) {
  const classList = await loadClasses();
  if (!ctx.alive()) return;
  const school = can('allAttendance');
  if (!school && !classList.length) {
    add(root, viewHead('Attendance'), note('You have no classes yet: an administrator adds you to a class as its teacher.'));
    return;
  }
  const state = {
    date: /^\d{4}-\d{2}-\d{2}$/.test(q.get('date') || '') ? q.get('date') : todayIso(),
    classId: q.get('class') || (school ? '' : classList[0].id),
    mark: q.get('mark') || '',
    text: '',
  };
  let deviceNames = new Map();
  loadDevices().then((ds) => { deviceNames = new Map(ds.map((d) => [d.id, d.name || d.id])); if (day) draw(); }).catch(() => {});

  const date = el('input', { id: 'day-date', type: 'date', value: state.date, max: todayIso(), required: true });
  const classSelect = select({ id: 'day-class' },
    [...(school ? [{ value: '', label: 'Whole school' }] : []), ...classList.map((c) => ({ value: c.id, label: c.name }))], state.classId);
  const markSelect = select({ id: 'day-mark' }, FILTERS, state.mark);
  const search = el('input', { id: 'day-search', type: 'search', placeholder: 'Name or number', autocomplete: 'off' });
  const heading = el('h2', { id: 'day-title' });
  const counts = el('p', { id: 'day-counts', class: 'muted' });
  const banner = el('div', { class: 'banner banner-info', hidden: true });
  const tbody = el('tbody', { id: 'day-list' });
  const csvDay = el('a', { class: 'btn btn-small', download: '' }, 'CSV of this day');
  const from = el('input', { id: 'export-from', type: 'date', value: `${todayIso().slice(0, 8)}01` });
  const to = el('input', { id: 'export-to', type: 'date', value: todayIso() });
  const csvRange = el('a', { class: 'btn btn-small', download: '' }, 'Download CSV');

  const move = (n) => () => { state.date = addDays(state.date, n); date.value = state.date; load(); };
  add(root,
    viewHead('Attendance'),
    el('div', { class: 'toolbar' },
      el('div', { class: 'field' }, el('label', { for: 'day-date' }, 'Day'),
        el('div', { class: 'row row-tight' },
          el('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Previous day', onclick: move(-1) }, '‹'), date,
          el('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Next day', onclick: move(1) }, '›'),
          el('button', { type: 'button', class: 'btn btn-small', onclick: () => { state.date = todayIso(); date.value = state.date; load(); } }, 'Today'))),
      el('div', { class: 'field' }, el('label', { for: 'day-class' }, 'Class'), classSelect),
      el('div', { class: 'field' }, el('label', { for: 'day-mark' }, 'Show'), markSelect),
      el('div', { class: 'field' }, el('label', { for: 'day-search' }, 'Find'), search)),
    el('section', { class: 'panel' },
      el('div', { class: 'panel-head' }, el('div', {}, heading, counts), csvDay),
      banner,
      el('div', { class: 'table-wrap table-tall' }, el('table', { class: 'table day-table' },
        el('thead', {}, el('tr', {}, ['Student', 'Enrolment no.', 'Mark', 'Time', 'How', 'Reason', 'Correct'].map((h) => el('th', { scope: 'col' }, h)))),
        tbody))),
    el('section', { class: 'panel no-print' }, el('h2', {}, 'Export a period'),
      el('div', { class: 'inline-form' },
        el('div', { class: 'field' }, el('label', { for: 'export-from' }, 'From'), from),
        el('div', { class: 'field' }, el('label', { for: 'export-to' }, 'To'), to),
        csvRange,
        el('span', { class: 'small muted' }, 'One line per mark, of the class chosen above (or the whole school).'))));

  function exportLinks() {
    csvDay.href = `/api/attendance.csv${query({ date: state.date, classId: state.classId })}`;
    csvRange.href = `/api/attendance.csv${query({ from: from.value, to: to.value < from.value ? from.value : to.value, classId: state.classId })}`;
  }

  let day = null;
  let asked = 0;
  async function load() {
    const ticket = ++asked;
    setQuery({ date: state.date === todayIso() ? '' : state.date, class: state.classId, mark: state.mark });
    exportLinks();
    heading.textContent = longDay(state.date);
    try {
      const data = await get(`/api/attendance/day${query({ date: state.date, classId: state.classId })}`);
      if (!ctx.alive() || ticket !== asked) return;
      day = data;
      rememberStudents(day.students);
      draw();
    } catch (err) {
      if (ctx.alive() && ticket === asked) fill(tbody, el('tr', {}, el('td', { colspan: 7, class: 'form-error' }, err.message)));
    }
  }

  function matches(s) {
    if (state.mark === 'present' && s.mark !== 'present' && s.mark !== 'late') return false;
    if (state.mark === 'manual' && s.method !== 'manual') return false;
    if (state.mark && !['present', 'manual'].includes(state.mark) && s.mark !== state.mark) return false;
    const t = state.text.trim().toLowerCase();
    return !t || s.name.toLowerCase().includes(t) || String(s.enrollmentNo).toLowerCase().includes(t);
  }

  function draw() {
    const t = tally(day.students);
    counts.textContent = t.expected
      ? `${t.present} present (${t.late} late), ${t.absent} absent${t.upcoming ? `, ${t.upcoming} not yet` : ''} · ${plural(t.expected, 'student')} expected`
      : plural(day.students.length, 'student');
    banner.hidden = day.schoolDay;
    banner.textContent = day.holiday ? `No school: ${day.holiday}. Marks on this day count for nothing.` : 'Not a school day. Marks on this day count for nothing.';
    const rows = day.students.filter(matches);
    fill(tbody, ...rows.map(row));
    if (!rows.length) fill(tbody, el('tr', {}, el('td', { colspan: 7, class: 'empty' }, day.students.length ? 'Nobody matches.' : 'No students in this class.')));
  }

  function how(s) {
    if (s.method === 'manual') return `by hand${s.markedBy ? `, ${String(s.markedBy).replace(/^user:/, '')}` : ''}`;
    if (s.method === 'automatic') return deviceNames.get(s.deviceId) || s.deviceId || 'a door';
    return '';
  }

  function row(s) {
    const future = state.date > todayIso();
    const act = (action) => async () => { if (await correct(s.studentId, s.name, state.date, action) && ctx.alive()) load(); };
    const canAct = !future && s.mark !== 'notEnrolled';
    const arrived = s.mark === 'present' || s.mark === 'late';
    return el('tr', { 'data-student-id': s.studentId, 'data-mark': s.mark },
      el('th', { scope: 'row' }, el('a', { href: `#/students/${encodeURIComponent(s.studentId)}` }, s.name)),
      el('td', { class: 'mono small' }, s.enrollmentNo),
      el('td', {}, el('span', { class: `pill mark-${s.mark}` }, markWord(s.mark))),
      el('td', { class: 'mono' }, shortTime(s.time)),
      el('td', { class: 'small' }, how(s)),
      el('td', { class: 'small' }, s.reason || ''),
      el('td', { class: 'actions' }, canAct ? [
        arrived ? null : el('button', { type: 'button', class: 'btn btn-small', 'data-action': 'present', onclick: act('present'), 'aria-label': `Mark ${s.name} present` }, 'Present'),
        s.mark === 'absent' && s.method ? null : el('button', { type: 'button', class: 'btn btn-small', 'data-action': 'absent', onclick: act('absent'), 'aria-label': `Mark ${s.name} absent` }, 'Absent'),
        s.method ? el('button', { type: 'button', class: 'btn btn-small', 'data-action': 'undo', onclick: act('undo'), 'aria-label': `Undo the mark of ${s.name}` }, 'Undo') : null,
      ] : null));
  }

  date.addEventListener('change', () => { if (date.value) { state.date = date.value; load(); } });
  classSelect.addEventListener('change', () => { state.classId = classSelect.value; load(); });
  markSelect.addEventListener('change', () => { state.mark = markSelect.value; setQuery({ date: state.date === todayIso() ? '' : state.date, class: state.classId, mark: state.mark }); if (day) draw(); });
  search.addEventListener('input', debounce(() => { state.text = search.value; if (day) draw(); }, 150));
  from.addEventListener('change', exportLinks);
  to.addEventListener('change', exportLinks);
  await load();
}
