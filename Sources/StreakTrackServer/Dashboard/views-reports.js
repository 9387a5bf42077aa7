// Reports: a class's (or the school's) attendance over a month or a chosen
// period — the daily rate chart, monthly averages, and the students under the
// threshold, who are the point of the report. Laid out to print on A4.

import { get, query, can, classes as loadClasses } from './api.js';
import { el, select, viewHead, note, percent, plural, thisMonth, todayIso, formatMonth, longDay, setQuery, fill, add } from './dom.js';
import { dailyChart, monthBar } from './chart.js';

export async function render(root, _params, ctx, q) {
  const classList = await loadClasses();
  if (!ctx.alive()) return;
  const school = can('allAttendance');
  if (!school && !classList.length) {
    add(root, viewHead('Reports'), note('You have no classes yet: an administrator adds you to a class as its teacher.'));
    return;
  }
  const state = {
    classId: q.get('class') || (school ? '' : classList[0].id),
    month: /^\d{4}-\d{2}$/.test(q.get('month') || '') ? q.get('month') : thisMonth(),
    from: q.get('from') || '',
    to: q.get('to') || '',
    threshold: Math.min(100, Math.max(0, Number(q.get('threshold')) || 90)),
  };
  state.range = !!(state.from && state.to);

  const classSelect = select({ id: 'report-class' },
    [...(school ? [{ value: '', label: 'Whole school' }] : []), ...classList.map((c) => ({ value: c.id, label: c.name }))], state.classId);
  const mode = select({ id: 'report-period' }, [{ value: 'month', label: 'A month' }, { value: 'range', label: 'From… to…' }], state.range ? 'range' : 'month');
  const month = el('input', { id: 'report-month', type: 'month', value: state.month, max: thisMonth() });
  const from = el('input', { id: 'report-from', type: 'date', value: state.from });
  const to = el('input', { id: 'report-to', type: 'date', value: state.to });
  const threshold = el('input', { id: 'report-threshold', type: 'number', min: 0, max: 100, step: 1, value: state.threshold });
  const csv = el('a', { class: 'btn', download: '' }, 'CSV');
  const monthField = el('div', { class: 'field' }, el('label', { for: 'report-month' }, 'Month'), month);
  const rangeFields = el('div', { class: 'row row-tight' },
    el('div', { class: 'field' }, el('label', { for: 'report-from' }, 'From'), from),
    el('div', { class: 'field' }, el('label', { for: 'report-to' }, 'To'), to));
  const out = el('div', { id: 'report', 'aria-live': 'polite' });
  const printTitle = el('p', { class: 'print-only print-title' });

  add(root,
    viewHead('Reports', el('button', { type: 'button', class: 'btn', onclick: () => window.print() }, 'Print'), csv),
    el('div', { class: 'toolbar no-print' },
      el('div', { class: 'field' }, el('label', { for: 'report-class' }, 'Class'), classSelect),
      el('div', { class: 'field' }, el('label', { for: 'report-period' }, 'Period'), mode),
      monthField, rangeFields,
      el('div', { class: 'field field-narrow' }, el('label', { for: 'report-threshold' }, 'Threshold %'), threshold)),
    printTitle, out);

  function params() {
    const p = { classId: state.classId, threshold: (state.threshold / 100).toFixed(2) };
    if (state.range) { p.from = state.from; p.to = state.to; } else p.month = state.month;
    return p;
  }

  let asked = 0;
  async function load() {
    monthField.hidden = state.range;
    rangeFields.hidden = !state.range;
    if (state.range && (!state.from || !state.to)) { fill(out, note('Choose the first and the last day.')); return; }
    if (state.range && state.from > state.to) { fill(out, note('The first day is after the last one.')); return; }
    setQuery({ class: state.classId, ...(state.range ? { from: state.from, to: state.to } : { month: state.month }),
      threshold: state.threshold === 90 ? '' : state.threshold });
    csv.href = `/api/reports.csv${query(params())}`;
    const ticket = ++asked;
    out.setAttribute('aria-busy', 'true');
    try {
      const report = await get(`/api/reports${query(params())}`);
      if (!ctx.alive() || ticket !== asked) return;
      draw(report);
    } catch (err) {
      if (ctx.alive() && ticket === asked) fill(out, el('p', { class: 'form-error' }, err.message));
    } finally { out.removeAttribute('aria-busy'); }
  }

  function draw(r) {
    const group = state.classId ? (classList.find((c) => c.id === state.classId) || {}).name : 'Whole school';
    const period = state.range ? `${longDay(r.from)} – ${longDay(r.to)}` : formatMonth(state.month);
    printTitle.textContent = `${group} · ${period}`;
    const days = r.daily.filter((d) => d.rate != null);
    // Today, still in progress, stays out of the figures (the server leaves it out of the monthly averages too).
    const today = todayIso();
    const whole = days.filter((d) => !d.inProgress && d.day !== today);
    const attended = whole.reduce((a, d) => a + d.attended, 0);
    const expected = whole.reduce((a, d) => a + d.expected, 0);
    const avg = whole.length ? whole.reduce((a, d) => a + d.rate, 0) / whole.length : null;
    const byId = new Map(r.students.map((s) => [s.studentId, s]));
    const under = r.underThreshold.map((id) => byId.get(id)).filter(Boolean)
      .sort((a, b) => (a.summary.rate ?? 1) - (b.summary.rate ?? 1) || a.name.localeCompare(b.name));

    const figures = el('div', { class: 'stats' },
      el('div', { class: 'stat' }, el('span', { class: 'stat-label' }, 'Average attendance'), el('span', { id: 'report-average', class: 'mid-number' }, percent(avg, 1)),
        el('span', { class: 'small muted' }, expected ? `${attended.toLocaleString()} of ${expected.toLocaleString()} student-days${whole.length < days.length ? ' (today not counted yet)' : ''}` : '')),
      el('div', { class: 'stat' }, el('span', { class: 'stat-label' }, 'School days'), el('span', { class: 'mid-number' }, String(days.length)),
        el('span', { class: 'small muted' }, `${plural(r.students.length, 'student')}`)),
      el('div', { class: `stat ${under.length ? 'stat-warn' : ''}` }, el('span', { class: 'stat-label' }, `Under ${percent(r.threshold)}`),
        el('span', { class: 'mid-number' }, String(under.length)), el('span', { class: 'small muted' }, under.length === 1 ? 'student' : 'students')));

    const monthly = r.monthly.length ? el('table', { class: 'table table-compact', id: 'report-monthly' },
      el('thead', {}, el('tr', {}, ['Month', 'Average', '', 'School days'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, r.monthly.map((m) => el('tr', {},
        el('th', { scope: 'row' }, formatMonth(m.month)), el('td', { class: 'num' }, percent(m.average, 1)),
        el('td', {}, monthBar(m.average, r.threshold)), el('td', { class: 'num' }, String(m.schoolDays))))))
      : note('No school day in this period.');

    const underList = el('ol', { id: 'report-under', class: 'under-list' }, under.map((s) => el('li', { 'data-student-id': s.studentId },
      el('a', { href: `#/students/${encodeURIComponent(s.studentId)}` }, s.name),
      el('span', { class: 'mono small muted' }, s.enrollmentNo),
      el('span', { class: 'under-rate' }, percent(s.summary.rate, 1)),
      el('span', { class: 'small muted' }, `${s.summary.attended} of ${s.summary.schoolDays} days${s.summary.late ? `, ${s.summary.late} late` : ''}`))));

    const all = el('details', { class: 'all-students' }, el('summary', {}, `Every student (${r.students.length})`),
      el('div', { class: 'table-wrap' }, el('table', { class: 'table table-compact' },
        el('thead', {}, el('tr', {}, ['Student', 'No.', 'Days', 'Attended', 'Late', 'Rate', 'Streak', 'Longest'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, r.students.map((s) => el('tr', { class: r.underThreshold.includes(s.studentId) ? 'row-under' : null },
          el('th', { scope: 'row' }, el('a', { href: `#/students/${encodeURIComponent(s.studentId)}` }, s.name)),
          el('td', { class: 'mono small' }, s.enrollmentNo),
          ...[s.summary.schoolDays, s.summary.attended, s.summary.late].map((v) => el('td', { class: 'num' }, String(v))),
          el('td', { class: 'num' }, percent(s.summary.rate, 1)),
          el('td', { class: 'num' }, String(s.summary.currentStreak)), el('td', { class: 'num' }, String(s.summary.longestStreak))))))));

    fill(out, figures,
      el('section', { class: 'panel chart-panel' }, el('h2', {}, 'Daily attendance'),
        dailyChart(days, r.threshold, { id: 'report-chart', title: `Daily attendance, ${group}, ${period}`, today }),
        el('p', { class: 'small muted' }, 'One bar per school day; bars under the dashed threshold line are highlighted.',
          whole.length < days.length ? ' Today’s bar (grey) is the day so far, out of everyone expected; it joins the averages tomorrow.' : '')),
      el('div', { class: 'split' },
        el('section', { class: 'panel' }, el('h2', {}, 'Monthly averages'), monthly),
        el('section', { class: 'panel under-panel' }, el('h2', {}, `Under the threshold (${under.length})`),
          under.length ? underList : [note('Nobody is under the threshold.'), underList])),
      el('section', { class: 'panel no-print' }, all));
  }

  classSelect.addEventListener('change', () => { state.classId = classSelect.value; load(); });
  mode.addEventListener('change', () => {
    state.range = mode.value === 'range';
    if (state.range && !state.from) { state.from = `${state.month}-01`; from.value = state.from; state.to = todayIso(); to.value = state.to; }
    load();
  });
  month.addEventListener('change', () => { if (month.value) { state.month = month.value; load(); } });
  from.addEventListener('change', () => { state.from = from.value; load(); });
  to.addEventListener('change', () => { state.to = to.value; load(); });
  threshold.addEventListener('change', () => {
    const v = Number(threshold.value);
    if (Number.isFinite(v) && v >= 0 && v <= 100) { state.threshold = v; load(); }
  });
  await load();
}
