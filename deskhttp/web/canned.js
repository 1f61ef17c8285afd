// socialdesk staff console: canned replies. In a room's reply box, "/"
// at the start of a word opens the channel's canned replies, searched by
// what follows it, each previewed as it would be sent in this enquiry;
// choosing one puts its text in place of "/word". On a channel's settings
// page, admins add, edit and delete them. Texts are set with textContent;
// it talks to the desk through window.socialdesk, which app.js provides.
'use strict';

(() => {
  const byId = (id) => document.getElementById(id);
  const sd = () => window.socialdesk;

  // ---- the "/" list in the reply box ----

  const pick = { box: null, items: [], shown: [], active: 0, start: -1, round: 0, loaded: null };

  // slashQuery returns where the "/word" before the caret starts and the
  // word, or null when the caret is not in one.
  function slashQuery(t) {
    const upTo = t.value.slice(0, t.selectionStart);
    const m = /(^|\s)\/([^\s/]*)$/u.exec(upTo);
    if (!m) return null;
    return { start: upTo.length - m[2].length - 1, q: m[2].toLowerCase() };
  }

  function ensureBox() {
    if (pick.box) return pick.box;
    const t = byId('reply');
    pick.box = sd().el('div', { id: 'canned-pick', class: 'canned-pick', hidden: true },
      sd().el('p', { id: 'canned-pick-title', class: 'canned-pick-title', text: 'Canned replies: type to search, ↑ ↓ to choose, Enter to insert, Esc to close' }),
      sd().el('ul', { id: 'canned-list', role: 'listbox', 'aria-labelledby': 'canned-pick-title' }),
      sd().el('p', { id: 'canned-preview', class: 'canned-preview', dir: 'auto', 'aria-live': 'polite' }));
    t.parentNode.insertBefore(pick.box, t);
    t.setAttribute('aria-autocomplete', 'list');
    t.setAttribute('aria-controls', 'canned-list');
    t.setAttribute('aria-expanded', 'false');
    return pick.box;
  }

  async function load(e) {
    const key = e.id + '|' + sd().me();
    if (pick.loaded === key) return;
    const round = ++pick.round;
    const r = await sd().api('GET', '/api/channels/' + encodeURIComponent(e.channel) + '/replies?enquiry=' +
      encodeURIComponent(e.id) + '&staff=' + encodeURIComponent(sd().me()));
    if (round !== pick.round) return;
    pick.items = r.replies;
    pick.loaded = key;
  }

  function close() {
    if (!pick.box || pick.box.hidden) return;
    pick.box.hidden = true;
    const t = byId('reply');
    t.setAttribute('aria-expanded', 'false');
    t.removeAttribute('aria-activedescendant');
  }

  function render(q) {
    const el = sd().el;
    pick.shown = pick.items.filter((c) => !q || c.name.toLowerCase().includes(q) || (c.preview || c.text).toLowerCase().includes(q));
    pick.active = Math.min(pick.active, Math.max(0, pick.shown.length - 1));
    const list = byId('canned-list');
    list.replaceChildren(...pick.shown.map((c, i) => el('li', {
      id: 'canned-opt-' + i, role: 'option', class: 'canned-opt', 'data-name': c.name, 'aria-selected': i === pick.active ? 'true' : 'false',
      onmousedown: (ev) => { ev.preventDefault(); pick.active = i; insert(); },
    }, el('span', { class: 'name', text: '/' + c.name }), ' ', el('span', { class: 'meta', dir: 'auto', text: oneLine(c.preview || c.text) }))));
    if (!pick.shown.length) {
      list.append(el('li', { class: 'empty', text: pick.items.length ? 'No canned reply matches “' + q + '”.' : 'This channel has no canned replies yet: an admin adds them on the channel\'s page.' }));
    }
    const chosen = pick.shown[pick.active];
    byId('canned-preview').textContent = chosen ? chosen.preview || chosen.text : '';
    const t = byId('reply');
    if (chosen) t.setAttribute('aria-activedescendant', 'canned-opt-' + pick.active);
    else t.removeAttribute('aria-activedescendant');
  }

  function oneLine(s) {
    const line = s.replace(/\s+/g, ' ');
    return line.length > 90 ? line.slice(0, 89) + '…' : line;
  }

  async function onInput() {
    const t = byId('reply');
    const e = sd().room();
    const found = !t.disabled && e ? slashQuery(t) : null;
    if (!found) { close(); return; }
    ensureBox();
    pick.start = found.start;
    try {
      await load(e);
    } catch (err) {
      byId('canned-list').replaceChildren(sd().el('li', { class: 'error', text: err.message }));
      pick.box.hidden = false;
      return;
    }
    const again = slashQuery(t); // the text may have moved on meanwhile
    if (!again) { close(); return; }
    pick.start = again.start;
    pick.box.hidden = false;
    t.setAttribute('aria-expanded', 'true');
    render(again.q);
  }

  function insert() {
    const c = pick.shown[pick.active];
    if (!c) return;
    const t = byId('reply');
    const text = c.preview || c.text;
    const end = t.selectionStart;
    t.value = t.value.slice(0, pick.start) + text + t.value.slice(end);
    const caret = pick.start + text.length;
    t.setSelectionRange(caret, caret);
    close();
    t.focus();
    t.dispatchEvent(new Event('input', { bubbles: true })); // app.js counts it
  }

  function onKey(ev) {
    if (!pick.box || pick.box.hidden) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const n = pick.shown.length;
      if (n) pick.active = (pick.active + (ev.key === 'ArrowDown' ? 1 : n - 1)) % n;
      const q = slashQuery(byId('reply'));
      render(q ? q.q : '');
    } else if ((ev.key === 'Enter' && !ev.ctrlKey && !ev.metaKey) || ev.key === 'Tab') {
      if (!pick.shown.length) return;
      ev.preventDefault();
      ev.stopImmediatePropagation();
      insert();
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      close();
    }
  }

  // ---- the editor on a channel's page ----

  const ed = { channel: null, editing: null, timer: 0, round: 0 };

  function editorBox() {
    let box = byId('canned-editor');
    if (box) return box;
    const el = sd().el;
    box = el('fieldset', { id: 'canned-editor', class: 'canned-editor' },
      el('legend', { text: 'Canned replies' }),
      el('p', { class: 'hint', text: 'Staff type / in the reply box to insert one. The text has the auto-messages\' placeholders: {customer}, {staff}, {channel}, {back}, {if staff}…{else}…{end}. Only admins change them.' }),
      el('ul', { id: 'canned-rows', class: 'canned-rows' }),
      el('h3', { id: 'canned-form-title', text: 'Add a canned reply' }),
      el('label', { for: 'canned-name', text: 'Name (what staff type after /)' }),
      el('input', { id: 'canned-name', autocomplete: 'off', maxlength: '40', onkeydown: (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); guardSave(); } } }),
      el('label', { for: 'canned-text', text: 'Text' }),
      el('textarea', { id: 'canned-text', rows: 3, 'aria-describedby': 'canned-edit-preview', oninput: schedulePreview }),
      el('p', { class: 'preview-title', text: 'Preview (customer “Yui Sato”, you as staff):' }),
      el('p', { id: 'canned-edit-preview', class: 'canned-preview', dir: 'auto', 'aria-live': 'polite' }),
      el('p', { id: 'canned-status', class: 'status', role: 'status' }),
      el('div', { class: 'form-actions' },
        el('button', { type: 'button', id: 'canned-save', onclick: guardSave, text: 'Add reply' }),
        el('button', { type: 'button', id: 'canned-cancel', class: 'secondary', hidden: true, onclick: () => startEdit(null), text: 'Cancel' })));
    const form = byId('channel-form');
    form.insertBefore(box, form.querySelector('.form-actions'));
    return box;
  }

  function status(text, error) {
    const s = byId('canned-status');
    s.textContent = text;
    s.classList.toggle('error', !!error);
  }

  async function guardSave() {
    try {
      await save();
    } catch (e) {
      status(e.message, true);
    }
  }

  async function loadEditor(c) {
    editorBox();
    if (!ed.channel || ed.channel.id !== c.id) startEdit(null);
    ed.channel = c;
    const r = await sd().api('GET', '/api/channels/' + encodeURIComponent(c.id) + '/replies');
    if (!ed.channel || ed.channel.id !== c.id) return;
    const el = sd().el;
    const rows = byId('canned-rows');
    rows.replaceChildren(...r.replies.map((x) => el('li', { class: 'canned-row', 'data-name': x.name },
      el('span', { class: 'name', text: '/' + x.name }), ' ',
      el('span', { class: 'meta', dir: 'auto', text: oneLine(x.text) }), ' ',
      el('button', { type: 'button', class: 'link', text: 'Edit', 'aria-label': 'Edit /' + x.name, onclick: () => startEdit(x) }), ' ',
      el('button', { type: 'button', class: 'link', text: 'Delete', 'aria-label': 'Delete /' + x.name, onclick: () => remove(x) }))));
    if (!r.replies.length) rows.append(el('li', { class: 'empty', text: 'No canned replies yet.' }));
  }

  function startEdit(x) {
    ed.editing = x;
    byId('canned-name').value = x ? x.name : '';
    byId('canned-text').value = x ? x.text : '';
    byId('canned-form-title').textContent = x ? 'Edit /' + x.name : 'Add a canned reply';
    byId('canned-save').textContent = x ? 'Save reply' : 'Add reply';
    byId('canned-cancel').hidden = !x;
    byId('canned-edit-preview').textContent = '';
    status('');
    if (x) schedulePreview();
  }

  function schedulePreview() {
    clearTimeout(ed.timer);
    ed.timer = setTimeout(preview, 250);
  }

  // you is the staff member acting, as a preview names them.
  function you() {
    const s = sd().staff(sd().me()) || { first: sd().me(), last: '' };
    return { First: s.first || '', Last: s.last || '' };
  }

  async function preview() {
    const text = byId('canned-text').value;
    const out = byId('canned-edit-preview');
    if (!ed.channel || !text.trim()) { out.textContent = ''; return; }
    const round = ++ed.round;
    try {
      const r = await sd().api('POST', '/api/channels/' + encodeURIComponent(ed.channel.id) + '/replies/preview',
        { text, customer: 'Yui Sato', staff: you() });
      if (round !== ed.round) return;
      out.textContent = r.text;
      out.classList.remove('error');
      byId('canned-text').setAttribute('aria-invalid', 'false');
    } catch (e) {
      if (round !== ed.round) return;
      out.textContent = e.message;
      out.classList.add('error');
      byId('canned-text').setAttribute('aria-invalid', 'true');
    }
  }

  async function save() {
    const c = ed.channel;
    const body = { name: byId('canned-name').value.trim(), text: byId('canned-text').value };
    const base = '/api/channels/' + encodeURIComponent(c.id) + '/replies';
    if (ed.editing) await sd().api('PATCH', base + '/' + encodeURIComponent(ed.editing.id), body);
    else await sd().api('POST', base, body);
    const what = ed.editing ? 'Saved /' : 'Added /';
    startEdit(null);
    status(what + body.name + '.');
    pick.loaded = null;
    await loadEditor(c);
  }

  async function remove(x) {
    try {
      await sd().api('DELETE', '/api/channels/' + encodeURIComponent(ed.channel.id) + '/replies/' + encodeURIComponent(x.id));
      status('Deleted /' + x.name + '.');
      pick.loaded = null;
      await loadEditor(ed.channel);
    } catch (e) {
      status(e.message, true);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    const t = byId('reply');
    t.addEventListener('input', () => { onInput(); });
    t.addEventListener('keydown', onKey, true);
    t.addEventListener('blur', () => setTimeout(close, 150));
    document.addEventListener('socialdesk:channel', (ev) => {
      loadEditor(ev.detail).catch((e) => status(e.message, true));
    });
    window.addEventListener('hashchange', () => { pick.loaded = null; close(); });
  });
})();
