// Classes: the list, a new class, and one class's members — students (picked
// by search, there are too many for a list of checkboxes), teachers (people
// with the teacher role) and the doors serving it. Each member list is
// replaced whole by PATCH, so every change starts from the class as the
// server last returned it.

import { api, get, query, clearCache, classes as loadClasses, devices as loadDevices, can, rememberStudents } from './api.js';
import { el, viewHead, note, plural, toast, confirmAction, debounce, fill, add } from './dom.js';
import { face } from './views-students.js';

export async function renderList(root, _params, ctx) {
  clearCache('classes');
  const [list, devices, users] = await Promise.all([loadClasses(), loadDevices().catch(() => []), teachers()]);
  if (!ctx.alive()) return;
  const deviceNames = new Map(devices.map((d) => [d.id, d.name || d.id]));
  const userNames = new Map(users.map((u) => [u.id, u.name]));

  const name = el('input', { id: 'class-name', type: 'text', required: true, placeholder: 'Grade 6A' });
  const starts = el('input', { id: 'class-starts', type: 'time', 'aria-describedby': 'class-starts-hint' });
  const form = el('form', { id: 'class-form', class: 'inline-form' },
    el('div', { class: 'field' }, el('label', { for: 'class-name' }, 'Name'), name),
    el('div', { class: 'field' }, el('label', { for: 'class-starts' }, 'Starts at (optional)'), starts),
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Add class'),
    el('span', { id: 'class-starts-hint', class: 'small muted' }, 'Arrivals after the start time count as late.'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const created = await api('POST', '/api/classes', { name: name.value.trim(), ...(starts.value ? { startsAt: starts.value } : {}) });
      clearCache('classes');
      toast(`Class ${created.name} added.`, 'success');
      location.hash = `#/classes/${encodeURIComponent(created.id)}`;
    } catch (err) { toast(err.message); }
  });

  const rows = list.map((c) => el('tr', { 'data-class-id': c.id },
    el('th', { scope: 'row' }, el('a', { href: `#/classes/${encodeURIComponent(c.id)}` }, c.name)),
    el('td', {}, c.startsAt || el('span', { class: 'muted' }, '—')),
    el('td', { class: 'num' }, c.studentIds.length.toLocaleString()),
    el('td', {}, c.teacherIds.map((id) => userNames.get(id) || 'a teacher').join(', ') || el('span', { class: 'muted' }, 'none')),
    el('td', {}, c.deviceIds.map((id) => deviceNames.get(id) || id).join(', ') || el('span', { class: 'muted' }, 'none'))));
  add(root, viewHead('Classes'),
    el('section', { class: 'panel' }, el('h2', {}, 'New class'), form),
    el('section', { class: 'panel' },
      list.length ? el('div', { class: 'table-wrap' }, el('table', { id: 'class-list', class: 'table' },
        el('thead', {}, el('tr', {}, ['Class', 'Starts', 'Students', 'Teachers', 'Doors'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows))) : note('No classes yet.')));
}

// People with the teacher role (admins and co-admins may list people).
async function teachers() {
  if (!can('roster')) return [];
  try { return (await get('/api/users')).filter((u) => u.role === 'teacher'); } catch (_) { return []; }
}

export async function renderClass(root, [id], ctx) {
  clearCache('classes');
  let cls = (await loadClasses()).find((c) => c.id === id);
  if (!ctx.alive()) return;
  if (!cls) { add(root, el('p', {}, el('a', { href: '#/classes' }, '‹ Classes')), el('h1', {}, 'Class not found')); return; }
  const [devices, teacherList] = await Promise.all([loadDevices().catch(() => []), teachers()]);
  if (!ctx.alive()) return;

  const title = el('h1', {}, cls.name);
  const membersBox = el('div', {});
  const countLabel = el('span', { class: 'muted small' });
  add(root, el('p', {}, el('a', { href: '#/classes' }, '‹ Classes')), el('div', { class: 'view-head' }, title,
    el('button', { type: 'button', class: 'btn btn-danger', onclick: remove }, 'Remove class')));

  // Saves a change and keeps what the server answers as the class from now on.
  async function patch(body, done) {
    try {
      cls = await api('PATCH', `/api/classes/${encodeURIComponent(id)}`, body);
      clearCache('classes');
      if (done) toast(done, 'success');
      return true;
    } catch (err) { toast(err.message); return false; }
  }

  // ---------- name and start time ----------
  const name = el('input', { id: 'edit-class-name', type: 'text', value: cls.name, required: true });
  const starts = el('input', { id: 'edit-class-starts', type: 'time', value: cls.startsAt || '' });
  const details = el('form', { class: 'inline-form' },
    el('div', { class: 'field' }, el('label', { for: 'edit-class-name' }, 'Name'), name),
    el('div', { class: 'field' }, el('label', { for: 'edit-class-starts' }, 'Starts at'), starts),
    el('button', { type: 'submit', class: 'btn' }, 'Save'),
    el('span', { class: 'small muted' }, 'Empty: no start time, nobody is late.'));
  details.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (await patch({ name: name.value.trim(), startsAt: starts.value || null }, 'Class saved.')) title.textContent = cls.name;
  });

  // ---------- students ----------
  const search = el('input', { id: 'class-add-search', type: 'search', placeholder: 'Name or enrolment number', autocomplete: 'off' });
  const results = el('ul', { class: 'pick-list', 'aria-live': 'polite' });
  const filterMembers = el('input', { id: 'class-member-filter', type: 'search', placeholder: 'Filter members', autocomplete: 'off' });
  let members = [];

  async function loadMembers() {
    const page = await get(`/api/students${query({ classId: id, limit: 1000 })}`);
    if (!ctx.alive()) return;
    rememberStudents(page.students);
    members = page.students;
    drawMembers();
  }

  function drawMembers() {
    const q = filterMembers.value.trim().toLowerCase();
    const shown = members.filter((s) => !q || s.name.toLowerCase().includes(q) || s.enrollmentNo.toLowerCase().includes(q));
    countLabel.textContent = plural(cls.studentIds.length, 'student');
    fill(membersBox, shown.length ? el('ul', { class: 'pick-list member-list' }, shown.map((s) => el('li', { 'data-student-id': s._id },
      face(s), el('a', { href: `#/students/${encodeURIComponent(s._id)}` }, s.name), el('span', { class: 'mono small muted' }, s.enrollmentNo),
      el('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Take ${s.name} out of the class`, onclick: () => setMember(s, false) }, 'Remove'))))
      : note(members.length ? 'No member matches.' : 'No students in this class yet.'));
  }

  async function setMember(s, joining) {
    const ids = joining ? [...new Set([...cls.studentIds, s._id])] : cls.studentIds.filter((x) => x !== s._id);
    if (await patch({ studentIds: ids })) {
      members = joining ? [...members, s].sort((a, b) => a.name.localeCompare(b.name)) : members.filter((m) => m._id !== s._id);
      drawMembers();
      findStudents();
    }
  }

  const findStudents = debounce(async () => {
    const q = search.value.trim();
    if (!q) { fill(results); return; }
    try {
      const page = await get(`/api/students${query({ q, limit: 20 })}`);
      if (!ctx.alive()) return;
      const inClass = new Set(cls.studentIds);
      fill(results, ...page.students.map((s) => el('li', {},
        face(s), el('span', {}, s.name), el('span', { class: 'mono small muted' }, s.enrollmentNo),
        inClass.has(s._id) ? el('span', { class: 'small muted' }, 'in the class')
          : el('button', { type: 'button', class: 'btn btn-small', onclick: () => setMember(s, true) }, 'Add'))),
      page.total > page.students.length ? el('li', { class: 'small muted' }, `${page.total - page.students.length} more: type more of the name`) : null);
      if (!page.students.length) fill(results, el('li', { class: 'empty' }, 'Nobody found.'));
    } catch (err) { toast(err.message); }
  }, 250);
  search.addEventListener('input', findStudents);
  filterMembers.addEventListener('input', drawMembers);

  // ---------- teachers and doors: short lists, checkboxes ----------
  function checkList(legend, items, chosen, key) {
    const boxes = items.map((it) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', value: it.id, checked: chosen.includes(it.id) }), it.label));
    const form = el('form', { class: 'stack' }, el('fieldset', {}, el('legend', {}, legend), el('div', { class: 'check-grid' }, boxes)),
      el('div', {}, el('button', { type: 'submit', class: 'btn btn-small' }, 'Save')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      patch({ [key]: [...form.querySelectorAll('input:checked')].map((i) => i.value) }, `${legend} saved.`);
    });
    return form;
  }

  const teacherBox = teacherList.length
      ? checkList('Teachers', teacherList.map((u) => ({ id: u.id, label: `${u.name} (${u.login})` })), cls.teacherIds, 'teacherIds')
      : el('p', { class: 'muted' }, 'No teacher yet: invite people with the teacher role under ', el('a', { href: '#/people' }, 'People'), '.');
  const deviceBox = devices.length
    ? checkList('Doors', devices.map((d) => ({ id: d.id, label: `${d.name || d.id}${d.room ? ` · ${d.room}` : ''}` })), cls.deviceIds, 'deviceIds')
    : note('No devices registered yet.');

  add(root,
    el('section', { class: 'panel' }, details),
    el('div', { class: 'split' },
      el('section', { class: 'panel' }, el('div', { class: 'panel-head' }, el('h2', {}, 'Students'), countLabel),
        el('label', { for: 'class-member-filter', class: 'visually-hidden' }, 'Filter members'), filterMembers, membersBox),
      el('section', { class: 'panel' }, el('h2', {}, 'Add students'),
        el('label', { for: 'class-add-search' }, 'Find a student'), search, results,
        el('hr', {}), teacherBox, el('hr', {}), deviceBox,
        el('p', { class: 'small muted' }, 'A door serving no class recognises every student; one serving classes, only theirs.'))));

  async function remove() {
    if (!await confirmAction(`Remove the class ${cls.name}?`, 'Its students stay enrolled; they are only no longer in this class.')) return;
    try {
      await api('DELETE', `/api/classes/${encodeURIComponent(id)}`);
      clearCache('classes');
      toast(`Class ${cls.name} removed.`, 'success');
      location.hash = '#/classes';
    } catch (err) { toast(err.message); }
  }

  await loadMembers();
}
