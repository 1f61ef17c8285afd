// socialdesk demo: a customer's phone. It sends messages as a LINE user
// through the desk's embedded fake LINE platform (/demo/...) and shows
// everything the customer sent and received. Text is set with
// textContent, never as HTML.
'use strict';

(() => {
  const POLL_MS = 1000;
  const STICKERS = [
    { package: '446', id: '1988', label: 'Happy', glyph: '😀' },
    { package: '446', id: '1989', label: 'Thumbs up', glyph: '👍' },
    { package: '446', id: '2000', label: 'Thank you', glyph: '🙏' },
    { package: '446', id: '2007', label: 'Sad', glyph: '😢' },
  ];

  const $ = (id) => document.getElementById(id);
  let customer = '';
  let shown = ''; // the JSON of the messages on screen
  let pollTimer = 0;
  let failures = 0;

  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') n.className = v;
      else if (k === 'text') n.textContent = v;
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c !== null && c !== undefined) n.append(c);
    return n;
  }

  async function call(method, path, body) {
    const opt = { method, headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      opt.headers['Content-Type'] = 'application/json';
      opt.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, opt);
    } catch (e) {
      throw new Error('The desk cannot be reached. Is it running?');
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      const err = (data && data.error) || {};
      const e = new Error(err.message || res.status + ' ' + res.statusText);
      e.status = res.status;
      throw e;
    }
    return data;
  }

  function fail(e) { $('phone-error').textContent = e.message || String(e); }

  // staffSignIn offers, in demo mode, one button per demo staff member
  // that signs the console in as them (the demo shows their passwords).
  async function staffSignIn() {
    let staff;
    try {
      staff = (await call('GET', '/demo/staff')).staff || [];
    } catch (e) {
      return; // not in demo mode
    }
    const bar = $('staff-sign-in');
    for (const s of staff) {
      bar.append(el('button', {
        type: 'button', class: 'quiet', id: 'sign-in-as-' + s.id, text: 'Sign in as ' + s.name,
        onclick: async () => {
          try {
            await call('POST', '/api/session', { staff: s.id, password: s.password });
            bar.dataset.signedIn = s.id;
            // In the console's phone panel, reload the console as them.
            if (window.top !== window) window.top.location.reload();
          } catch (e) { fail(e); }
        },
      }));
    }
    bar.hidden = staff.length === 0;
  }

  async function start() {
    staffSignIn();
    let list;
    try {
      list = (await call('GET', '/demo/customers')).customers || [];
    } catch (e) {
      if (e.status !== 404) throw e;
      list = []; // not in demo mode
    }
    if (list.length === 0) {
      $('phone-off').hidden = false;
      $('phone-form').hidden = true;
      return;
    }
    const sel = $('customer');
    // One group per platform when the demo has customers on more than one.
    const platforms = [...new Set(list.map((c) => c.platform || 'LINE'))];
    for (const p of platforms) {
      const opts = list.filter((c) => (c.platform || 'LINE') === p).map((c) => el('option', { value: c.id, text: c.name, 'data-platform': p }));
      if (platforms.length > 1) sel.append(el('optgroup', { label: p }, ...opts));
      else sel.append(...opts);
    }
    const platformOf = (id) => (list.find((c) => c.id === id) || {}).platform || 'LINE';
    // The demo's WhatsApp customer sends text only: no stickers or photos.
    const textOnly = () => {
      const wa = platformOf(customer) === 'WhatsApp';
      $('sticker-toggle').hidden = wa;
      $('photo').closest('label').hidden = wa;
      $('sample-photo').hidden = wa;
      if (wa) $('stickers').hidden = true;
    };
    const want = new URLSearchParams(location.search).get('customer') || localStorage.getItem('socialdesk.customer');
    customer = list.some((c) => c.id === want) ? want : list[0].id;
    sel.value = customer;
    textOnly();
    sel.addEventListener('change', () => {
      customer = sel.value;
      textOnly();
      localStorage.setItem('socialdesk.customer', customer);
      shown = '';
      $('chat').replaceChildren();
      poll();
    });

    const box = $('stickers');
    for (const s of STICKERS) {
      box.append(el('button', {
        type: 'button', class: 'sticker-button', 'aria-label': 'Send sticker: ' + s.label,
        text: s.glyph + ' ' + s.label,
        onclick: () => {
          box.hidden = true;
          $('sticker-toggle').setAttribute('aria-expanded', 'false');
          $('phone-text').focus();
          sendNow({ sticker: { package: s.package, id: s.id } });
        },
      }));
    }
    $('sticker-toggle').addEventListener('click', () => {
      const open = box.hidden;
      box.hidden = !open;
      $('sticker-toggle').setAttribute('aria-expanded', open ? 'true' : 'false');
      if (open) box.firstChild.focus();
    });
    $('phone-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const input = $('phone-text');
      const text = input.value;
      if (!text.trim()) return;
      sendNow({ text }).then((ok) => { if (ok) input.value = ''; });
    });
    $('photo').addEventListener('change', () => {
      const f = $('photo').files[0];
      $('photo').value = '';
      if (!f) return;
      const r = new FileReader();
      r.onload = () => sendNow({ image: String(r.result).replace(/^data:[^,]*,/, '') });
      r.onerror = () => fail(new Error('Could not read that file.'));
      r.readAsDataURL(f);
    });
    $('sample-photo').addEventListener('click', () => sendNow({ image: samplePhoto() }));
    poll();
  }

  // sendNow sends one message as the customer; it resolves to whether the
  // desk took it.
  async function sendNow(body) {
    $('phone-error').textContent = '';
    try {
      await call('POST', '/demo/customers/' + encodeURIComponent(customer) + '/messages', body);
      poll();
      return true;
    } catch (e) {
      fail(e);
      return false;
    }
  }

  // samplePhoto draws a small JPEG, so the demo can send an image without
  // a file at hand.
  function samplePhoto() {
    const c = document.createElement('canvas');
    c.width = 320;
    c.height = 200;
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 320, 200);
    grad.addColorStop(0, '#7cc6fe');
    grad.addColorStop(1, '#0b6e4f');
    g.fillStyle = grad;
    g.fillRect(0, 0, 320, 200);
    g.fillStyle = '#fff';
    g.font = 'bold 24px sans-serif';
    g.fillText('Sample photo', 20, 110);
    g.font = '14px sans-serif';
    g.fillText(new Date().toLocaleString(), 20, 140);
    return c.toDataURL('image/jpeg', 0.85).replace(/^data:[^,]*,/, '');
  }

  async function poll() {
    clearTimeout(pollTimer);
    const who = customer;
    try {
      const r = await call('GET', '/demo/customers/' + encodeURIComponent(who) + '/messages');
      if (who !== customer) return;
      failures = 0;
      if ($('phone-error').dataset.poll) {
        $('phone-error').textContent = '';
        delete $('phone-error').dataset.poll;
      }
      render(r.messages || []);
    } catch (e) {
      failures++;
      fail(e);
      $('phone-error').dataset.poll = '1';
    }
    pollTimer = setTimeout(poll, Math.min(POLL_MS * 2 ** Math.min(failures, 4), 15000));
  }

  function render(messages) {
    const json = JSON.stringify(messages);
    if (json === shown) return;
    shown = json;
    const chat = $('chat');
    const atEnd = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40;
    // Messages only ever append; re-render from the first that changed.
    const have = chat.children.length;
    let same = 0;
    while (same < have && same < messages.length && chat.children[same].dataset.key === key(messages[same])) same++;
    while (chat.children.length > same) chat.lastChild.remove();
    for (const m of messages.slice(same)) chat.append(bubble(m));
    if (atEnd || same < messages.length) chat.scrollTop = chat.scrollHeight;
  }

  function key(m) { return [m.from, m.kind, m.text || '', m.time || '', m.status || ''].join('\u0000'); }

  function bubble(m) {
    const mine = m.from === 'customer';
    let body;
    switch (m.kind) {
      case 'text': body = el('p', { class: 'text', text: m.text || '' }); break;
      case 'sticker': body = el('p', { class: 'sticker', text: '☺ Sticker' }); break;
      case 'image': body = el('p', { class: 'note', text: 'Photo' }); break;
      case 'video': body = el('p', { class: 'note', text: 'Video' }); break;
      case 'audio': body = el('p', { class: 'note', text: 'Voice message' }); break;
      default: body = el('p', { class: 'note', text: m.text || 'A ' + m.kind + ' message' });
    }
    const problem = mine && m.status && m.status !== 'delivered'
      ? el('p', { class: 'problem', text: 'Not delivered: ' + m.status }) : null;
    const when = m.time ? new Date(m.time).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : '';
    return el('li', { class: 'bubble ' + (mine ? 'mine' : 'theirs'), 'data-key': key(m) },
      el('span', { class: 'sr-only', text: mine ? 'You: ' : 'Shop: ' }),
      m.quote ? el('p', { class: 'quote', text: 'Replying to: ' + m.quote }) : null,
      body,
      problem,
      when ? el('time', { datetime: m.time, text: when }) : null);
  }

  document.addEventListener('DOMContentLoaded', () => {
    start().catch(fail);
  });
})();
