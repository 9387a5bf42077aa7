// Enrol: one student at a time, each photo checked by the face engine the
// moment it is chosen (so a bad photo is replaced while the student is still
// in front of the camera), and bulk enrolment below (views-bulk.js).

import { api, classes as loadClasses, clearCache } from './api.js';
import { el, viewHead, note, isPhotoFile, fileToBase64, toast, fill, add } from './dom.js';
import { checkedPhoto, lookAlikeWarning } from './photocheck.js';
import { renderBulk } from './views-bulk.js';

export async function render(root, _params, ctx) {
  const classList = await loadClasses();
  if (!ctx.alive()) return;
  const single = el('section', { class: 'panel', 'aria-labelledby': 'enrol-title' });
  const bulk = el('section', { class: 'panel', id: 'bulk', 'aria-labelledby': 'bulk-title' });
  add(root, viewHead('Enrol'), single, bulk);
  renderSingle(single, classList, ctx);
  renderBulk(bulk, ctx);
}

function renderSingle(box, classList, ctx) {
  let items = []; // photos chosen, each with its verdict as it arrives
  const name = el('input', { id: 'enrol-name', type: 'text', required: true, autocomplete: 'off', placeholder: 'Asha Verma' });
  const number = el('input', { id: 'enrol-number', type: 'text', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: '0801CS211' });
  const classesSelect = el('select', { id: 'enrol-classes', multiple: true, size: Math.min(6, Math.max(3, classList.length)), 'aria-describedby': 'enrol-classes-hint' },
    classList.map((c) => el('option', { value: c.id }, c.name)));
  const photo = el('input', { id: 'enrol-photo', type: 'file', accept: 'image/jpeg,image/png', multiple: true, 'aria-describedby': 'enrol-photo-hint' });
  const verdicts = el('div', { id: 'enrol-verdict', class: 'pcheck-list', 'aria-live': 'polite' });
  const result = el('div', { id: 'enrol-result', 'aria-live': 'polite' });
  const submit = el('button', { type: 'submit', class: 'btn btn-primary' }, 'Enrol student');

  const form = el('form', { id: 'enrol-form', class: 'enrol-form', novalidate: false },
    el('div', { class: 'form-grid' },
      el('div', { class: 'field' }, el('label', { for: 'enrol-name' }, 'Name'), name),
      el('div', { class: 'field' }, el('label', { for: 'enrol-number' }, 'Enrolment number'), number),
      el('div', { class: 'field field-wide' }, el('label', { for: 'enrol-classes' }, 'Classes'),
        classList.length ? classesSelect : note('No classes yet: add them under Classes, or put the student in one later.'),
        el('span', { id: 'enrol-classes-hint', class: 'small muted' }, 'Ctrl-click (⌘-click) to choose several.'))),
    el('div', { class: 'field' }, el('label', { for: 'enrol-photo' }, 'Photos'), photo,
      el('span', { id: 'enrol-photo-hint', class: 'small muted' },
        'JPEG or PNG: the student alone, facing the camera, in good light. Each photo is checked as soon as you choose it.')),
    verdicts,
    el('div', { class: 'row' }, submit),
    result);
  add(box, el('h2', { id: 'enrol-title' }, 'One student'), form);

  photo.addEventListener('change', () => {
    for (const file of [...photo.files]) {
      if (!isPhotoFile(file)) { toast(`${file.name} is not a JPEG or PNG image.`); continue; }
      const item = checkedPhoto(file, { onRemove: (it) => { items = items.filter((x) => x !== it); } });
      items.push(item);
      add(verdicts, item.node);
    }
    photo.value = ''; // the same file may be chosen again after removing it
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fill(result);
    if (!name.value.trim() || !number.value.trim()) { form.reportValidity(); return; }
    submit.disabled = true;
    submit.textContent = 'Checking photos…';
    let good = [];
    try {
      await Promise.all(items.map((i) => i.done));
      good = items.filter((i) => i.accepted);
      if (!good.length) {
        fill(result, el('p', { class: 'form-error', role: 'alert' },
          items.length ? 'None of the photos was accepted: choose a clearer photo of the student alone.' : 'Choose at least one photo: the doors recognise students by their face.'));
        return;
      }
      submit.textContent = 'Enrolling…';
      const body = {
        name: name.value.trim(), enrollmentNo: number.value.trim(),
        photos: await Promise.all(good.map((i) => fileToBase64(i.file))),
        classIds: [...classesSelect.selectedOptions].map((o) => o.value),
      };
      const res = await api('POST', '/api/students', body);
      const left = items.length - good.length;
      const alike = (res.photos || []).flatMap((v) => v.lookAlikes || []);
      const unique = [...new Map(alike.map((l) => [l.studentId, l])).values()];
      fill(result, el('div', { class: 'banner banner-success', role: 'status' },
        el('strong', {}, `${res.student.name} is enrolled`), ` with ${good.length} photo${good.length === 1 ? '' : 's'}`,
        left ? ` (${left} refused photo${left === 1 ? ' was' : 's were'} left out)` : '', '. ',
        el('a', { href: `#/students/${encodeURIComponent(res.student._id)}` }, 'Open their page')),
        lookAlikeWarning(unique, { others: Math.max(0, ...(res.photos || []).map((v) => v.otherLookAlikes || 0)) }));
      for (const i of items) i.remove();
      items = [];
      form.reset();
      clearCache('classes');
      name.focus();
    } catch (err) {
      // 422: a photo refused after all (the check and the enrolment can disagree near a limit).
      const problem = err.data && err.data.check && err.data.check.problem;
      fill(result, el('p', { class: 'form-error', role: 'alert' },
        problem ? `${good[err.data.photo - 1]?.file.name || `Photo ${err.data.photo}`}: ${problem}` : err.message));
    } finally {
      submit.disabled = false;
      submit.textContent = 'Enrol student';
    }
  });
  ctx.cleanup(() => { for (const i of items) i.remove(); });
}
