// Devices (the doors): registering one (its config.json with the secret is
// shown once), where it is, which classes it serves, whether an original
// device without a secret is let in, and the live camera. Teachers see the
// doors of their classes, for the live view only.
//
// Cards are updated in place on the 15 s refresh so a running live view and
// an open edit form survive it.

import { api, get, can, clearCache, classes as loadClasses } from './api.js';
import { el, viewHead, note, toast, confirmAction, relativeTime, formatTimestamp, copyBox, downloadText, fill, add } from './dom.js';
import { listen, stream } from './live.js';

const REFRESH_MS = 15000;

export async function render(root, _params, ctx) {
  const roster = can('roster');
  const classList = roster ? await loadClasses() : await loadClasses().catch(() => []);
  if (!ctx.alive()) return;
  const classNames = new Map(classList.map((c) => [c.id, c.name]));
  const cards = new Map(); // deviceId -> card
  const list = el('div', { id: 'device-list', class: 'device-grid' });
  const empty = note(roster ? 'No devices yet: register the first door below.' : 'No door serves your classes yet.');
  const configBox = el('div', { id: 'device-config', class: 'secret-box', hidden: true });

  add(root, viewHead('Devices'), configBox, list, empty);
  if (roster) add(root, registerForm());

  // ---------- register ----------

  function registerForm() {
    const id = el('input', { id: 'device-id', type: 'text', required: true, spellcheck: 'false', placeholder: 'door-1' });
    const name = el('input', { id: 'device-name', type: 'text', placeholder: 'Main door' });
    const room = el('input', { id: 'device-room', type: 'text', placeholder: 'Entrance hall' });
    const admit = el('input', { id: 'device-admit', type: 'checkbox' });
    const form = el('form', { id: 'device-form', class: 'inline-form' },
      el('div', { class: 'field' }, el('label', { for: 'device-id' }, 'Device id'), id),
      el('div', { class: 'field' }, el('label', { for: 'device-name' }, 'Name'), name),
      el('div', { class: 'field' }, el('label', { for: 'device-room' }, 'Room'), room),
      el('label', { class: 'check', for: 'device-admit' }, admit, 'Admit without secret (an original device)'),
      el('button', { type: 'submit', class: 'btn btn-primary' }, 'Register'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = { deviceId: id.value.trim(), admitWithoutSecret: admit.checked };
      // The server refuses a registered id: a new secret is its own action, on the card.
      const known = cards.get(body.deviceId);
      if (known && known.device.registered !== false) {
        toast(`${body.deviceId} is registered already: use “New secret” on its card to replace its config.json.`);
        return;
      }
      if (name.value.trim()) body.name = name.value.trim();
      if (room.value.trim()) body.room = room.value.trim();
      try {
        const res = await api('POST', '/api/devices', body);
        form.reset();
        showConfig(res);
        clearCache('devices');
        refresh();
      } catch (err) { toast(err.message); }
    });
    return el('section', { class: 'panel', 'aria-labelledby': 'device-form-title' }, el('h2', { id: 'device-form-title' }, 'Register a door'), form);
  }

  // Shown once: the server keeps only a hash of the secret.
  function showConfig(res) {
    const text = JSON.stringify(res.config, null, 2);
    fill(configBox,
      el('h2', {}, `config.json for ${res.device.name || res.device.id}`),
      el('p', {}, 'Save this as the device’s ', el('code', {}, 'config.json'), ' (readable by the device’s user only: ',
        el('code', {}, 'chmod 600 config.json'), '). ', el('strong', {}, 'It is shown only this once.')),
      copyBox(text, { id: 'device-config-text', label: 'config.json', multiline: true }),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'btn btn-small', onclick: () => downloadText('config.json', `${text}\n`) }, 'Download config.json'),
        el('button', { type: 'button', class: 'btn btn-small', onclick: () => { configBox.hidden = true; fill(configBox); } }, 'Done, I saved it')));
    configBox.hidden = false;
    configBox.scrollIntoView({ block: 'nearest' });
  }

  // ---------- cards ----------

  function buildCard(device) {
    const card = {
      device,
      name: el('h2', { class: 'device-name' }),
      id: el('div', { class: 'mono small muted' }, device.id),
      badge: el('span', { class: 'badge' }),
      seen: el('div', { class: 'small muted' }),
      room: el('div', { class: 'small' }),
      serves: el('div', { class: 'small' }),
      flags: el('div', { class: 'small muted' }),
      recognised: el('div', { class: 'small', 'aria-live': 'polite' }),
      img: el('img', { class: 'live-img', alt: `Live camera of ${device.name || device.id}`, hidden: true }),
      placeholder: el('div', { class: 'live-placeholder' }, 'Camera off'),
      toggle: el('button', { type: 'button', class: 'btn btn-small live-toggle' }),
      editBox: el('div', { class: 'device-edit', hidden: true }),
      streaming: false,
      gotFrame: false,
    };
    card.toggle.addEventListener('click', () => toggleLive(card));
    const actions = [card.toggle];
    if (roster && device.registered !== false) {
      actions.push(el('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false', onclick: (e) => toggleEdit(card, e.currentTarget) }, 'Edit'));
      actions.push(el('button', { type: 'button', class: 'btn btn-small', onclick: () => renewSecret(card) }, 'New secret'));
      actions.push(el('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => removeDevice(card) }, 'Remove'));
    } else if (roster) {
      actions.push(el('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: () => registerUnknown(card) }, 'Register'));
    }
    card.root = el('article', { class: 'card device-card', 'data-device-id': device.id },
      el('div', { class: 'device-head' }, el('div', {}, card.name, card.id), card.badge),
      card.seen, card.room, card.serves, card.flags, card.recognised,
      el('div', { class: 'live-box' }, card.img, card.placeholder),
      el('div', { class: 'card-actions' }, actions), card.editBox);
    // Status and frames come over the device's socket, shared with other views.
    card.unlisten = listen(device.id, (msg) => onMessage(card, msg));
    ctx.cleanup(card.unlisten);
    return card;
  }

  function update(card) {
    const d = card.device;
    card.name.textContent = d.name || d.id;
    card.id.hidden = !d.name || d.name === d.id;
    card.badge.textContent = d.registered === false ? 'Unregistered' : d.online ? 'Online' : 'Offline';
    card.badge.className = `badge ${d.registered === false ? 'badge-unregistered' : d.online ? 'badge-online' : 'badge-offline'}`;
    card.seen.textContent = d.online ? 'Connected now' : `Last seen ${relativeTime(d.lastSeen)}`;
    card.seen.title = d.lastSeen ? formatTimestamp(d.lastSeen) : '';
    card.room.textContent = d.room ? `Room: ${d.room}` : '';
    const served = (d.classIds || []).map((id) => classNames.get(id) || 'a class');
    card.serves.textContent = served.length ? `Serves ${served.join(', ')}` : 'Serves every student';
    const flags = [d.hasSecret ? 'Secret set' : 'No secret'];
    if (d.admitWithoutSecret) flags.push('admitted without secret');
    card.flags.textContent = flags.join(' · ');
    card.toggle.textContent = card.streaming ? 'Stop live view' : 'Live view';
    card.toggle.setAttribute('aria-pressed', String(card.streaming));
  }

  function noVideo(card, text) {
    card.img.hidden = true;
    card.img.removeAttribute('src');
    card.placeholder.hidden = false;
    card.placeholder.textContent = text;
    card.gotFrame = false;
  }

  function toggleLive(card) {
    card.streaming = !card.streaming;
    const sent = stream(card.device.id, card.streaming);
    if (card.streaming) noVideo(card, card.device.online ? (sent ? 'Waiting for video…' : 'Connecting…') : 'The device is offline.');
    else noVideo(card, 'Camera off');
    update(card);
  }

  function onMessage(card, msg) {
    if (msg.error) {
      // Mostly the answer to start_stream (device offline): switch the view off and say why.
      if (card.streaming && !card.gotFrame) { card.streaming = false; stream(card.device.id, false); noVideo(card, String(msg.error)); update(card); }
      else toast(`${card.device.name || card.device.id}: ${msg.error}`);
      return;
    }
    if (msg.type === 'live_stream') {
      if (!card.streaming || typeof msg.frame !== 'string') return; // a late frame after stop
      card.img.src = `data:image/jpeg;base64,${msg.frame}`;
      card.img.hidden = false;
      card.placeholder.hidden = true;
      card.gotFrame = true;
    } else if (msg.type === 'device_status') {
      const back = msg.online && !card.device.online;
      card.device.online = !!msg.online;
      if (msg.online) card.device.lastSeen = new Date().toISOString();
      if (!msg.online && card.streaming) noVideo(card, 'The device went offline.');
      if (back && card.streaming) { stream(card.device.id, true); noVideo(card, 'Waiting for video…'); }
      update(card);
    } else if ((msg.type === 'attendance' || msg.type === 'detected') && msg.student) {
      // Who the door just recognised: a quick check that it works.
      const time = String(msg.student.timestamp || '').split(' ')[1] || new Date().toTimeString().slice(0, 8);
      card.recognised.textContent = `${msg.type === 'attendance' ? 'Marked' : 'Saw'} ${msg.student.name || 'a student'} at ${time.slice(0, 5)}`;
    } else if (msg.type === 'socket' && !msg.open && card.streaming) {
      noVideo(card, 'Reconnecting…');
    }
  }

  // ---------- edit, remove ----------

  function toggleEdit(card, button) {
    const open = card.editBox.hidden;
    button.setAttribute('aria-expanded', String(open));
    card.editBox.hidden = !open;
    if (!open) { fill(card.editBox); return; }
    const d = card.device;
    const uid = d.id.replace(/[^a-zA-Z0-9_-]/g, '_');
    const name = el('input', { id: `dev-name-${uid}`, type: 'text', value: d.name || '' });
    const room = el('input', { id: `dev-room-${uid}`, type: 'text', value: d.room || '' });
    const admit = el('input', { id: `dev-admit-${uid}`, type: 'checkbox', checked: !!d.admitWithoutSecret });
    const boxes = classList.map((c) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', value: c.id, checked: (d.classIds || []).includes(c.id) }), c.name));
    const form = el('form', { class: 'stack' },
      el('div', { class: 'field' }, el('label', { for: `dev-name-${uid}` }, 'Name'), name),
      el('div', { class: 'field' }, el('label', { for: `dev-room-${uid}` }, 'Room'), room),
      el('fieldset', {}, el('legend', {}, 'Classes served (none: every student)'), el('div', { class: 'check-grid' }, boxes)),
      el('label', { class: 'check', for: `dev-admit-${uid}` }, admit, 'Admit without secret'),
      el('div', { class: 'row' }, el('button', { type: 'submit', class: 'btn btn-small btn-primary' }, 'Save'),
        el('button', { type: 'button', class: 'btn btn-small', onclick: () => toggleEdit(card, button) }, 'Cancel')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const classIds = [...form.querySelectorAll('fieldset input:checked')].map((i) => i.value);
      try {
        await api('PATCH', `/api/devices/${encodeURIComponent(d.id)}`, { name: name.value.trim() || d.id, room: room.value.trim(), classIds, admitWithoutSecret: admit.checked });
        clearCache('devices');
        clearCache('classes');
        toast('Device saved.', 'success');
        toggleEdit(card, button);
        refresh(); // the PATCH answer does not carry the classes served: read the list again
      } catch (err) { toast(err.message); }
    });
    fill(card.editBox, form);
    name.focus();
  }

  async function removeDevice(card) {
    const d = card.device;
    if (!await confirmAction(`Remove ${d.name || d.id}?`, 'It will no longer be able to connect, and its config.json stops working.')) return;
    try {
      await api('DELETE', `/api/devices/${encodeURIComponent(d.id)}`);
      clearCache('devices');
      toast(`${d.name || d.id} removed.`, 'success');
      refresh();
    } catch (err) { toast(err.message); }
  }

  // A lost or leaked config.json: the old secret stops working at once, so ask first.
  async function renewSecret(card) {
    const d = card.device;
    if (!await confirmAction(`A new secret for ${d.name || d.id}?`,
      'The config.json it has now stops working: the device stays offline until it gets the new one.', 'New secret')) return;
    try {
      showConfig(await api('POST', `/api/devices/${encodeURIComponent(d.id)}/secret`));
    } catch (err) { toast(err.message); }
  }

  // An unregistered device let in by --open-devices: register it under its id.
  function registerUnknown(card) {
    const field = document.getElementById('device-id');
    if (field) { field.value = card.device.id; field.scrollIntoView({ block: 'center' }); document.getElementById('device-name').focus(); }
  }

  // ---------- the list ----------

  async function refresh() {
    let devices;
    try { devices = await get('/api/devices'); } catch (err) { if (ctx.alive()) toast(err.message); return; }
    if (!ctx.alive()) return;
    const ids = new Set(devices.map((d) => d.id));
    for (const [id, card] of cards) {
      if (!ids.has(id)) { if (card.streaming) stream(id, false); card.unlisten(); card.root.remove(); cards.delete(id); }
    }
    for (const d of devices) {
      let card = cards.get(d.id);
      if (card) {
        // Keep what the socket said about "online" if it is newer than the list.
        Object.assign(card.device, d);
      } else {
        card = buildCard(d);
        cards.set(d.id, card);
      }
      add(list, card.root); // in the server's order
      update(card);
    }
    empty.hidden = devices.length > 0;
  }

  await refresh();
  ctx.every(REFRESH_MS, refresh);
  // Cameras must not keep streaming to a page nobody looks at.
  ctx.cleanup(() => { for (const [id, card] of cards) if (card.streaming) stream(id, false); });
}
