// socialdesk staff console: the Staff page, for admins (issue 17). It
// lists the staff accounts and adds one; each account's Manage panel
// changes its role, disables or enables it, sets a new password, makes an
// API token (its value shown once, to copy) and revokes tokens. The desk
// does not list an account's tokens: the page lists those it made, and
// revokes any other by the ID shown when it was made. Loaded after
// app.js, whose router calls show through window.socialdesk.staffPage.
'use strict';

(() => {
  const D = window.socialdesk;
  const { S, $, el, api, guard, announce, setText } = D;

  const made = new Map(); // staff ID → [{id, created}], the tokens made on this page
  let fresh = null; // {staff, id, token}: the token just made, shown once
  const open = new Set(); // staff IDs whose Manage panel is open

  const path = (id) => '/api/staff/' + encodeURIComponent(id);
  const fullName = (s) => [s.first, s.last].filter(Boolean).join(' ') || s.id;

  // show loads the accounts and draws the list.
  async function show() {
    const r = await api('GET', '/api/staff');
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
    const revokeID = el('input', { class: 'staff-revoke-id', autocomplete: 'off', spellcheck: 'false', 'aria-label': 'ID of a token of ' + fullName(s) + ' to revoke' });
    const revokeByID = el('button', { type: 'button', class: 'secondary staff-revoke', text: 'Revoke' });
    revokeByID.addEventListener('click', guard(async () => {
      const id = revokeID.value.trim();
      if (!id) return setText(error, 'Enter the token ID first.');
      await revoke(s, id);
    }, error));

    const panel = el('details', { class: 'staff-manage', open: open.has(s.id) },
      el('summary', { text: 'Manage' }),
      self ? el('p', { class: 'hint', text: 'This is you: another admin changes your role or disables you.' }) : null,
      el('div', { class: 'staff-row' }, el('label', { text: 'Role' }, ' ', role), ' ', toggle),
      el('div', { class: 'staff-row' }, el('label', { text: 'New password' }, ' ', password), ' ', setPassword),
      el('div', { class: 'staff-row' }, newToken),
      fresh && fresh.staff === s.id ? tokenBox(fresh) : null,
      tokenList(s, error),
      el('div', { class: 'staff-row' }, el('label', { text: 'Revoke a token by its ID' }, ' ', revokeID), ' ', revokeByID),
      el('p', { class: 'hint', text: 'The desk does not list tokens: this page lists the ones made here; revoke an older one by the ID shown when it was made.' }),
      error);
    panel.addEventListener('toggle', () => { if (panel.open) open.add(s.id); else open.delete(s.id); });
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
    made.set(s.id, [...(made.get(s.id) || []), { id: t.id, created: t.created }]);
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
      el('p', { class: 'hint', text: 'Token ID ' + t.id + ': revoke it by this ID.' }));
  }

  // tokenList lists the tokens made for s on this page, each revocable.
  function tokenList(s, error) {
    const list = made.get(s.id) || [];
    if (list.length === 0) return null;
    return el('ul', { class: 'token-list', 'aria-label': 'Tokens made here' }, ...list.map((t) => {
      const b = el('button', { type: 'button', class: 'secondary token-revoke', 'data-token': t.id, text: 'Revoke' });
      b.addEventListener('click', guard(() => revoke(s, t.id), error));
      return el('li', { 'data-token': t.id }, el('code', { text: t.id }), ' ', el('span', { class: 'meta', text: 'made ' + D.fmtTime(t.created) }), ' ', b);
    }));
  }

  // revoke revokes s's token id.
  async function revoke(s, id) {
    await api('DELETE', path(s.id) + '/tokens/' + encodeURIComponent(id));
    made.set(s.id, (made.get(s.id) || []).filter((t) => t.id !== id));
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
