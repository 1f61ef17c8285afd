// socialdesk staff console: the Staff page, for admins (issue 17). It
// lists the staff accounts and adds one; each account's Manage panel
// changes its role, disables or enables it, sets a new password, makes an
// API token (its value shown once, to copy), and lists the account's
// tokens, each with when it was made and when it was revoked or a button
// to revoke it. Loaded after app.js, whose router calls show through
// window.socialdesk.staffPage.
'use strict';

(() => {
  const D = window.socialdesk;
  const { S, $, el, api, guard, announce, setText } = D;

  const tokens = new Map(); // staff ID → their tokens, loaded when their Manage panel is open
  let fresh = null; // {staff, id, token}: the token just made, shown once
  const open = new Set(); // staff IDs whose Manage panel is open

  const path = (id) => '/api/staff/' + encodeURIComponent(id);
  const fullName = (s) => [s.first, s.last].filter(Boolean).join(' ') || s.id;

  // show loads the accounts, and the tokens of those whose Manage panel
  // is open, and draws the list.
  async function show() {
    const r = await api('GET', '/api/staff');
    const ids = new Set((r.staff || []).map((s) => s.id));
    await Promise.all([...open].filter((id) => ids.has(id)).map(loadTokens));
    const list = $('staff-list');
    list.replaceChildren();
    for (const s of r.staff || []) {
      S.staff.set(s.id, s);
      list.append(row(s));
    }
  }

  // row is one account: its name, role and state, and its Manage panel.
  function row(s) {
    const self = s.id === S.me;
    const error = el('p', { class: 'error', role: 'alert' });
    const role = el('select', { class: 'staff-role', 'aria-label': 'Role of ' + fullName(s), disabled: self },
      el('option', { value: 'staff', text: 'Staff' }), el('option', { value: 'admin', text: 'Admin' }));
    role.value = s.role || 'staff';
    role.addEventListener('change', guard(async () => {
      try {
        await edit(s, { role: role.value }, fullName(s) + ' is now ' + (role.value === 'admin' ? 'an admin.' : 'a staff member.'));
      } catch (e) {
        role.value = s.role || 'staff';
        throw e;
      }
    }, error));
    const toggle = el('button', { type: 'button', class: 'secondary staff-toggle', disabled: self, text: s.disabled ? 'Enable' : 'Disable' });
    toggle.addEventListener('click', guard(() => edit(s, { disabled: !s.disabled },
      s.disabled ? fullName(s) + ' can sign in again.' : fullName(s) + ' is disabled: their sessions and tokens stop working now.'), error));

    const password = el('input', { type: 'password', class: 'staff-newpass', autocomplete: 'new-password', 'aria-label': 'New password for ' + fullName(s) });
    const setPassword = el('button', { type: 'button', class: 'secondary staff-setpass', text: 'Set password' });
    setPassword.addEventListener('click', guard(async () => {
      if (!password.value) return setText(error, 'Enter the new password first.');
      await edit(s, { password: password.value }, 'The password of ' + fullName(s) + ' is changed.');
    }, error));

    const newToken = el('button', { type: 'button', class: 'secondary staff-newtoken', text: 'Create API token' });
    newToken.addEventListener('click', guard(() => createToken(s), error));
    const tokenArea = el('div', { class: 'staff-tokens' }, tokenList(s, error));

    const panel = el('details', { class: 'staff-manage', open: open.has(s.id) },
      el('summary', { text: 'Manage' }),
      self ? el('p', { class: 'hint', text: 'This is you: another admin changes your role or disables you.' }) : null,
      el('div', { class: 'staff-row' }, el('label', { text: 'Role' }, ' ', role), ' ', toggle),
      el('div', { class: 'staff-row' }, el('label', { text: 'New password' }, ' ', password), ' ', setPassword),
      el('div', { class: 'staff-row' }, newToken),
      fresh && fresh.staff === s.id ? tokenBox(fresh) : null,
      tokenArea,
      error);
    panel.addEventListener('toggle', guard(async () => {
      if (!panel.open) { // opened again, it loads them afresh
        open.delete(s.id);
        tokens.delete(s.id);
        return;
      }
      open.add(s.id);
      if (tokens.has(s.id)) return;
      await loadTokens(s.id);
      tokenArea.replaceChildren(tokenList(s, error));
    }, error));
    return el('li', { 'data-id': s.id },
      el('span', { class: 'name', dir: 'auto', text: [s.first, s.last].filter(Boolean).join(' ') }),
      ' ', el('span', { class: 'meta', text: s.id + ' · ' + (s.role || 'staff') + (s.disabled ? ' · disabled' : '') }),
      panel);
  }

  // edit changes account s by change, then redraws the list.
  async function edit(s, change, done) {
    await api('PATCH', path(s.id), change);
    announce(done);
    await show();
  }

  // createToken makes an API token for s and shows its value once.
  async function createToken(s) {
    const t = await api('POST', path(s.id) + '/tokens');
    fresh = { staff: s.id, id: t.id, token: t.token };
    open.add(s.id);
    await show();
    const box = document.querySelector('#staff-list li[data-id="' + CSS.escape(s.id) + '"] .token-value');
    if (box) { box.focus(); box.select(); }
    announce('A new API token for ' + fullName(s) + ' is shown once: copy it now.');
  }

  // tokenBox shows the token just made, to copy; it is gone when the page
  // is left or redrawn for another token.
  function tokenBox(t) {
    const value = el('input', { class: 'token-value', readonly: true, spellcheck: 'false', 'aria-label': 'The new token', value: t.token });
    const copy = el('button', { type: 'button', class: 'secondary token-copy', text: 'Copy' });
    const status = el('span', { class: 'status', role: 'status' });
    copy.addEventListener('click', async () => {
      value.select();
      try {
        await navigator.clipboard.writeText(t.token);
      } catch (e) {
        document.execCommand('copy'); // without clipboard access: the selection
      }
      setText(status, 'Copied.');
    });
    return el('div', { class: 'token-box', role: 'group', 'aria-label': 'New API token' },
      el('p', { class: 'token-once', text: 'This token is shown only once: copy it now and keep it safe. The desk keeps only its hash.' }),
      el('div', { class: 'staff-row' }, value, ' ', copy, ' ', status),
      el('p', { class: 'hint', text: 'Token ID ' + t.id + ': it is listed below by this ID.' }));
  }

  // loadTokens loads the tokens of staff member id, oldest first.
  async function loadTokens(id) {
    const r = await api('GET', path(id) + '/tokens');
    tokens.set(id, r.tokens || []);
  }

  // tokenList lists s's tokens: when each was made, and when it was
  // revoked or a button to revoke it. Nothing until they are loaded.
  function tokenList(s, error) {
    const list = tokens.get(s.id);
    if (!list) return null;
    if (list.length === 0) return el('p', { class: 'hint token-none', text: fullName(s) + ' has no API tokens.' });
    return el('ul', { class: 'token-list', 'aria-label': 'API tokens of ' + fullName(s) }, ...list.map((t) => {
      let state;
      if (t.revoked) {
        state = el('span', { class: 'meta token-revoked', text: 'revoked ' + D.fmtTime(t.revoked) });
      } else {
        state = el('button', { type: 'button', class: 'secondary token-revoke', 'data-token': t.id, 'aria-label': 'Revoke token ' + t.id, text: 'Revoke' });
        state.addEventListener('click', guard(() => revoke(s, t.id), error));
      }
      return el('li', { 'data-token': t.id, class: t.revoked ? 'revoked' : null },
        el('code', { text: t.id }), t.label ? el('span', { dir: 'auto', text: ' ' + t.label }) : null,
        ' ', el('span', { class: 'meta', text: 'made ' + D.fmtTime(t.created) }), ' ', state);
    }));
  }

  // revoke revokes s's token id.
  async function revoke(s, id) {
    await api('DELETE', path(s.id) + '/tokens/' + encodeURIComponent(id));
    if (fresh && fresh.id === id) fresh = null;
    announce('Token ' + id + ' of ' + fullName(s) + ' is revoked: it no longer works.');
    await show();
  }

  // addStaff adds the account the form describes.
  async function addStaff() {
    const body = {
      id: $('staff-id').value.trim(), first: $('staff-first').value.trim(), last: $('staff-last').value.trim(),
      role: $('staff-role').value, password: $('staff-password').value,
    };
    await api('POST', '/api/staff', body);
    $('staff-form').reset();
    announce(body.first + ' can now sign in as ' + body.id + '.');
    await show();
  }

  $('staff-form').addEventListener('submit', (ev) => { ev.preventDefault(); guard(addStaff, $('staff-error'))(); });
  // The router shows the page afresh: a token made earlier is not shown
  // again.
  D.staffPage = { show: () => { fresh = null; return show(); } };
})();
