// socialdesk staff console: the enquiry list an agent works from (issue
// 21). Tabs Mine / Ringing / Missed / All open / Closed; each row with
// the channel's name, the customer's name, the last message (its text or
// a label such as "Image") and its time, and the signed-in staff
// member's unread count, which clears when they open the room (POST
// /api/enquiries/{id}/seen). Unread messages in other enquiries show as a
// quiet badge on the Enquiries link and count in the page title (so do
// the open room's while the console is in a background tab). Loaded
// after app.js, whose renderList, onDeskEvent and openRoom call it
// through window.socialdesk.list.
'use strict';

(() => {
  const D = window.socialdesk;
  const { S, $, el, api } = D;

  const TITLE = 'socialdesk · staff console';
  const LABELS = { image: 'Image', video: 'Video', audio: 'Audio message', sticker: 'Sticker', unsupported: 'A message the desk cannot show' };
  const EMPTY = {
    mine: 'You attend no enquiry. Attend one from Ringing or Missed.',
    ringing: 'No enquiry is waiting for staff.',
    missed: 'No missed enquiries.',
    open: 'No open enquiries.',
    closed: 'No closed enquiries yet.',
  };

  const rows = new Map(); // enquiry ID → its <li> in the list
  // What the list knows of each enquiry beside its fields: {last, unread}.
  // It is kept apart from S.enquiries, whose copies the room and events
  // replace with ones that carry neither.
  const extra = new Map();
  const channelNames = new Map(); // channel ID → name, from the list and /api/channels
  let namesAsked = false;

  // isMine: the staff member attends the enquiry, or was invited in.
  const isMine = (e) => e.state === 'attending' && (e.staff === S.me || (e.invited || []).includes(S.me));

  function inTab(e, tab) {
    switch (tab) {
      case 'mine': return isMine(e);
      case 'open': return e.state !== 'closed';
      default: return e.state === tab;
    }
  }

  // info returns what the list knows of e beside its fields, taking in
  // what a copy from GET /api/enquiries carries (once: the fields are
  // then dropped from the copy, so that an older copy kept in S.enquiries
  // never brings back an older count).
  function info(e) {
    let x = extra.get(e.id);
    if (!x) extra.set(e.id, x = { last: null, unread: 0 });
    if ('channelName' in e) {
      if (e.channelName) channelNames.set(e.channel, e.channelName);
      x.last = e.last || null;
      x.unread = e.unread || 0;
      delete e.channelName;
      delete e.last;
      delete e.unread;
    }
    return x;
  }

  // inView: the enquiry's room is open and on screen (not in a tab in
  // the background), so what arrives in it is seen.
  const inView = (id) => !!S.room && S.room.id === id && document.visibilityState === 'visible';

  // unreadOf is the unread count a row shows: none for a closed enquiry.
  function unreadOf(e) {
    const n = info(e).unread;
    return e.state === 'closed' ? 0 : n;
  }

  // lastWords is what a row shows of the enquiry's newest message.
  function lastWords(last) {
    if (!last) return '';
    if (last.unsent) return 'The customer unsent a message.';
    if (last.kind === 'text' || last.kind === 'note') return last.text || '';
    return LABELS[last.kind] || 'A message';
  }

  function lastOf(m) {
    const l = { kind: m.kind, author: m.author, at: m.time, seq: m.seq };
    if ((m.kind === 'text' || m.kind === 'note') && m.text) l.text = m.text.slice(0, 200);
    if (m.unsent) l.unsent = true;
    return l;
  }

  function channelName(e) {
    const name = channelNames.get(e.channel);
    if (name) return name;
    if (!namesAsked) { // a channel made since the list was loaded
      namesAsked = true;
      api('GET', '/api/channels').then((r) => {
        for (const c of r.channels || []) channelNames.set(c.id, c.name);
        render();
      }).catch(() => {}).finally(() => { setTimeout(() => { namesAsked = false; }, 30000); });
    }
    return e.channel;
  }

  function render() {
    const counts = { mine: 0, ringing: 0, missed: 0, open: 0, closed: 0 };
    const shown = [];
    let unread = 0;
    for (const e of S.enquiries.values()) {
      for (const tab of Object.keys(counts)) if (inTab(e, tab)) counts[tab]++;
      if (inTab(e, S.tab)) shown.push(e);
      unread += unreadOf(e);
    }
    for (const c of document.querySelectorAll('[data-count]')) c.textContent = D.fmtNum(counts[c.dataset.count] || 0);
    const forMe = [...S.enquiries.values()].filter((e) => e.state === 'ringing' && e.ringing.includes(S.me)).length;
    $('tab-ringing').classList.toggle('alert', forMe > 0);
    // Unread messages in enquiries other than the open room: a quiet
    // badge (never announced) and the page title.
    document.title = (unread ? '(' + unread + ') ' : '') + TITLE;
    const badge = $('unread-badge');
    badge.hidden = unread === 0;
    badge.textContent = D.fmtNum(unread);
    badge.title = unread === 1 ? '1 unread message' : D.fmtNum(unread) + ' unread messages';

    shown.sort((a, b) => (b.lastActivity || b.updated).localeCompare(a.lastActivity || a.updated));
    // Rows are kept and updated in place, so a link that has the focus
    // keeps it while events arrive; one moves only when the order changes.
    const list = $('enquiry-list');
    const keep = new Set(shown.map((e) => e.id));
    for (const [id, li] of rows) {
      if (!keep.has(id)) {
        li.remove();
        rows.delete(id);
      }
    }
    let prev = null;
    for (const e of shown) {
      let li = rows.get(e.id);
      if (!li) {
        li = el('li', null, el('a', { href: '#/enquiries/' + encodeURIComponent(e.id), 'data-enquiry': e.id }));
        rows.set(e.id, li);
      }
      fill(li, e);
      const at = prev ? prev.nextSibling : list.firstChild;
      if (at !== li) list.insertBefore(li, at);
      prev = li;
    }
    const empty = $('list-empty');
    empty.hidden = shown.length > 0;
    empty.textContent = EMPTY[S.tab] || 'Nothing here.';
  }

  function fill(li, e) {
    const current = S.room && S.room.id === e.id;
    let who = '';
    if (e.state === 'ringing') who = e.ringing.length ? 'ringing ' + e.ringing.map(D.staffName).join(', ') : 'being routed';
    else if (e.state === 'attending') who = isMine(e) && e.staff === S.me ? 'with you' : 'with ' + D.staffName(e.staff);
    else if (e.state === 'missed') who = 'nobody attended';
    else if (e.staff) who = 'closed by ' + D.staffName(e.staff);
    const forMe = e.state === 'ringing' && e.ringing.includes(S.me);
    const n = unreadOf(e);
    li.className = 'enquiry-item' + (forMe ? ' for-me' : '') + (n ? ' has-unread' : '');
    const a = li.firstChild;
    D.markCurrent(a, current, 'true');
    const last = info(e).last;
    const at = (last && last.at) || e.lastActivity || e.updated;
    a.replaceChildren(
      el('span', { class: 'name', dir: 'auto', text: D.customerName(e) }),
      el('span', { class: 'marks' },
        forMe ? el('span', { class: 'badge ringing', text: 'for you' }) : '',
        n ? el('span', { class: 'badge unread', 'data-unread': n, text: D.fmtNum(n), 'aria-label': n === 1 ? '1 unread message' : D.fmtNum(n) + ' unread messages' }) : ''),
      el('span', { class: 'last' + (last && last.kind !== 'text' ? ' label' : ''), dir: 'auto', text: lastWords(last) }),
      el('time', { class: 'last-at', datetime: at, text: D.fmtTime(at), title: D.ago(at) }),
      el('span', { class: 'meta', text: [channelName(e), who].filter(Boolean).join(' · ') }));
  }

  // onEvent keeps the row's last message and unread count across an
  // event's copy of the enquiry, which carries neither, and counts a new
  // message in.
  function onEvent(d, old) {
    const e = d.enquiry;
    if (old) info(old); // take in what a listed copy carries
    const m = d.message;
    if (!m || m.enquiry !== e.id) return;
    const x = info(e);
    if (d.kind === 'message.added') {
      if (!x.last || !(x.last.seq >= m.seq)) x.last = lastOf(m);
      if (m.author === 'customer' && !inView(e.id)) x.unread++;
    } else if (x.last && x.last.seq === m.seq) {
      x.last = lastOf(m); // its content fetched, or unsent
    }
  }

  // seen tells the desk that the signed-in staff member has seen the
  // open room's transcript, so its unread count clears for them.
  function seen(id) {
    if (!S.me || !inView(id)) return;
    const e = S.enquiries.get(id);
    if (e) info(e).unread = 0;
    let seq = 0;
    for (const m of S.room.messages.values()) seq = Math.max(seq, m.seq || 0);
    api('POST', '/api/enquiries/' + encodeURIComponent(id) + '/seen', { staff: S.me, seq }).catch(() => {});
    render();
  }

  // reader is the list's query for the unread counts of the staff member
  // the console acts as.
  const reader = () => (S.me ? '&reader=' + encodeURIComponent(S.me) : '');

  // defaultTab is Mine for an agent attending an enquiry, else Ringing,
  // where new enquiries arrive.
  const defaultTab = () => ([...S.enquiries.values()].some(isMine) ? 'mine' : 'ringing');

  // A console in a background tab counts the open room's new messages
  // as unread, in the title too, until it is looked at again.
  document.addEventListener('visibilitychange', () => {
    if (S.room && document.visibilityState === 'visible') seen(S.room.id);
  });

  D.list = { render, onEvent, seen, reader, defaultTab, isMine, channelName, unread: (id) => (extra.get(id) || { unread: 0 }).unread };
})();
