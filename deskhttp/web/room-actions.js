// socialdesk staff console: Transfer and Invite in the room (issue 21).
// The staff member attending an enquiry transfers it to a colleague
// or to a team of its channel's routing rule (routing rings them; nobody
// available sends it to the missed queue) or
// invites a colleague into the room, choosing them in a staff picker
// that shows each colleague's presence. Loaded after app.js, whose
// renderRoomHead calls render through window.socialdesk.roomActions.
'use strict';

(() => {
  const D = window.socialdesk;
  const { S, $, el, api } = D;

  const PRESENCE = { available: 'available', busy: 'busy', idle: 'idle', offline: 'offline' };

  // render shows the buttons the signed-in staff member may use on e:
  // Transfer for whoever may write in it (its owner or an invited
  // colleague), Invite for its owner only, as the desk allows.
  function render(e) {
    const attending = e && e.state === 'attending';
    const writes = attending && (e.staff === S.me || (e.invited || []).includes(S.me));
    $('transfer').hidden = !writes;
    $('invite').hidden = !(attending && e.staff === S.me);
  }

  let mode = 'transfer';
  let teams = []; // the teams of the open room's channel's routing rule: [{name, members}]

  // candidates are the colleagues the picker offers for the open room.
  function candidates() {
    const e = S.room && S.room.enquiry;
    const out = [];
    for (const s of S.staff.values()) {
      if (s.id === S.me || !e) continue;
      if (mode === 'invite' && (s.id === e.staff || (e.invited || []).includes(s.id))) continue;
      out.push(s);
    }
    out.sort((a, b) => D.staffName(a.id).localeCompare(D.staffName(b.id)));
    return out;
  }

  function fillPicker() {
    const q = $('picker-search').value.trim().toLowerCase();
    const chosen = (document.querySelector('#picker-list input:checked') || {}).value;
    const list = $('picker-list');
    list.replaceChildren();
    const choose = () => { $('picker-ok').disabled = false; };
    // A transfer may go to a team: its routing method picks who rings.
    for (const t of mode === 'transfer' ? teams : []) {
      if (q && !t.name.toLowerCase().includes(q)) continue;
      const value = 'team:' + t.name;
      const n = (t.members || []).length;
      list.append(el('li', { 'data-team': t.name },
        el('label', { class: 'check picker-item' },
          el('input', { type: 'radio', name: 'picker-staff', value, checked: value === chosen, onchange: choose }),
          el('span', { class: 'picker-name', text: 'Team ' + t.name }),
          el('span', { class: 'presence', text: n === 1 ? '1 member' : n + ' members' }))));
    }
    for (const s of candidates()) {
      const name = D.staffName(s.id);
      if (q && !name.toLowerCase().includes(q) && !s.id.toLowerCase().includes(q)) continue;
      const p = PRESENCE[s.presence] || 'offline';
      list.append(el('li', { 'data-staff': s.id },
        el('label', { class: 'check picker-item' },
          el('input', { type: 'radio', name: 'picker-staff', value: 'staff:' + s.id, checked: 'staff:' + s.id === chosen, onchange: choose }),
          el('span', { class: 'picker-name', text: name }),
          el('span', { class: 'presence ' + p, text: p }))));
    }
    $('picker-empty').hidden = list.children.length > 0;
    $('picker-ok').disabled = !list.querySelector('input:checked');
  }

  async function open(what) {
    const e = S.room && S.room.enquiry;
    if (!e) return;
    mode = what;
    const who = D.customerName(e);
    D.setText($('picker-title'), what === 'transfer' ? 'Transfer ' + who + ' to' : 'Invite a colleague into ' + who + '\'s room');
    D.setText($('picker-text'), what === 'transfer'
      ? 'The desk rings the colleague or team you choose; if nobody attends in time, the enquiry goes to the missed queue. You leave the room.'
      : 'The colleague you choose can read this room and reply in it; you keep attending it.');
    D.setText($('picker-ok'), what === 'transfer' ? 'Transfer' : 'Invite');
    D.setText($('picker-error'), '');
    $('picker-search').value = '';
    try { // presences change: show them as they are now
      const r = await api('GET', '/api/staff');
      for (const s of r.staff || []) S.staff.set(s.id, Object.assign(S.staff.get(s.id) || {}, s));
    } catch (err) { /* the names known already will do */ }
    teams = [];
    if (what === 'transfer') {
      try {
        const r = await api('GET', '/api/channels/' + encodeURIComponent(e.channel));
        teams = ((r.channel.routing || {}).teams || []).slice().sort((a, b) => a.name.localeCompare(b.name));
      } catch (err) { /* colleagues alone, then */ }
    }
    fillPicker();
    $('staff-picker').showModal();
    $('picker-search').focus();
  }

  async function submit(ev) {
    ev.preventDefault();
    const d = $('staff-picker');
    if (ev.submitter && ev.submitter.value === 'cancel') {
      d.close();
      return;
    }
    const input = document.querySelector('#picker-list input:checked');
    const e = S.room && S.room.enquiry;
    if (!input || !e) return;
    const [kind, to] = [input.value.slice(0, input.value.indexOf(':')), input.value.slice(input.value.indexOf(':') + 1)];
    const path = '/api/enquiries/' + encodeURIComponent(e.id) + '/' + mode;
    $('picker-ok').disabled = true;
    try {
      const r = mode === 'transfer'
        ? await api('POST', path, { staff: S.me, to: kind === 'team' ? { team: to } : { staff: to } })
        : await api('POST', path, { staff: S.me, colleague: to });
      S.enquiries.set(r.enquiry.id, Object.assign(S.enquiries.get(r.enquiry.id) || {}, r.enquiry));
      if (S.room && S.room.id === r.enquiry.id) S.room.enquiry = S.enquiries.get(r.enquiry.id);
      d.close();
      D.renderRoomHead();
      D.renderList();
      const whom = kind === 'team' ? 'team ' + to : D.staffName(to);
      D.announce((mode === 'transfer' ? 'Transferred ' + D.customerName(r.enquiry) + ' to ' : 'Invited ') + whom + '.');
    } catch (err) {
      D.setText($('picker-error'), err.message || String(err));
      $('picker-ok').disabled = false;
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('transfer').addEventListener('click', D.guard(() => open('transfer'), $('room-error')));
    $('invite').addEventListener('click', D.guard(() => open('invite'), $('room-error')));
    $('picker-search').addEventListener('input', fillPicker);
    $('picker-form').addEventListener('submit', submit);
  });

  D.roomActions = { render };
})();
