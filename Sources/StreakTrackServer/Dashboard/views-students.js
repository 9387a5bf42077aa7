// Students: one page of 50 at a time (a school has 1,000+), searched by name
// or enrolment number and filtered by class on the server. The search, class,
// page and layout live in the address so Back from a student returns here.

import { get, query, can, classes as loadClasses, rememberStudents } from './api.js';
import { el, select, viewHead, plural, setQuery, debounce, fill, add } from './dom.js';

const PAGE = 50;

// The small face crop, or a placeholder with initials when there is no photo.
// Photos enrolled before face crops were kept have none (404): the photo then.
export function face(student, cls = 'face') {
  const initials = String(student.name || '?').split(/\s+/).map((w) => w[0]).join('').slice(0, 2).toUpperCase();
  const placeholder = () => el('span', { class: `${cls} face-none`, 'aria-hidden': 'true' }, initials);
  const crop = (student.faces && student.faces[0]) || null;
  const photo = (student.images && student.images[0]) || null;
  if (!crop && !photo) return placeholder();
  const img = el('img', { class: cls, src: crop || photo, alt: '', loading: 'lazy', width: 96, height: 96 });
  img.addEventListener('error', () => {
    if (photo && img.getAttribute('src') !== photo) img.src = photo;
    else img.replaceWith(placeholder());
  });
  return img;
}

export async function render(root, _params, ctx, q) {
  const state = {
    q: q.get('q') || '',
    classId: q.get('class') || '',
    page: Math.max(1, Number(q.get('page')) || 1),
    cards: q.get('view') === 'cards',
  };
  const classList = await loadClasses();
  if (!ctx.alive()) return;
  const names = new Map(classList.map((c) => [c.id, c.name]));
  const teacher = !can('allAttendance');

  const search = el('input', { id: 'student-search', type: 'search', value: state.q, placeholder: 'Name or enrolment number',
    autocomplete: 'off', spellcheck: 'false' });
  const classSelect = select({ id: 'student-class' },
    [{ value: '', label: teacher ? 'All my classes' : 'All classes' }, ...classList.map((c) => ({ value: c.id, label: c.name }))], state.classId);
  const listBtn = el('button', { type: 'button', class: 'btn btn-small seg-btn', 'aria-pressed': String(!state.cards) }, 'List');
  const cardBtn = el('button', { type: 'button', class: 'btn btn-small seg-btn', 'aria-pressed': String(state.cards) }, 'Cards');
  const total = el('span', { id: 'student-total', class: 'muted', 'aria-live': 'polite' });
  const list = el('ul', { id: 'student-list', class: 'student-list' });
  const pager = el('nav', { id: 'student-pager', class: 'pager', 'aria-label': 'Pages' });

  add(root,
    viewHead('Students', can('roster') ? el('a', { href: '#/enrol', class: 'btn btn-primary' }, 'Enrol a student') : null),
    el('div', { class: 'toolbar' },
      el('div', { class: 'field' }, el('label', { for: 'student-search' }, 'Search'), search),
      el('div', { class: 'field' }, el('label', { for: 'student-class' }, 'Class'), classSelect),
      el('div', { class: 'segmented', role: 'group', 'aria-label': 'Layout' }, listBtn, cardBtn),
      total),
    list, pager);

  let asked = 0; // only the newest answer is drawn (typing fires many requests)
  async function load() {
    const ticket = ++asked;
    setQuery({ q: state.q, class: state.classId, page: state.page > 1 ? state.page : '', view: state.cards ? 'cards' : '' });
    list.setAttribute('aria-busy', 'true');
    try {
      const data = await get(`/api/students${query({ q: state.q.trim(), classId: state.classId, offset: (state.page - 1) * PAGE, limit: PAGE })}`);
      if (!ctx.alive() || ticket !== asked) return;
      // A search that shrank the list can leave us past its end.
      const pages = Math.max(1, Math.ceil(data.total / PAGE));
      if (state.page > pages) { state.page = pages; load(); return; }
      rememberStudents(data.students);
      draw(data, pages);
    } catch (err) {
      if (ctx.alive() && ticket === asked) fill(list, el('li', { class: 'form-error' }, err.message));
    } finally { list.removeAttribute('aria-busy'); }
  }

  function draw(data, pages) {
    total.textContent = state.q || state.classId ? `${plural(data.total, 'student')} found` : plural(data.total, 'student');
    list.className = state.cards ? 'student-cards' : 'student-list';
    if (!data.students.length) {
      fill(list, el('li', { class: 'empty' }, state.q ? `No student matches “${state.q}”.`
        : state.classId ? 'This class has no students yet.' : 'No students yet.'));
    } else {
      fill(list, ...data.students.map((s) => (state.cards ? card(s) : row(s))));
    }
    drawPager(data.total, pages);
  }

  const classChips = (s) => el('span', { class: 'chips-inline' },
    (s.classIds || []).map((id) => el('span', { class: 'chip chip-small' }, names.get(id) || 'another class')));

  function row(s) {
    const href = `#/students/${encodeURIComponent(s._id)}`;
    return el('li', { class: 'student-row', 'data-student-id': s._id },
      face(s),
      el('a', { href, class: 'student-name' }, s.name),
      el('span', { class: 'mono small muted' }, s.enrollmentNo),
      classChips(s),
      el('span', { class: 'small muted photo-count' }, plural((s.photoIds || []).length, 'photo')));
  }

  function card(s) {
    const href = `#/students/${encodeURIComponent(s._id)}`;
    const photo = s.images && s.images[0]
      ? el('img', { class: 'card-photo', src: s.images[0], alt: '', loading: 'lazy' })
      : el('span', { class: 'card-photo face-none' }, 'No photo');
    return el('li', { class: 'student-card', 'data-student-id': s._id },
      el('a', { href, class: 'card-link' }, photo, el('span', { class: 'student-name' }, s.name)),
      el('span', { class: 'mono small muted' }, s.enrollmentNo), classChips(s));
  }

  // Prev, numbered pages around the current one (with the first and last), Next.
  function drawPager(count, pages) {
    if (pages <= 1) { fill(pager); return; }
    const go = (p) => () => { state.page = p; load(); list.scrollIntoView({ block: 'start' }); };
    const wanted = new Set([1, pages, state.page - 2, state.page - 1, state.page, state.page + 1, state.page + 2]);
    const nums = [...wanted].filter((p) => p >= 1 && p <= pages).sort((a, b) => a - b);
    const items = [];
    nums.forEach((p, i) => {
      if (i && p - nums[i - 1] > 1) items.push(el('span', { class: 'pager-gap', 'aria-hidden': 'true' }, '…'));
      items.push(el('button', { type: 'button', class: 'btn btn-small', 'aria-current': p === state.page ? 'page' : null,
        'aria-label': `Page ${p}`, onclick: go(p) }, String(p)));
    });
    const from = (state.page - 1) * PAGE + 1;
    fill(pager,
      el('button', { type: 'button', class: 'btn btn-small', disabled: state.page === 1, onclick: go(state.page - 1), rel: 'prev' }, '‹ Previous'),
      ...items,
      el('button', { type: 'button', class: 'btn btn-small', disabled: state.page === pages, onclick: go(state.page + 1), rel: 'next' }, 'Next ›'),
      el('span', { class: 'small muted' }, `${from.toLocaleString()}–${Math.min(count, from + PAGE - 1).toLocaleString()} of ${count.toLocaleString()}`));
  }

  search.addEventListener('input', debounce(() => { state.q = search.value; state.page = 1; load(); }, 250));
  classSelect.addEventListener('change', () => { state.classId = classSelect.value; state.page = 1; load(); });
  const layout = (cards) => () => {
    state.cards = cards;
    listBtn.setAttribute('aria-pressed', String(!cards));
    cardBtn.setAttribute('aria-pressed', String(cards));
    load();
  };
  listBtn.addEventListener('click', layout(false));
  cardBtn.addEventListener('click', layout(true));
  await load();
}
