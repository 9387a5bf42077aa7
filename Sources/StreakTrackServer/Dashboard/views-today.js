// Today: who has arrived, per class or for the whole school. The day view is
// polled every 15 s (the truth, corrections included); between polls the doors'
// sockets move a student to present as soon as a device marks them.

import { get, query, can, classes as loadClasses, devices as loadDevices } from './api.js';
import { el, select, viewHead, longDay, shortTime, percent, plural, note, fill, add } from './dom.js';
import { listen } from './live.js';

const POLL_MS = 15000;
const FEED_SIZE = 14;

// What a mark counts as on this page.
export function tally(students) {
  const t = { present: 0, late: 0, absent: 0, upcoming: 0, expected: 0 };
  for (const s of students) {
    if (s.mark === 'present') t.present++;
    else if (s.mark === 'late') { t.present++; t.late++; } // late is present too, just late
    else if (s.mark === 'absent') t.absent++;
    else if (s.mark === 'upcoming') t.upcoming++;
    else continue; // noSchool, notEnrolled: not expected today
    t.expected++;
  }
  return t;
}

export async function render(root, _params, ctx, q) {
  const classList = await loadClasses();
  if (!ctx.alive()) return;
  const school = can('allAttendance');
  if (!school && !classList.length) {
    add(root, viewHead('Today'), note('You have no classes yet: an administrator adds you to a class as its teacher.'));
    return;
  }
  // A new school: say what to do first instead of showing empty counts.
  const intro = school && !classList.length && can('roster')
    ? el('section', { class: 'panel getting-started' }, el('h2', {}, 'Getting started'),
      el('ol', {},
        el('li', {}, el('a', { href: '#/settings' }, 'Set the school days and holidays'), ': attendance is counted against them.'),
        el('li', {}, el('a', { href: '#/classes' }, 'Add the classes'), ', with their start time (later arrivals are late).'),
        el('li', {}, el('a', { href: '#/enrol' }, 'Enrol the students'), ', one by one or a whole class from a folder of photos.'),
        el('li', {}, el('a', { href: '#/devices' }, 'Register the doors'), ' and copy each one its config.json.'),
        can('people') ? el('li', {}, el('a', { href: '#/people' }, 'Invite the teachers'), '.') : null))
    : null;
  let classId = q.get('class') || (school ? '' : classList[0].id);
  if (classId && !classList.some((c) => c.id === classId)) classId = school ? '' : classList[0].id;

  const options = [...(school ? [{ value: '', label: 'Whole school' }] : []), ...classList.map((c) => ({ value: c.id, label: c.name }))];
  const picker = select({ id: 'today-class', 'aria-label': 'Class' }, options, classId);
  const dateLine = el('p', { class: 'muted subtitle' });
  const status = el('p', { class: 'small muted live-status', 'aria-live': 'off' });
  const counts = {
    present: el('span', { id: 'today-present', class: 'tile-value' }, '–'),
    late: el('span', { id: 'today-late', class: 'tile-value' }, '–'),
    absent: el('span', { id: 'today-absent', class: 'tile-value' }, '–'),
    upcoming: el('span', { id: 'today-upcoming', class: 'tile-value' }, '–'),
  };
  const sub = { present: el('span', { class: 'tile-sub' }), late: el('span', { class: 'tile-sub' }),
    absent: el('span', { class: 'tile-sub' }), upcoming: el('span', { class: 'tile-sub' }) };
  const tile = (key, label) => el('div', { class: `tile tile-${key}` }, el('span', { class: 'tile-label' }, label), counts[key], sub[key]);
  const bar = el('div', { class: 'stackbar', role: 'img' });
  const banner = el('div', { class: 'banner banner-info', hidden: true });
  const left = el('section', { class: 'panel' });
  const feed = el('ol', { class: 'feed', 'aria-live': 'polite', 'aria-label': 'Latest arrivals' });
  const doors = el('div', { class: 'door-chips' });

  add(root,
    viewHead('Today', el('label', { for: 'today-class', class: 'visually-hidden' }, 'Class'), picker),
    dateLine, intro, banner,
    el('div', { class: 'tiles' }, tile('present', 'Present'), tile('late', 'Late'), tile('absent', 'Absent'), tile('upcoming', 'Not yet')),
    bar, status,
    el('div', { class: 'split' }, left,
      el('section', { class: 'panel' }, el('div', { class: 'panel-head' }, el('h2', {}, 'Arrivals'), doors), feed)));

  let day = null;
  let deviceList = [];
  const fresh = new Set(); // studentIds just marked through a socket, to highlight them
  const byId = () => new Map((day ? day.students : []).map((s) => [s.studentId, s]));

  // A new group is a new page (its own sockets and counts): go through the router.
  picker.addEventListener('change', () => { location.hash = `#/today${query({ class: picker.value })}`; });

  function draw() {
    if (!day) return;
    dateLine.textContent = longDay(day.day);
    banner.hidden = day.schoolDay;
    banner.textContent = day.holiday ? `No school today: ${day.holiday}.` : 'Today is not a school day.';
    const t = tally(day.students);
    counts.present.textContent = t.present.toLocaleString();
    counts.late.textContent = t.late.toLocaleString();
    counts.absent.textContent = t.absent.toLocaleString();
    counts.upcoming.textContent = t.upcoming.toLocaleString();
    sub.present.textContent = t.expected ? `${percent(t.present / t.expected)} of ${t.expected.toLocaleString()}` : 'nobody expected';
    sub.late.textContent = t.present ? `${percent(t.late / t.present)} of arrivals` : '';
    sub.absent.textContent = t.absent ? 'marked absent' : '';
    sub.upcoming.textContent = t.upcoming ? 'not marked yet' : '';
    drawBar(t);
    drawLeft();
    drawFeed();
  }

  function drawBar(t) {
    const parts = [['present', t.present - t.late], ['late', t.late], ['absent', t.absent], ['upcoming', t.upcoming]];
    bar.setAttribute('aria-label', `${t.present} present (${t.late} late), ${t.absent} absent, ${t.upcoming} not yet, of ${t.expected}`);
    fill(bar, ...parts.filter(([, n]) => n > 0).map(([k, n]) =>
      el('span', { class: `seg seg-${k}`, style: { flexGrow: String(n) }, title: `${k}: ${n}` })));
  }

  // The whole school: a line per class. One class: who is not here yet.
  function drawLeft() {
    if (!classId) {
      const marks = byId();
      const rows = classList.map((c) => {
        const t = tally(c.studentIds.map((id) => marks.get(id)).filter(Boolean));
        return el('tr', {},
          el('th', { scope: 'row', class: 'nowrap' }, el('a', { href: `#/today?class=${encodeURIComponent(c.id)}` }, c.name)),
          el('td', { class: 'num' }, t.present), el('td', { class: 'num' }, t.late), el('td', { class: 'num' }, t.absent),
          el('td', { class: 'num' }, t.upcoming),
          el('td', { class: 'bar-cell' }, el('div', { class: 'bar-cell-inner' }, el('span', { class: 'minibar' },
            el('span', { class: 'minibar-fill', style: { width: percent(t.expected ? t.present / t.expected : 0, 1) } })),
          el('span', { class: 'small muted' }, t.expected ? percent(t.present / t.expected) : '–'))));
      });
      fill(left, el('div', { class: 'panel-head' }, el('h2', {}, 'By class')),
        classList.length ? el('div', { class: 'table-wrap' }, el('table', { class: 'table' },
          el('thead', {}, el('tr', {}, ['Class', 'Present', 'Late', 'Absent', 'Not yet', 'Rate'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, rows))) : note('No classes yet.'));
      return;
    }
    const missing = day.students.filter((s) => s.mark === 'upcoming' || s.mark === 'absent');
    fill(left, el('div', { class: 'panel-head' }, el('h2', {}, 'Not here yet'),
      el('span', { class: 'muted small' }, missing.length ? plural(missing.length, 'student') : '')),
    missing.length
      ? el('ul', { class: 'chips' }, missing.map((s) => el('li', {},
        el('a', { class: `chip chip-${s.mark}`, href: `#/students/${encodeURIComponent(s.studentId)}` }, s.name))))
      : note(day.students.length ? 'Everybody expected is here.' : 'This class has no students yet.'));
  }

  function drawFeed() {
    const names = new Map(deviceList.map((d) => [d.id, d.name || d.id]));
    const arrived = day.students.filter((s) => (s.mark === 'present' || s.mark === 'late') && s.time)
      .sort((a, b) => String(b.time).localeCompare(String(a.time))).slice(0, FEED_SIZE);
    fill(feed, ...arrived.map((s) => el('li', { class: fresh.has(s.studentId) ? 'flash' : null },
      el('span', { class: 'feed-time mono' }, shortTime(s.time)),
      el('a', { href: `#/students/${encodeURIComponent(s.studentId)}` }, s.name),
      s.mark === 'late' ? el('span', { class: 'tag tag-late' }, 'late') : null,
      el('span', { class: 'small muted' }, s.method === 'manual' ? `by hand${s.markedBy ? `, ${s.markedBy}` : ''}` : names.get(s.deviceId) || s.deviceId || ''))));
    if (!arrived.length) fill(feed, el('li', { class: 'empty' }, 'Nobody has arrived yet.'));
    fresh.clear();
  }

  async function load() {
    try {
      const data = await get(`/api/attendance/day${query({ classId })}`);
      if (!ctx.alive()) return;
      day = data;
      status.textContent = `Updated ${new Date().toLocaleTimeString()} · refreshed every 15 s, live from the doors`;
      draw();
    } catch (err) {
      if (ctx.alive()) status.textContent = `Could not refresh: ${err.message}`;
    }
  }

  // A device's mark arrives before the next poll: count it now.
  function onMark(deviceId, student) {
    if (!day || !student || !student.studentId) return;
    // A device that was offline resends old marks: only today's count here.
    if (student.timestamp && String(student.timestamp).slice(0, 10) !== day.day) return;
    const s = day.students.find((x) => x.studentId === student.studentId);
    if (!s || s.mark === 'present' || s.mark === 'late') return;
    const time = String(student.timestamp || '').split(' ')[1] || new Date().toTimeString().slice(0, 8);
    const starts = classList.filter((c) => c.studentIds.includes(s.studentId)).map((c) => c.startsAt).filter(Boolean).sort()[0];
    s.mark = starts && time.slice(0, 5) > starts ? 'late' : 'present';
    s.time = time;
    s.method = 'automatic';
    s.deviceId = deviceId;
    fresh.add(s.studentId);
    draw();
  }

  function drawDoors() {
    fill(doors, ...deviceList.map((d) => el('span', { class: `door ${d.online ? 'door-on' : 'door-off'}`, title: d.online ? 'Online' : 'Offline' },
      d.name || d.id)));
  }

  // The doors serving this class (a device serving no class serves everyone).
  try {
    const all = await loadDevices();
    const cls = classList.find((c) => c.id === classId);
    deviceList = all.filter((d) => !cls || !d.classIds || !d.classIds.length || d.classIds.includes(cls.id)).map((d) => ({ ...d }));
  } catch (_) { deviceList = []; }
  if (!ctx.alive()) return;
  drawDoors();
  for (const d of deviceList) {
    ctx.cleanup(listen(d.id, (msg) => {
      if (msg.type === 'attendance') onMark(d.id, msg.student);
      else if (msg.type === 'device_status') { d.online = !!msg.online; drawDoors(); }
    }));
  }
  await load();
  ctx.every(POLL_MS, load);
}
