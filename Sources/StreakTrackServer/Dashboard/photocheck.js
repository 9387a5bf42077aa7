// A chosen photo and the face engine's verdict on it, shown before anything is
// kept: the photo with the face box(es) the engine found drawn over it, and
// either the problem, or the face crop and any look-alike students.

import { api } from './api.js';
import { el, svg, fileToBase64, fill } from './dom.js';

// The face, cut out in the browser from the box (the API does not send a crop
// of a photo it has not kept). A margin, as the stored crops have.
function cropFace(img, box, size = 96) {
  const w = box.right - box.left, h = box.bottom - box.top;
  const side = Math.max(w, h) * 1.3;
  const cx = (box.left + box.right) / 2, cy = (box.top + box.bottom) / 2;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext('2d');
  g.fillStyle = '#ddd';
  g.fillRect(0, 0, size, size);
  g.drawImage(img, cx - side / 2, cy - side / 2, side, side, 0, 0, size, size);
  return canvas.toDataURL('image/jpeg', 0.9);
}

// The look-alike warning the API asks to show: two students alike, or one enrolled twice.
// The server names the nearest few and counts the rest (`others`).
export function lookAlikeWarning(lookAlikes, { max = 5, others = 0 } = {}) {
  if (!lookAlikes || !lookAlikes.length) return null;
  const shown = lookAlikes.slice(0, max);
  const more = lookAlikes.length - shown.length + others;
  const items = shown.map((l) => el('li', {},
    'Looks like ', el('a', { href: `#/students/${encodeURIComponent(l.studentId)}` }, l.name),
    ` (${Number(l.distance).toFixed(2)})`));
  if (more > 0) items.push(el('li', {}, `and ${more} other student${more === 1 ? '' : 's'}`));
  return el('div', { class: 'lookalike', role: 'note' },
    el('strong', {}, 'Two students alike, or enrolled twice? '),
    el('ul', {}, items));
}

function describeQuality(q) {
  if (!q) return '';
  const parts = [];
  if (q.width) parts.push(`face ${Math.round(q.width)} px wide`);
  if (q.brightness != null) parts.push(`brightness ${Math.round(q.brightness)}`);
  if (q.sharpness != null) parts.push(`sharpness ${Number(q.sharpness).toFixed(2)}`);
  return parts.join(' · ');
}

// Checks `file` at once (POST /api/photos/check) and returns
// {node, file, done: Promise, accepted, verdict, remove()}. `studentId`: a photo
// added to that student (their own faces are no look-alikes).
export function checkedPhoto(file, { studentId, onRemove } = {}) {
  // A data: URL, not a blob: one: the CSP (img-src 'self' data:) refuses blob: images.
  const img = el('img', { class: 'pcheck-img', alt: `Chosen photo ${file.name}` });
  const overlay = svg('svg', { class: 'pcheck-boxes', 'aria-hidden': 'true', preserveAspectRatio: 'none' });
  const status = el('div', { class: 'pcheck-status', role: 'status' }, 'Checking the photo…');
  const item = {
    file, accepted: false, verdict: null, node: null,
    remove() { item.node.remove(); if (onRemove) onRemove(item); },
  };
  const removeBtn = el('button', { type: 'button', class: 'btn btn-small', onclick: () => item.remove(), 'aria-label': `Remove ${file.name}` }, 'Remove');
  item.node = el('figure', { class: 'pcheck pcheck-pending' },
    el('div', { class: 'pcheck-frame' }, el('span', { class: 'pcheck-inner' }, img, overlay)),
    el('figcaption', {}, el('div', { class: 'pcheck-file small muted' }, file.name, removeBtn), status));

  const loaded = new Promise((resolve) => {
    img.addEventListener('load', resolve, { once: true });
    img.addEventListener('error', resolve, { once: true });
  });

  item.done = (async () => {
    let verdict;
    try {
      const photo = await fileToBase64(file);
      img.src = `data:${file.type || 'image/jpeg'};base64,${photo}`;
      verdict = await api('POST', '/api/photos/check', studentId ? { photo, studentId } : { photo });
    } catch (err) {
      item.node.className = 'pcheck pcheck-refused';
      fill(status, el('strong', {}, 'Cannot check this photo: '), err.message);
      return item;
    }
    await loaded;
    item.verdict = verdict;
    const check = verdict.check || {};
    item.accepted = !!check.accepted;
    // Boxes are in the photo's pixels: a viewBox of that size scales them with the picture.
    if (img.naturalWidth) overlay.setAttribute('viewBox', `0 0 ${img.naturalWidth} ${img.naturalHeight}`);
    fill(overlay, ...(check.faces || []).map((f) => svg('rect', {
      x: f.left, y: f.top, width: f.right - f.left, height: f.bottom - f.top,
      class: item.accepted ? 'box box-ok' : 'box box-bad', 'vector-effect': 'non-scaling-stroke',
    })));
    item.node.className = `pcheck ${item.accepted ? 'pcheck-ok' : 'pcheck-refused'}`;
    if (item.accepted) {
      const crop = check.faces && check.faces[0] && img.naturalWidth ? cropFace(img, check.faces[0]) : null;
      fill(status,
        el('div', { class: 'pcheck-result' },
          crop ? el('img', { class: 'face face-crop', src: crop, alt: 'The face the devices will learn' }) : null,
          el('div', {}, el('strong', { class: 'ok-text' }, 'Face found: good to enrol.'),
            el('div', { class: 'small muted' }, describeQuality(check.quality)))),
        lookAlikeWarning(verdict.lookAlikes, { others: verdict.otherLookAlikes || 0 }));
    } else {
      fill(status, el('strong', { class: 'bad-text' }, 'Refused: '), check.problem || 'the face engine refused this photo.');
    }
    return item;
  })();
  return item;
}
