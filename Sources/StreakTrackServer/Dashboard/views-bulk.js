// Bulk enrolment: a CSV (optional) and photos, a folder or a ZIP, uploaded
// file by file with progress; "Check" is a dry run that lists what would
// become of every row (refused rows first, with their reasons), "Enrol" does
// it. The server keeps a job for an hour; any change of files starts a new one.

import { api, get, putFile, clearCache } from './api.js';
import { el, plural, someNames, isPhotoFile, fill, add } from './dom.js';

const POLL_MS = 1000;
const PARALLEL_UPLOADS = 3;
const ACTION_WORDS = { enrol: 'enrol', update: 'update', nothingToDo: 'nothing to do', refused: 'refused' };
const DONE_WORDS = { enrol: 'enrolled', update: 'updated', nothingToDo: 'nothing to do', refused: 'refused' };

// The path the server should keep a file under. A chosen folder's own name is
// dropped: "class6/asha_verma.jpg" must read as Asha Verma, not as a person
// called "class6" (the server takes the folder just above a photo as its person).
function relativePath(file) {
  const rel = file.webkitRelativePath || '';
  const parts = rel ? rel.split('/').slice(1) : [file.name];
  return parts.join('/') || file.name;
}

const encodePath = (path) => path.split('/').map(encodeURIComponent).join('/');
const megabytes = (n) => `${(n / 1048576).toFixed(n < 10485760 ? 1 : 0)} MB`;

export function renderBulk(box, ctx) {
  let job = null; // {id, state} of the files chosen now; null after any change
  let busy = false;
  let outcomes = [];
  let lastRun = false; // the outcomes are of a run (done), not a check
  let filter = 'all';

  const csv = el('input', { id: 'bulk-csv', type: 'file', accept: '.csv,text/csv' });
  const files = el('input', { id: 'bulk-files', type: 'file', multiple: true, accept: 'image/jpeg,image/png,.zip,application/zip' });
  const folder = el('input', { id: 'bulk-folder', type: 'file', webkitdirectory: true, multiple: true });
  const chosen = el('p', { id: 'bulk-chosen', class: 'small muted' }, 'Nothing chosen yet.');
  const checkBtn = el('button', { type: 'button', id: 'bulk-check', class: 'btn' }, 'Check');
  const runBtn = el('button', { type: 'button', id: 'bulk-run', class: 'btn btn-primary' }, 'Enrol');
  const progress = el('progress', { id: 'bulk-progress', max: 1, value: 0, hidden: true, 'aria-labelledby': 'bulk-progress-label' });
  const progressLabel = el('span', { id: 'bulk-progress-label', class: 'small muted', 'aria-live': 'polite' });
  const message = el('div', { id: 'bulk-message', 'aria-live': 'polite' });
  const summary = el('div', { id: 'bulk-summary', class: 'bulk-summary' });
  const filters = el('div', { class: 'segmented', role: 'group', 'aria-label': 'Show rows', hidden: true });
  const tbody = el('tbody', {});
  const table = el('table', { id: 'bulk-outcomes', class: 'table outcomes', hidden: true },
    el('thead', {}, el('tr', {}, ['Line', 'Name', 'Enrolment no.', 'Action', 'Photos', 'Problems and warnings'].map((h) => el('th', { scope: 'col' }, h)))),
    tbody);

  const tableWrap = el('div', { class: 'table-wrap table-tall', hidden: true }, table);
  add(box,
    el('h2', { id: 'bulk-title' }, 'Many students at once'),
    el('details', { class: 'help' }, el('summary', {}, 'What to upload'),
      el('p', {}, 'Either a CSV file whose first line names its columns — ', el('code', {}, 'name, enrollment_no, classes, photos'),
        ' (several classes or photos separated by ', el('code', {}, ';'), '; missing classes are created) — with the photos it names;'),
      el('p', {}, 'or, without a CSV, photos named after the students: ', el('code', {}, 'asha_verma.jpg'), ', or a folder per student: ',
        el('code', {}, 'asha_verma/1.jpg'), '. The enrolment number is then the name in capitals; a CSV sets real ones.'),
      el('p', {}, 'Photos can come one by one, as a folder, or in a ZIP file. A student already enrolled (same enrolment number) gets the new photos and classes.')),
    el('div', { class: 'form-grid' },
      el('div', { class: 'field' }, el('label', { for: 'bulk-csv' }, 'CSV file (optional)'), csv),
      el('div', { class: 'field' }, el('label', { for: 'bulk-files' }, 'Photos or a ZIP file'), files),
      el('div', { class: 'field' }, el('label', { for: 'bulk-folder' }, 'Or a whole folder'), folder)),
    chosen,
    el('div', { class: 'row' }, checkBtn, runBtn, progress, progressLabel),
    message, summary, filters,
    tableWrap);

  // ---------- what is chosen ----------

  // Photos and ZIPs only: a folder also holds other files (a CSV, .DS_Store…).
  const chosenFiles = () => [...files.files, ...folder.files].filter((f) => isPhotoFile(f) || /\.zip$/i.test(f.name));
  // A folder may carry its own CSV; a CSV chosen on purpose wins.
  const csvFile = () => csv.files[0] || [...folder.files].find((f) => /\.csv$/i.test(f.name)) || null;

  function describeChoice() {
    const list = chosenFiles();
    const zips = list.filter((f) => /\.zip$/i.test(f.name)).length;
    const bytes = list.reduce((n, f) => n + f.size, 0);
    const c = csvFile();
    const parts = [];
    if (c) parts.push(`CSV ${c.name}`);
    if (list.length - zips) parts.push(plural(list.length - zips, 'photo'));
    if (zips) parts.push(plural(zips, 'ZIP file'));
    chosen.textContent = parts.length ? `${parts.join(', ')} · ${megabytes(bytes)}` : 'Nothing chosen yet.';
  }

  for (const input of [csv, files, folder]) {
    input.addEventListener('change', () => { job = null; describeChoice(); });
  }

  // ---------- upload, start, poll ----------

  function showProgress(value, max, text) {
    progress.hidden = false;
    progress.max = Math.max(1, max);
    progress.value = Math.min(value, progress.max);
    progressLabel.textContent = text;
  }

  async function upload() {
    const list = chosenFiles();
    const c = csvFile();
    if (!list.length && !c) throw new Error('Choose a CSV file, photos, a folder or a ZIP file first.');
    const body = c ? { csv: await c.text() } : {};
    const { id } = await api('POST', '/api/enrolments', body);
    const total = list.reduce((n, f) => n + f.size, 0) || 1;
    const sent = new Map();
    const report = () => {
      const n = [...sent.values()].reduce((a, b) => a + b, 0);
      showProgress(n, total, `Uploading ${megabytes(n)} of ${megabytes(total)}…`);
    };
    let next = 0;
    // A few uploads at a time: faster than one by one, gentle on the server.
    const worker = async () => {
      while (next < list.length && ctx.alive()) {
        const file = list[next++];
        await putFile(`/api/enrolments/${encodeURIComponent(id)}/files/${encodePath(relativePath(file))}`, file,
          (n) => { sent.set(file, n); report(); });
        sent.set(file, file.size);
        report();
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_UPLOADS }, worker));
    return { id, state: 'receiving' };
  }

  async function poll(id, verb) {
    for (;;) {
      const status = await get(`/api/enrolments/${encodeURIComponent(id)}`);
      if (!ctx.alive()) return null;
      if (status.state === 'checking' || status.state === 'running' || status.state === 'receiving') {
        showProgress(status.done, status.total, `${verb} ${status.done.toLocaleString()} of ${plural(status.total, 'row')}…`);
        await new Promise((r) => setTimeout(r, POLL_MS));
        continue;
      }
      return status;
    }
  }

  async function go(dryRun) {
    if (busy) return;
    busy = true;
    checkBtn.disabled = runBtn.disabled = true;
    fill(message);
    try {
      if (!job || job.state === 'done') job = await upload();
      if (!ctx.alive()) return;
      await api('POST', `/api/enrolments/${encodeURIComponent(job.id)}/${dryRun ? 'check' : 'run'}`);
      const status = await poll(job.id, dryRun ? 'Checking' : 'Enrolling');
      if (!status) return;
      job.state = status.state;
      if (status.state === 'failed') throw new Error(status.error || 'The enrolment failed.');
      showProgress(status.total, status.total, dryRun ? `Checked ${plural(status.total, 'row')}.` : `Done: ${plural(status.total, 'row')}.`);
      outcomes = status.outcomes || [];
      lastRun = !dryRun;
      if (!dryRun) clearCache('classes'); // a run may create classes
      draw();
    } catch (err) {
      if (err.message && /^no enrolment/.test(err.message)) job = null; // expired: the next try starts afresh
      fill(message, el('p', { class: 'form-error', role: 'alert' }, err.message));
      progressLabel.textContent = '';
    } finally {
      busy = false;
      checkBtn.disabled = runBtn.disabled = false;
    }
  }

  checkBtn.addEventListener('click', () => go(true));
  runBtn.addEventListener('click', () => go(false));

  // ---------- the outcome table ----------

  function looksAlike(o) { return (o.lookAlikes && o.lookAlikes.length) || (o.sameFaceAs && o.sameFaceAs.length); }

  function count(action) { return outcomes.filter((o) => o.action === action).length; }

  function draw() {
    const words = lastRun ? DONE_WORDS : ACTION_WORDS;
    const alike = outcomes.filter(looksAlike).length;
    const refused = count('refused');
    fill(summary,
      el('p', { class: 'bulk-head' }, lastRun ? 'Result: ' : 'If you enrol now: ',
        ['enrol', 'update', 'nothingToDo', 'refused'].filter((a) => count(a)).map((a) =>
          el('span', { class: `pill pill-${a}` }, `${count(a).toLocaleString()} ${words[a]}`))),
      refused && !lastRun ? el('p', { class: 'form-error' }, `${plural(refused, 'row is', 'rows are')} refused and would be left out. Fix them in the file and check again, or enrol the others now.`) : null,
      alike ? el('p', { class: 'warn-text' }, `${plural(alike, 'row looks', 'rows look')} like students already enrolled or another row: check nobody is enrolled twice.`) : null);
    const options = [['all', `All (${outcomes.length})`], ['refused', `Refused (${refused})`], ['alike', `Look-alikes (${alike})`]];
    filters.hidden = !outcomes.length;
    fill(filters, ...options.map(([k, label]) => el('button', {
      type: 'button', class: 'btn btn-small seg-btn', 'aria-pressed': String(filter === k), onclick: () => { filter = k; draw(); },
    }, label)));
    // Refused rows first: they are what needs doing.
    const rows = outcomes
      .filter((o) => filter === 'all' || (filter === 'refused' ? o.action === 'refused' : looksAlike(o)))
      .sort((a, b) => (b.action === 'refused') - (a.action === 'refused') || a.line - b.line);
    table.hidden = tableWrap.hidden = !outcomes.length;
    fill(tbody, ...rows.map((o) => row(o, words)));
  }

  function row(o, words) {
    const photos = (o.photos || []).map((p) => el('li', { class: p.accepted ? 'ok-text' : 'bad-text' },
      `${p.accepted ? '✓' : '✗'} ${p.file}`));
    const notes = [];
    for (const p of o.problems || []) notes.push(el('li', { class: 'bad-text' }, p));
    if (o.lookAlikes && o.lookAlikes.length) {
      const names = [...new Set(o.lookAlikes.map((l) => l.name))];
      const more = o.otherLookAlikes ? ` and ${o.otherLookAlikes} more` : '';
      notes.push(el('li', { class: 'warn-text' }, `Looks like ${someNames(names)}${more}: two students alike, or enrolled twice?`));
    }
    for (const e of o.sameFaceAs || []) {
      notes.push(el('li', { class: 'warn-text' }, `Same face as line ${e.line} (${e.name}): one person on two rows?`));
    }
    if (o.newClasses && o.newClasses.length) notes.push(el('li', { class: 'muted' }, `New class${o.newClasses.length > 1 ? 'es' : ''}: ${o.newClasses.join(', ')}`));
    const name = o.studentId && lastRun && o.action !== 'refused'
      ? el('a', { href: `#/students/${encodeURIComponent(o.studentId)}` }, o.name) : o.name;
    return el('tr', { 'data-line': o.line, 'data-action': o.action, class: o.action === 'refused' ? 'row-refused' : null },
      el('td', { class: 'num' }, String(o.line)),
      el('td', {}, name || el('span', { class: 'muted' }, '(no name)')),
      el('td', { class: 'mono' }, o.enrollmentNo),
      el('td', {}, el('span', { class: `pill pill-${o.action}` }, words[o.action] || o.action)),
      el('td', {}, photos.length ? el('ul', { class: 'plain' }, photos) : el('span', { class: 'muted' }, 'none')),
      el('td', {}, notes.length ? el('ul', { class: 'plain' }, notes) : ''));
  }
}
