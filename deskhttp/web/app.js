// socialdesk staff console. Plain JavaScript, no build step: it talks to
// the desk's JSON API under /api and follows /api/events (server-sent
// events) to stay live. Everything shown is set with textContent, never as
// HTML.
'use strict';

(() => {
  const MAX_TEXT_UNITS = 4999; // in UTF-16 code units, when the desk tells none
  const MAX_CUSTOM_INFO = 10000; // characters (code points)
  const MAX_CHANNEL_NAME = 40; // characters (code points)
  const PAGE = 500; // messages per transcript request
  const KINDS = [
    { kind: 'welcome', title: 'Welcome', when: 'when a customer\'s first message opens an enquiry' },
    { kind: 'away', title: 'Away', when: 'when nobody can answer' },
    { kind: 'close', title: 'Close enquiry', when: 'when staff or the system closes the enquiry' },
  ];
  const FORMATS = [
    { format: 'none', title: 'No name' },
    { format: 'first', title: 'First name' },
    { format: 'full', title: 'Full name' },
  ];
  const STATES = ['mine', 'ringing', 'missed', 'open', 'closed']; // the list's tabs (worklist.js)

  const $ = (id) => document.getElementById(id);

  const S = {
    config: { demo: false, staff: [], channel: '', kinds: [] },
    staff: new Map(), // id → {id, first, last, presence}
    me: '',
    enquiries: new Map(), // id → enquiry
    tab: 'mine',
    room: null, // {id, enquiry, messages: Map id → message, customInfo}
    channels: [],
    channel: null, // the channel being edited, as loaded
  };

  // What the console's feature scripts (worklist.js, room-actions.js, …),
  // loaded after this one, use of it; each adds its own hooks here.
  const desk = window.socialdesk = Object.assign(window.socialdesk || {}, {
    S, $, el, api, guard, announce, setText, markCurrent, fmtNum: (n) => fmtNum(n), fmtTime, ago, staffName, customerName,
    renderList: () => renderList(), renderRoomHead: () => renderRoomHead(), selectTab: (t, f) => selectTab(t, f),
  });

  // ---- small helpers ----

  class ApiError extends Error {
    constructor(status, code, message, field) {
      super(message);
      this.status = status;
      this.code = code;
      this.field = field;
    }
  }

  // The desk may require its access token (DESK_TOKEN) on /api: fetch
  // sends it as a bearer token; the event stream and media URLs, which
  // cannot set headers, carry it in the query.
  let token = sessionStorage.getItem('socialdesk.token') || '';

  function withToken(url) {
    return token ? url + (url.includes('?') ? '&' : '?') + 'access_token=' + encodeURIComponent(token) : url;
  }

  async function api(method, path, body) {
    const opt = { method, headers: { Accept: 'application/json' } };
    if (token) opt.headers.Authorization = 'Bearer ' + token;
    if (body instanceof FormData) {
      opt.body = body; // the browser sets the multipart Content-Type
    } else if (body !== undefined) {
      opt.headers['Content-Type'] = 'application/json';
      opt.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, opt);
    } catch (e) {
      throw new ApiError(0, 'network', 'The desk cannot be reached. Is it running?');
    }
    const text = await res.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (!res.ok) {
      const err = (data && data.error) || {};
      throw new ApiError(res.status, err.code || 'http_' + res.status, err.message || res.status + ' ' + res.statusText, err.field);
    }
    return data;
  }

  // guard runs an async action and shows its failure in el (or the
  // announcer), so no promise is ever left rejected.
  function guard(fn, el) {
    return async (...args) => {
      try {
        if (el) setText(el, '');
        await fn(...args);
      } catch (e) {
        const msg = e instanceof ApiError ? e.message : 'Something went wrong: ' + e;
        if (el) setText(el, msg); else announce(msg);
      }
    };
  }

  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') n.className = v;
        else if (k === 'text') n.textContent = v;
        else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
        else n.setAttribute(k, v === true ? '' : v);
      }
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      n.append(c);
    }
    return n;
  }

  function setText(node, text) { node.textContent = text; }

  // markCurrent sets or removes aria-current (an empty value would mean
  // "not current" to assistive technology).
  function markCurrent(node, on, value) {
    if (on) node.setAttribute('aria-current', value);
    else node.removeAttribute('aria-current');
  }

  const numberFmt = new Intl.NumberFormat('en-US');
  const fmtNum = (n) => numberFmt.format(n);
  const codePoints = (s) => { let n = 0; for (const _ of s) n++; return n; };

  function fmtTime(t) {
    if (!t) return '';
    const d = new Date(t);
    const today = new Date();
    const opts = { hour: '2-digit', minute: '2-digit' };
    if (d.toDateString() !== today.toDateString()) Object.assign(opts, { month: 'short', day: 'numeric' });
    return d.toLocaleString(undefined, opts);
  }

  function ago(t) {
    const s = Math.max(0, (Date.now() - new Date(t).getTime()) / 1000);
    if (s < 45) return 'just now';
    if (s < 90 * 60) return Math.round(s / 60) + ' min ago';
    if (s < 36 * 3600) return Math.round(s / 3600) + ' h ago';
    return fmtTime(t);
  }

  function staffName(id) {
    const s = S.staff.get(id);
    if (!s) return id;
    const name = [s.first, s.last].filter(Boolean).join(' ');
    return name || id;
  }

  // Bidi controls (embeddings, overrides, isolates and marks) in a
  // customer's name could reverse what is shown beside it, so names are
  // shown without them. Texts are shown as sent, each isolated in its own
  // element (dir="auto", unicode-bidi: isolate).
  const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
  const withoutBidiControls = (s) => s.replace(BIDI_CONTROLS, '');

  function customerName(e) {
    const name = withoutBidiControls((e.customer && e.customer.name) || '').trim();
    return name || 'Customer ' + ((e.customer && e.customer.id) || '').slice(-6);
  }

  let announceTimer = 0;
  function announce(text) {
    const a = $('announce');
    clearTimeout(announceTimer);
    a.textContent = '';
    // A fresh text node after a tick makes screen readers speak it again.
    announceTimer = setTimeout(() => { a.textContent = text; }, 50);
  }

  // ---- start ----

  // signInError is why the last sign-in failed, when the desk said more
  // than "wrong password" (too many attempts).
  let signInError = '';

  // askToken shows the sign-in dialog and resolves once the staff member
  // signed in with their password (the desk sets a session cookie) or
  // entered a token.
  function askToken(again) {
    const d = $('token-dialog');
    setText($('token-error'), signInError || (again ? 'The desk did not accept that token or password.' : ''));
    signInError = '';
    $('token').value = '';
    $('signin-password').value = '';
    d.oncancel = (ev) => ev.preventDefault(); // nothing works without it
    return new Promise((resolve) => {
      $('token-form').addEventListener('submit', async () => {
        const staff = $('signin-staff').value.trim();
        const password = $('signin-password').value;
        if (staff && password) {
          token = '';
          sessionStorage.removeItem('socialdesk.token');
          try {
            await api('POST', '/api/session', { staff, password });
          } catch (e) {
            if (e.status !== 401) signInError = e.message;
          }
        } else {
          token = $('token').value.trim();
          sessionStorage.setItem('socialdesk.token', token);
        }
        resolve();
      }, { once: true });
      d.showModal();
    });
  }

  async function start() {
    let config;
    for (let tries = 0; ; tries++) {
      try {
        config = await api('GET', '/api/config');
        break;
      } catch (e) {
        if (e.status !== 401) throw e;
        await askToken(tries > 0 || token !== '');
      }
    }
    const staff = await api('GET', '/api/staff').catch(() => ({ staff: [] }));
    // A staff member's own session or token acts as them only.
    const who = await api('GET', '/api/session').catch(() => ({}));
    S.config = Object.assign({ demo: false, staff: [], channel: '', kinds: [] }, config);
    for (const s of staff.staff || []) S.staff.set(s.id, s);
    const ids = S.config.staff && S.config.staff.length ? [...S.config.staff] : [...S.staff.keys()];
    if (who.staff && !ids.includes(who.staff)) ids.push(who.staff);
    const me = $('me');
    for (const id of ids) me.append(el('option', { value: id, text: staffName(id) }));
    const saved = localStorage.getItem('socialdesk.me');
    S.me = who.staff || (ids.includes(saved) ? saved : ids[0] || '');
    me.value = S.me;
    me.disabled = !!who.staff;
    S.admin = who.role === 'admin' && !!S.config.accounts; // the Staff page manages accounts
    $('nav-staff').hidden = !S.admin;
    $('sign-out').hidden = who.via !== 'session';
    $('sign-out').addEventListener('click', guard(signOut));
    showPresence();
    me.addEventListener('change', () => {
      S.me = me.value;
      localStorage.setItem('socialdesk.me', S.me);
      showPresence();
      guard(loadEnquiries)(); // unread counts are the new reader's
      renderList();
      if (S.room) renderRoomHead();
      if (S.channel) schedulePreview();
    });
    if (S.config.demo) {
      $('nav-phone').hidden = false;
      $('phone-toggle').hidden = false;
      $('room-none').textContent = 'Choose an enquiry to open its room. In this demo, write as a customer on the Customer phone (“Show phone”) and watch the enquiry arrive.';
    }

    for (const tab of document.querySelectorAll('[role=tab]')) {
      tab.addEventListener('click', () => selectTab(tab.dataset.state, true));
      tab.addEventListener('keydown', tabKeys);
    }
    $('attend').addEventListener('click', guard(attend, $('room-error')));
    $('close-enquiry').addEventListener('click', guard(closeEnquiry, $('room-error')));
    $('quoting-cancel').addEventListener('click', () => setQuote(null));
    $('composer').addEventListener('submit', (ev) => { ev.preventDefault(); guard(send, $('room-error'))(); });
    $('reply').addEventListener('input', countReply);
    $('attach').addEventListener('click', () => $('attach-file').click());
    $('attach-file').addEventListener('change', guard(attachMedia, $('room-error')));
    $('reply').addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        $('composer').requestSubmit();
      }
    });
    $('phone-toggle').addEventListener('click', togglePhone);
    $('presence').addEventListener('change', guard(setPresence));
    $('transcript').addEventListener('scroll', onScroll, { passive: true });
    // A change of width (the phone panel, a rotated phone) reflows the
    // messages: stay at the end if that is where the reader was.
    new ResizeObserver(keepAtEnd).observe($('transcript'));
    setupChannelForm();

    selectTab(S.tab, false);
    window.addEventListener('hashchange', () => guard(route)());
    follow();
    await loadEnquiries();
    selectTab(desk.list.defaultTab(), false);
    await route();
    setInterval(renderList, 30000); // keep "3 min ago" honest
  }

  // ---- presence: only available staff are offered new enquiries ----

  function showPresence() {
    const s = S.staff.get(S.me);
    $('presence').value = (s && s.presence) || 'offline';
    $('presence').disabled = !s;
  }

  async function setPresence() {
    const presence = $('presence').value;
    try {
      await api('POST', '/api/staff/' + encodeURIComponent(S.me) + '/presence', { presence });
    } catch (e) {
      showPresence(); // as it was
      throw e;
    }
    const s = S.staff.get(S.me);
    if (s) s.presence = presence;
    announce(staffName(S.me) + ' is now ' + presence + (presence === 'available' ? ' and is offered new enquiries.' : ' and is not offered new enquiries.'));
  }

  // ---- navigation ----

  async function route() {
    const h = location.hash.replace(/^#/, '') || '/';
    const parts = h.split('/').filter(Boolean).map((p) => {
      try { return decodeURIComponent(p); } catch (e) { return p; }
    });
    const channels = parts[0] === 'channels';
    const staff = parts[0] === 'staff' && S.admin;
    const reports = parts[0] === 'reports'; // reports.js draws the page
    $('view-enquiries').hidden = channels || staff || reports;
    $('view-channels').hidden = !channels;
    $('view-staff').hidden = !staff;
    $('view-reports').hidden = !reports;
    markCurrent($('nav-enquiries'), !channels && !staff && !reports, 'page');
    markCurrent($('nav-channels'), channels, 'page');
    markCurrent($('nav-staff'), staff, 'page');
    markCurrent($('nav-reports'), reports, 'page');
    if (reports) {
      document.body.classList.remove('in-room');
      await window.socialdeskReports.show();
      return;
    }
    if (staff) {
      document.body.classList.remove('in-room');
      await desk.staffPage.show(); // staff.js
      return;
    }
    if (channels) {
      document.body.classList.remove('in-room');
      await showChannels(parts[1]);
      return;
    }
    if (parts[0] === 'enquiries' && parts[1]) {
      await openRoom(parts[1]);
    } else {
      closeRoom();
    }
  }

  async function signOut() {
    await api('DELETE', '/api/session');
    location.reload();
  }

  // ---- enquiry list ----

  // Live events and reloads race: a reload's answer may be older than an
  // event that arrived while it was under way. So a reload never replaces
  // a newer enquiry, nor drops one that an event brought after it began.
  let eventCount = 0;
  const touched = new Map(); // enquiry ID → eventCount of its latest event

  function newer(a, b) { return Date.parse(a.updated) > Date.parse(b.updated); }

  async function loadEnquiries() {
    const since = eventCount;
    const [open, closed] = await Promise.all([
      api('GET', '/api/enquiries?state=open' + desk.list.reader()),
      api('GET', '/api/enquiries?state=closed&limit=100' + desk.list.reader()),
    ]);
    const fresh = new Map();
    for (const e of [...open.enquiries, ...closed.enquiries]) fresh.set(e.id, e);
    for (const [id, e] of S.enquiries) {
      const f = fresh.get(id);
      if (f ? newer(e, f) : (touched.get(id) || 0) > since) fresh.set(id, e);
    }
    S.enquiries = fresh;
    renderList();
  }

  function selectTab(state, focus) {
    S.tab = state;
    for (const tab of document.querySelectorAll('[role=tab]')) {
      const on = tab.dataset.state === state;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
      if (on && focus) tab.focus();
      if (on) $('enquiry-panel').setAttribute('aria-labelledby', tab.id);
    }
    renderList();
  }

  function tabKeys(ev) {
    const i = STATES.indexOf(S.tab);
    let j = -1;
    if (ev.key === 'ArrowRight') j = (i + 1) % STATES.length;
    else if (ev.key === 'ArrowLeft') j = (i + STATES.length - 1) % STATES.length;
    else if (ev.key === 'Home') j = 0;
    else if (ev.key === 'End') j = STATES.length - 1;
    if (j >= 0) {
      ev.preventDefault();
      selectTab(STATES[j], true);
    }
  }

  // renderList draws the tabs and the list (worklist.js).
  function renderList() { desk.list.render(); }

  // ---- live events ----

  // follow subscribes to the desk's events. Each time the stream opens
  // (first or again) the page reloads what it shows, since changes made
  // before it was subscribed were never sent to it. A stream the desk
  // drops (this page did not keep up) reconnects by itself; one it refuses
  // (503 when too many are open) is closed for good by the browser, so
  // the page opens a new one after a while.
  let source = null;
  function follow() {
    const live = $('live');
    const es = new EventSource(withToken('/api/events'));
    source = es;
    es.addEventListener('open', () => {
      live.textContent = 'live';
      live.className = 'live on';
      resync();
    });
    es.addEventListener('error', () => {
      live.textContent = 'reconnecting…';
      live.className = 'live off';
      if (es.readyState === EventSource.CLOSED && source === es) {
        source = null;
        setTimeout(follow, 10000 + Math.random() * 5000);
      }
    });
    es.addEventListener('resync', resync);
    es.addEventListener('desk', (ev) => {
      let d;
      try { d = JSON.parse(ev.data); } catch (e) { return; }
      onDeskEvent(d);
    });
  }

  // resync reloads what the page shows after it may have missed events.
  function resync() {
    guard(async () => {
      await loadEnquiries();
      if (S.room) await loadRoom(S.room.id);
    })();
  }

  function onDeskEvent(d) {
    eventCount++;
    if (d.enquiry) {
      const old = S.enquiries.get(d.enquiry.id);
      touched.set(d.enquiry.id, eventCount);
      if (old && newer(old, d.enquiry)) d.enquiry = old; // a late, older copy
      desk.list.onEvent(d, old); // the row's last message and unread count
      S.enquiries.set(d.enquiry.id, d.enquiry);
      const named = old && !(old.customer && old.customer.name) && d.enquiry.customer && d.enquiry.customer.name;
      if (d.kind === 'enquiry.opened' || (!old && d.enquiry.state !== 'closed') || (named && d.enquiry.state === 'ringing')) {
        // A new enquiry is listed under the customer's ID at once; their
        // name follows when the desk has looked it up, and while the
        // enquiry still rings it is announced again, by name.
        const e = d.enquiry;
        const forMe = e.ringing && e.ringing.includes(S.me);
        announce('New enquiry from ' + customerName(e) + ' on ' + desk.list.channelName(e) + (forMe ? ', ringing you.' : '.'));
      } else if (old && old.state !== d.enquiry.state && d.enquiry.state === 'missed') {
        announce('Missed: nobody attended ' + customerName(d.enquiry) + '.');
      }
      renderList();
      if (S.room && S.room.id === d.enquiry.id) {
        S.room.enquiry = d.enquiry;
        renderRoomHead();
      }
    }
    if (d.message && S.room && S.room.id === d.message.enquiry) {
      upsertMessage(d.message);
      if (d.kind === 'message.added' && d.message.author === 'customer') {
        markRead();
        desk.list.seen(d.message.enquiry);
      }
    }
    if (d.kind === 'channel.changed' && !$('view-channels').hidden) {
      guard(loadChannelList)();
    }
  }

  // ---- room ----

  async function openRoom(id) {
    document.body.classList.add('in-room');
    $('room').hidden = false;
    $('room-none').hidden = true;
    if (!S.room || S.room.id !== id) {
      S.room = { id, enquiry: S.enquiries.get(id) || null, messages: new Map(), customInfo: '', quote: null };
      renderQuoting();
      $('transcript').replaceChildren();
      pinned = true;
      $('reply').value = '';
      countReply();
      setText($('room-error'), '');
    }
    renderList();
    if (S.room.enquiry) renderRoomHead();
    // aria-busy keeps screen readers from reading out the whole history
    // as it loads; only messages that arrive later are announced.
    $('transcript').setAttribute('aria-busy', 'true');
    try {
      await loadRoom(id);
      markRead();
      document.dispatchEvent(new CustomEvent('socialdesk:room', { detail: { id } })); // history.js
      desk.list.seen(id);
    } catch (e) {
      setText($('room-error'), e.status === 404 ? 'There is no such enquiry.' : e.message);
    } finally {
      $('transcript').setAttribute('aria-busy', 'false');
    }
    $('room-title').focus({ preventScroll: true });
  }

  function closeRoom() {
    document.body.classList.remove('in-room');
    S.room = null;
    $('room').hidden = true;
    $('room-none').hidden = false;
    renderList();
  }

  async function loadRoom(id) {
    let after = 0;
    let first = true;
    for (;;) {
      const body = await api('GET', '/api/enquiries/' + encodeURIComponent(id) + (after ? '?after=' + after : ''));
      if (!S.room || S.room.id !== id) return; // the user moved on
      if (first) {
        first = false;
        const known = S.enquiries.get(id);
        const e = known && newer(known, body.enquiry) ? known : body.enquiry;
        S.room.enquiry = e;
        S.enquiries.set(id, e);
        S.room.customInfo = body.customInfo || '';
        S.room.blocked = body.friendship === 'blocked';
        S.room.textLimit = body.textLimit || 0;
        S.room.kind = body.kind || '';
        renderRoomHead();
        renderCustomInfo();
      }
      for (const m of body.messages) upsertMessage(m);
      if (body.messages.length < PAGE) break;
      after = body.messages[body.messages.length - 1].seq;
    }
  }

  function renderRoomHead() {
    const e = S.room && S.room.enquiry;
    if (!e) return;
    setText($('room-title'), customerName(e));
    $('room-title').tabIndex = -1;
    const parts = [desk.list.channelName(e), stateWords(e)];
    const on = ' on ' + platformName(S.room.kind);
    if (e.standby) parts.push('standby: another app is active' + on + ', nothing can be sent');
    if (S.room.blocked) parts.push('the customer blocked this account' + on);
    setText($('room-meta'), parts.join(' · '));
    const open = e.state !== 'closed';
    const mine = e.state === 'attending' && (e.staff === S.me || (e.invited || []).includes(S.me));
    const attend = $('attend');
    attend.hidden = !open || (e.state === 'attending' && e.staff === S.me);
    attend.disabled = e.state === 'attending';
    attend.textContent = e.state === 'attending' ? 'Attended by ' + staffName(e.staff) : 'Attend';
    $('close-enquiry').hidden = !open || !mine;
    if (desk.roomActions) desk.roomActions.render(e);
    const canSend = open && mine && !e.standby && !S.room.blocked;
    $('reply').disabled = !canSend;
    $('attach').disabled = !canSend;
    $('composer').classList.toggle('off', !canSend);
    const note = $('composer-note');
    note.hidden = canSend;
    if (!open) note.textContent = 'This enquiry is closed. A new message from the customer opens a new one.';
    else if (e.standby) note.textContent = 'The platform says another app is active on this channel (standby): nothing can be sent.';
    else if (!mine) note.textContent = 'Attend this enquiry to reply.';
    else if (S.room.blocked) note.textContent = channelKind(S.room.kind).words.blocked || 'The customer blocked this account: nothing can be sent until they unblock it.';
    countReply();
  }

  function stateWords(e) {
    switch (e.state) {
      case 'ringing': return e.ringing.length ? 'ringing ' + e.ringing.map(staffName).join(', ') : 'waiting for staff';
      case 'attending': return 'attended by ' + staffName(e.staff);
      case 'missed': return 'missed: nobody attended in time';
      case 'closed': return 'closed ' + fmtTime(e.closed);
    }
    return e.state;
  }

  function renderCustomInfo() {
    const box = $('custom-info');
    const text = S.room ? S.room.customInfo : '';
    box.hidden = !text;
    setText($('custom-info-text'), text);
  }

  // The transcript follows new messages while it is scrolled to its end;
  // once staff scroll up to read, it stays where they are.
  let pinned = true;
  let layout = ''; // the transcript's size when it last scrolled

  function layoutKey() {
    const list = $('transcript');
    return list.clientWidth + 'x' + list.clientHeight + '/' + list.scrollHeight;
  }

  function nearEnd() {
    const list = $('transcript');
    return list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  }

  // onScroll tells the reader's scrolling from the browser's: a scroll
  // that comes with a change of size is the layout's, and says nothing
  // about where the reader wants to be.
  function onScroll() {
    const k = layoutKey();
    if (k === layout) pinned = nearEnd();
    layout = k;
  }

  function keepAtEnd() {
    if (pinned) $('transcript').scrollTop = $('transcript').scrollHeight;
    layout = layoutKey();
  }

  // deliveryRank orders a message's delivery states: a late copy never
  // takes one back. A platform may report a sent or delivered message
  // failed after all, never a read one.
  const deliveryRank = { pending: 0, sent: 1, quota_exhausted: 1, delivered: 2, read: 3, failed: 3 };

  function upsertMessage(m) {
    const had = S.room.messages.get(m.id);
    if (had) {
      if ((deliveryRank[had.delivery] || 0) > (deliveryRank[m.delivery] || 0)) {
        m = Object.assign({}, m, { delivery: had.delivery, deliveryReason: had.deliveryReason, requestId: had.requestId });
      }
      if (had.unsent) m = Object.assign({}, m, { unsent: true });
      if (m.contentState === 'pending' && had.contentState && had.contentState !== 'pending') m = had; // a late, older copy
    }
    S.room.messages.set(m.id, m);
    const li = messageItem(m);
    const old = document.getElementById('m-' + m.id);
    const list = $('transcript');
    if (old) {
      old.replaceWith(li);
    } else {
      // Keep transcript order by seq even if events arrive out of order;
      // the common case, a new last message, needs no search.
      let before = null;
      const last = list.lastElementChild;
      if (last && Number(last.dataset.seq) > m.seq) {
        for (const n of list.children) {
          if (Number(n.dataset.seq) > m.seq) { before = n; break; }
        }
      }
      list.insertBefore(li, before);
    }
    if (m.author === 'staff' && m.staff === S.me && !old) pinned = true; // one's own reply
    keepAtEnd();
    for (const media of li.querySelectorAll('img, video')) {
      media.addEventListener(media.tagName === 'IMG' ? 'load' : 'loadedmetadata', keepAtEnd, { once: true });
    }
  }

  const BOTS = { welcome: 'Welcome message', away: 'Away message', close: 'Close message', 'custom-info': 'Custom info', warning: 'Auto-close warning' };

  function messageItem(m) {
    let who;
    switch (m.author) {
      case 'customer': who = S.room.enquiry ? customerName(S.room.enquiry) : 'Customer'; break;
      case 'staff': who = staffName(m.staff || m.authorId); break;
      case 'bot': who = BOTS[m.authorId] || 'Bot' + (m.authorId ? ' (' + m.authorId + ')' : ''); break;
      default: who = 'System';
    }
    const li = el('li', { id: 'm-' + m.id, class: 'msg ' + (m.author || 'system') + ' ' + (m.direction || ''), 'data-seq': m.seq });
    if (m.author !== 'system') li.append(el('span', { class: 'who', dir: 'auto', text: who }));
    if (m.quote) li.append(quoteView(m.quote));
    li.append(messageBody(m));
    // A caption the customer wrote with an image, a video or a document.
    if (m.text && m.kind !== 'text' && m.kind !== 'note' && !m.unsent) li.append(el('p', { class: 'text caption', dir: 'auto', text: m.text }));
    if (m.originalLength && !m.unsent) li.append(el('p', { class: 'note cut', text: cutNote(m) }));
    const foot = el('span', { class: 'when' }, el('time', { datetime: m.time, text: fmtTime(m.time) }));
    if (m.direction === 'out' && m.kind !== 'note') {
      const d = m.delivery || 'pending';
      const words = {
        pending: 'sending…', sent: 'sent', delivered: 'delivered to the customer', read: 'read by the customer',
        failed: 'not delivered', quota_exhausted: 'not sent: monthly message quota reached',
      }[d] || d;
      foot.append(' · ', el('span', { class: 'delivery ' + d, text: words + (d === 'failed' && m.deliveryReason ? ': ' + m.deliveryReason : '') }));
    }
    if (m.quotable) {
      foot.append(' · ', el('button', { type: 'button', class: 'quote-button link', text: 'Quote', 'aria-label': 'Quote this message in your reply', onclick: () => setQuote(m) }));
    }
    li.append(foot);
    return li;
  }

  // ---- quotes and read marks ----

  // quoteView shows what a message quotes: the quoted message's
  // beginning, or that the enquiry does not have it.
  function quoteView(q) {
    const text = q.text || (q.id ? 'A message' : 'A message that is not in this enquiry');
    return el('blockquote', { class: 'quote', dir: 'auto', 'data-quote': q.id || '' }, el('span', { class: 'quote-mark', text: 'Quoting: ' }), text);
  }

  // setQuote makes the next reply quote m (null: no quote).
  function setQuote(m) {
    if (!S.room) return;
    S.room.quote = m ? m.id : null;
    renderQuoting();
    if (m) $('reply').focus();
  }

  // renderQuoting shows, above the reply box, which message the reply
  // quotes, with a way to drop the quote.
  function renderQuoting() {
    const bar = $('quoting');
    const m = S.room && S.room.quote ? S.room.messages.get(S.room.quote) : null;
    bar.hidden = !m;
    setText($('quoting-text'), m ? 'Replying to: ' + (m.kind === 'text' ? m.text : 'a ' + m.kind + ' message') : '');
  }

  // markRead tells the desk that the staff member attending the open
  // room has read the customer's messages; the desk marks them read on
  // the platform once per newest message. Failures only cost the read mark.
  function markRead() {
    const e = S.room && S.room.enquiry;
    if (!e || e.state !== 'attending' || !(e.staff === S.me || (e.invited || []).includes(S.me))) return;
    api('POST', '/api/enquiries/' + encodeURIComponent(e.id) + '/read', { staff: S.me }).catch(() => {});
  }

  function messageBody(m) {
    if (m.unsent) return el('p', { class: 'note', text: 'The customer unsent this message.' });
    const from = m.author === 'customer' ? 'the customer' : 'staff';
    switch (m.kind) {
      case 'text':
        return el('p', { class: 'text', dir: 'auto', text: m.text || '' });
      case 'note':
        return el('p', { class: 'note', dir: 'auto', text: m.text || '' });
      case 'image':
        if (m.contentState === 'pending') return pendingNote('An image');
        return m.mediaUrl
          ? el('a', { href: withToken(m.mediaUrl), target: '_blank', rel: 'noopener', class: 'media' },
            el('img', { src: withToken(m.mediaUrl), alt: 'Image from ' + from }))
          : el('p', { class: 'note', text: 'An image (not stored on the desk).' });
      case 'video':
        if (m.contentState === 'pending') return pendingNote('A video');
        return m.mediaUrl
          ? el('video', { src: withToken(m.mediaUrl), controls: true, preload: 'metadata', 'aria-label': 'Video from ' + from })
          : el('p', { class: 'note', text: 'A video (not stored on the desk).' });
      case 'audio':
        if (m.contentState === 'pending') return pendingNote('An audio message');
        return m.mediaUrl
          ? el('audio', { src: withToken(m.mediaUrl), controls: true, preload: 'metadata', 'aria-label': 'Audio from ' + from })
          : el('p', { class: 'note', text: 'An audio message (not stored on the desk).' });
      case 'sticker': {
        const s = m.sticker || {};
        const words = s.keywords && s.keywords.length ? ' (' + s.keywords.slice(0, 3).join(', ') + ')' : '';
        return el('p', { class: 'sticker', text: 'Sticker' + words, title: 'Sticker ' + [s.package, s.id].filter(Boolean).join('/') });
      }
      case 'unsupported': {
        const u = m.unsupported || {};
        if (m.contentState === 'unavailable') {
          return el('p', { class: 'note unsupported content-unavailable', text: 'The customer sent ' + article(u.kind || 'something') + ': content unavailable' + (u.reason ? '. ' + u.reason : '.') });
        }
        return el('p', { class: 'note unsupported', text: 'The customer sent ' + article(u.kind || 'something') + ', which the desk cannot show' + (u.reason ? ': ' + u.reason : '.') });
      }
    }
    return el('p', { class: 'note unsupported', text: 'A message of kind "' + m.kind + '" that this console cannot show.' });
  }

  // pendingNote stands for media whose content the desk is still
  // fetching; a message.updated event replaces it.
  function pendingNote(what) {
    return el('p', { class: 'note content-pending', role: 'status', text: what + ': content pending…' });
  }

  // cutNote says that the desk kept only the beginning of a long text.
  function cutNote(m) {
    const n = (k) => k.toLocaleString('en');
    return 'Cut: the customer sent ' + n(m.originalLength) + ' characters; the first ' + n((m.text || '').length) + ' are shown.';
  }

  function article(word) { return (/^[aeiou]/i.test(word) ? 'an ' : 'a ') + word; }

  // textLimit is the longest text the open room's platform takes.
  function textLimit() { return (S.room && S.room.textLimit) || MAX_TEXT_UNITS; }

  function countReply() {
    const t = $('reply');
    const units = t.value.length; // JavaScript strings count UTF-16 units, as the platforms' limits do
    const max = textLimit();
    const over = units > max;
    const c = $('reply-count');
    c.textContent = fmtNum(units) + ' / ' + fmtNum(max) + (over ? ' — too long by ' + fmtNum(units - max) : '');
    c.classList.toggle('over', over);
    t.setAttribute('aria-invalid', over ? 'true' : 'false');
    $('send').disabled = t.disabled || over || !t.value.trim();
  }

  async function attend() {
    const e = S.room.enquiry;
    const r = await api('POST', '/api/enquiries/' + encodeURIComponent(e.id) + '/attend', { staff: S.me });
    S.room.enquiry = r.enquiry;
    S.enquiries.set(r.enquiry.id, r.enquiry);
    renderRoomHead();
    selectTab('mine', false); // the enquiry is the agent's now
    $('reply').focus();
  }

  async function closeEnquiry() {
    const e = S.room.enquiry;
    const ok = await confirmDialog('Close this enquiry?', 'The customer gets the Close message if it is switched on. A new message from them opens a new enquiry.', 'Close enquiry');
    if (!ok) return;
    const r = await api('POST', '/api/enquiries/' + encodeURIComponent(e.id) + '/close', { staff: S.me });
    S.room.enquiry = r.enquiry;
    S.enquiries.set(r.enquiry.id, r.enquiry);
    renderRoomHead();
    renderList();
  }

  async function send() {
    const t = $('reply');
    const text = t.value;
    if (!text.trim()) return;
    if (text.length > textLimit()) {
      throw new ApiError(0, 'text_too_long', 'This message is ' + fmtNum(text.length) + ' units long (an emoji counts as 2); this channel accepts at most ' + fmtNum(textLimit()) + '. Shorten it or split it.');
    }
    $('send').disabled = true;
    try {
      const body = { staff: S.me, text };
      if (S.room.quote) body.quote = S.room.quote;
      const r = await api('POST', '/api/enquiries/' + encodeURIComponent(S.room.id) + '/messages', body);
      if (S.room && r.message && r.message.enquiry === S.room.id) upsertMessage(r.message);
      t.value = '';
      setQuote(null);
    } finally {
      countReply();
    }
  }

  // ---- media ----

  // attachMedia sends the file chosen with Attach media: the desk judges
  // it by the channel's rules before storing it, and a refusal shows
  // why. Audio goes with its duration; a video, and an image over 1 MB,
  // with a preview image drawn here (a platform may show one before it loads).
  async function attachMedia() {
    const input = $('attach-file');
    const file = input.files && input.files[0];
    input.value = '';
    if (!file || !S.room) return;
    const id = S.room.id;
    const kind = (file.type || '').split('/')[0];
    const status = $('attach-status');
    $('attach').disabled = true;
    setText(status, 'Sending ' + file.name + '…');
    try {
      const form = new FormData();
      if (kind === 'audio') {
        const ms = await mediaDuration(file);
        if (ms > 0) form.append('duration', String(ms));
      }
      if (kind === 'video' || (kind === 'image' && file.size > MAX_PREVIEW_BYTES)) {
        const preview = await previewImage(file, kind);
        if (preview) form.append('preview', preview, 'preview.jpg');
      }
      form.append('file', file, file.name);
      const r = await api('POST', '/api/enquiries/' + encodeURIComponent(id) + '/media?staff=' + encodeURIComponent(S.me), form);
      if (S.room && r.message && r.message.enquiry === S.room.id) upsertMessage(r.message);
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        throw new ApiError(e.status, e.code, file.name + ' was not sent: ' + e.message, e.field);
      }
      throw e;
    } finally {
      setText(status, '');
      renderRoomHead();
    }
  }

  const MAX_PREVIEW_BYTES = 1000000; // the strictest platform's limit for preview images

  // mediaDuration is the length of an audio or video file in
  // milliseconds, 0 when the browser cannot tell.
  function mediaDuration(file) {
    return new Promise((resolve) => {
      const a = document.createElement('audio');
      const url = URL.createObjectURL(file);
      const done = (ms) => { URL.revokeObjectURL(url); resolve(ms); };
      a.preload = 'metadata';
      a.addEventListener('loadedmetadata', () => done(isFinite(a.duration) ? Math.round(a.duration * 1000) : 0), { once: true });
      a.addEventListener('error', () => done(0), { once: true });
      a.src = url;
    });
  }

  // previewImage draws an image, or a video's first frame, at most 640
  // pixels wide or high, as a JPEG; null when the browser cannot.
  async function previewImage(file, kind) {
    const url = URL.createObjectURL(file);
    try {
      let source;
      if (kind === 'image') {
        source = await new Promise((resolve, reject) => {
          const img = new Image();
          img.onload = () => resolve(img);
          img.onerror = reject;
          img.src = url;
        });
      } else {
        source = await new Promise((resolve, reject) => {
          const v = document.createElement('video');
          v.muted = true;
          v.preload = 'auto';
          v.addEventListener('loadeddata', () => { v.currentTime = Math.min(0.1, (v.duration || 0) / 2); }, { once: true });
          v.addEventListener('seeked', () => resolve(v), { once: true });
          v.addEventListener('error', reject, { once: true });
          v.src = url;
        });
      }
      const w = source.naturalWidth || source.videoWidth, h = source.naturalHeight || source.videoHeight;
      if (!w || !h) return null;
      const scale = Math.min(1, 640 / Math.max(w, h));
      const c = document.createElement('canvas');
      c.width = Math.round(w * scale);
      c.height = Math.round(h * scale);
      c.getContext('2d').drawImage(source, 0, 0, c.width, c.height);
      return await new Promise((resolve) => c.toBlob(resolve, 'image/jpeg', 0.8));
    } catch (e) {
      return null; // the desk says what is missing
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  // ---- confirmation ----

  function confirmDialog(title, text, ok) {
    const d = $('confirm');
    setText($('confirm-title'), title);
    setText($('confirm-text'), text);
    setText($('confirm-ok'), ok);
    d.returnValue = '';
    return new Promise((resolve) => {
      d.addEventListener('close', () => resolve(d.returnValue === 'ok'), { once: true });
      d.showModal();
    });
  }

  // ---- customer phone panel (demo) ----

  function togglePhone() {
    const panel = $('phone-panel');
    const show = panel.hidden;
    panel.hidden = !show;
    $('phone-toggle').setAttribute('aria-pressed', show ? 'true' : 'false');
    $('phone-toggle').textContent = show ? 'Hide phone' : 'Show phone';
    document.body.classList.toggle('with-phone', show);
    if (show && !panel.firstChild) {
      panel.append(el('iframe', { src: 'phone.html', title: 'Customer phone (demo)' }));
    }
  }

  // ---- channels ----

  async function showChannels(id) {
    await loadChannelList();
    if (!id && S.channels.length > 0) {
      // The one open before, if it is still there; else the first listed.
      id = S.channel && S.channels.some((c) => c.id === S.channel.id) ? S.channel.id : S.channels[0].id;
    }
    if (!id) {
      $('channel-form').hidden = true;
      $('channel-none').hidden = false;
      return;
    }
    if (!S.channel || S.channel.id !== id) {
      const r = await api('GET', '/api/channels/' + encodeURIComponent(id));
      fillChannel(r.channel);
    }
    markChannelList();
  }

  async function loadChannelList() {
    const r = await api('GET', '/api/channels');
    S.channels = r.channels;
    $('channel-list').replaceChildren(...S.channels.map((c) => el('li', null,
      el('a', { href: '#/channels/' + encodeURIComponent(c.id), 'data-channel': c.id },
        el('span', { class: 'name', text: c.name }),
        el('span', { class: 'meta', text: c.id + (c.state === 'suspended' ? ' · suspended' : '') }),
        checkBadge(c)))));
    if (S.channels.length === 0) $('channel-list').append(el('li', { class: 'empty', text: 'No channels yet.' }));
    markChannelList();
  }

  function markChannelList() {
    for (const a of $('channel-list').querySelectorAll('a')) {
      markCurrent(a, !!S.channel && a.dataset.channel === S.channel.id, 'true');
    }
  }

  const form = {}; // the channel form's per-kind controls

  function setupChannelForm() {
    const box = $('automsgs');
    for (const k of KINDS) {
      const on = el('input', { type: 'checkbox', id: 'am-' + k.kind + '-on' });
      const text = el('textarea', { id: 'am-' + k.kind + '-text', rows: 3, placeholder: 'Leave empty for the default text (see the preview)', 'aria-describedby': 'am-' + k.kind + '-preview' });
      const preview = el('dl', { class: 'preview', id: 'am-' + k.kind + '-preview', 'aria-live': 'polite' });
      const units = el('span', { class: 'counter' });
      form[k.kind] = { on, text, preview, units };
      box.append(el('div', { class: 'automsg' },
        el('h3', { text: k.title }),
        el('label', { class: 'check' }, on, ' Send the ' + k.title + ' message ' + k.when),
        el('label', { for: text.id, text: k.title + ' text' }),
        text,
        el('p', { class: 'preview-title', text: 'Preview (customer “Yui Sato”, you as staff):' }),
        preview));
      on.addEventListener('change', schedulePreview);
      text.addEventListener('input', schedulePreview);
    }
    $('name-format').addEventListener('change', schedulePreview);
    $('ch-name').addEventListener('input', () => { countName(); schedulePreview(); });
    $('ci-text').addEventListener('input', countCustomInfo);
    setupRuleEditor();
    $('channel-form').addEventListener('submit', (ev) => { ev.preventDefault(); guard(saveChannel, $('ch-status'))(); });
    $('ch-suspend').addEventListener('click', guard(suspendChannel, $('ch-status')));
    $('ch-delete').addEventListener('click', guard(deleteChannel, $('ch-status')));
    $('ch-check').addEventListener('click', guard(runCheck, $('check-status')));
    $('ch-creds').addEventListener('click', guard(saveCredentials, $('check-status')));
  }

  // ---- set-up checks, and what differs by platform ----

  // channelKind is what the desk's connector says of channel kind kind (GET
  // /api/config), or a neutral stand-in for a kind it does not know.
  function channelKind(kind) {
    const k = (S.config.kinds || []).find((c) => c.kind === kind);
    return k ? Object.assign({ words: {} }, k) : { kind, name: '', checks: false, quota: false, words: {} };
  }

  // platformName is how the console names a channel kind's platform.
  function platformName(kind) {
    return channelKind(kind).name || 'the platform';
  }

  let pageWords = null; // the page's own, neutral, read once

  // platformWords puts the words of channel kind kind on the channel page:
  // the connector's, else the page's own.
  function platformWords(kind) {
    const nodes = {
      webhook: $('ch-webhook-where'), legend: $('check-legend'), check: $('check-hint'), credentials: $('creds-summary'),
      secret: document.querySelector('label[for="ch-secret"]'), token: document.querySelector('label[for="ch-token"]'),
    };
    if (!pageWords) pageWords = Object.fromEntries(Object.entries(nodes).map(([k, n]) => [k, n.textContent]));
    const k = channelKind(kind);
    const words = Object.assign({}, k.words, {
      legend: k.name ? k.name + ' set-up check' : '',
      credentials: k.words.credentials ? 'Change the ' + k.words.credentials : '',
    });
    for (const [key, n] of Object.entries(nodes)) setText(n, words[key] || pageWords[key]);
  }

  const CHECK_WORDS = { ok: 'OK', warning: 'Look at this', error: 'Problem', skipped: 'Not checked' };

  // checkBadge marks a channel in the list whose last check found a problem.
  function checkBadge(c) {
    if (!c.check || c.check.status !== 'error') return null;
    return el('span', { class: 'badge check-failed', text: 'Set-up problem' });
  }

  function renderChecks(report) {
    const list = $('check-list');
    if (!report) {
      list.replaceChildren();
      setText($('check-status'), 'Not checked yet.');
      return;
    }
    list.replaceChildren(...report.checks.map((c) => el('li', { class: 'check-item is-' + c.status, 'data-check': c.name, 'data-status': c.status },
      el('span', { class: 'check-outcome', text: CHECK_WORDS[c.status] || c.status }),
      el('span', { class: 'check-name', text: c.name }),
      el('p', { class: 'check-reason', text: c.reason }),
      c.fix ? el('p', { class: 'check-fix', text: 'Fix: ' + c.fix }) : null)));
    const failed = report.checks.filter((c) => c.status === 'error').length;
    setText($('check-status'), (failed ? failed + (failed === 1 ? ' problem' : ' problems') + ' found' : 'No problems found') + ', checked ' + fmtTime(report.checked) + '.');
  }

  // runCheck runs the channel's set-up checks on the desk and shows them.
  async function runCheck() {
    const c = S.channel;
    setText($('check-status'), 'Checking with ' + platformName(c.kind) + '…');
    $('ch-check').disabled = true;
    try {
      const r = await api('POST', '/api/channels/' + encodeURIComponent(c.id) + '/check');
      if (!S.channel || S.channel.id !== c.id) return;
      S.channel.check = r.check;
      renderChecks(r.check);
    } finally {
      $('ch-check').disabled = false;
    }
    await loadChannelList();
  }

  // saveCredentials saves a new channel secret or access token, then checks.
  async function saveCredentials() {
    const c = S.channel;
    const body = {};
    if ($('ch-secret').value) body.secret = $('ch-secret').value;
    if ($('ch-token').value) body.token = $('ch-token').value;
    if (!body.secret && !body.token) throw new ApiError(0, 'invalid', 'Enter a new ' + (channelKind(c.kind).words.credentials || 'secret or access token') + ' first.');
    const res = await api('PATCH', '/api/channels/' + encodeURIComponent(c.id), body);
    $('ch-secret').value = '';
    $('ch-token').value = '';
    fillChannel(res.channel);
    await runCheck();
  }

  function fillChannel(c) {
    const same = S.channel && S.channel.id === c.id;
    if (!c.check && same) c.check = S.channel.check; // answers of edits carry no check
    S.channel = c;
    document.dispatchEvent(new CustomEvent('socialdesk:channel', { detail: c })); // canned.js
    renderChecks(c.check);
    if (!c.check && !same && channelKind(c.kind).checks) guard(runCheck, $('check-status'))(); // never checked: a new channel
    $('channel-form').hidden = false;
    $('channel-none').hidden = true;
    setText($('channel-title'), c.name);
    const st = $('channel-state');
    st.textContent = c.state;
    st.className = 'badge ' + c.state;
    $('ch-name').value = c.name;
    setText($('ch-webhook'), location.origin + c.webhook);
    platformWords(c.kind);
    $('routing-json').value = c.routing ? JSON.stringify(c.routing, null, 2) : '';
    const am = c.autoMessages || {};
    $('name-format').value = nameFormat(am.nameFormat);
    for (const k of KINDS) {
      const m = am[k.kind] || {};
      form[k.kind].on.checked = !!m.on;
      form[k.kind].text.value = m.text || '';
    }
    $('ci-on').checked = !!c.customInfoOn;
    $('ci-text').value = c.customInfo || '';
    $('ch-suspend').textContent = c.state === 'suspended' ? 'Resume channel' : 'Suspend channel';
    setText($('ch-status'), '');
    countName();
    countCustomInfo();
    checkRouting();
    syncEditorFromJSON();
    schedulePreview();
    if (channelKind(c.kind).quota) showQuota(c.id); // not every platform has a monthly quota
    else setText($('ch-quota'), '');
  }

  // showQuota says how much of its platform's monthly message quota the
  // channel used, and whether pushes stopped because it ran out.
  async function showQuota(id) {
    const p = $('ch-quota');
    setText(p, '');
    p.classList.remove('quota-exhausted');
    let q;
    try {
      q = (await api('GET', '/api/channels/' + encodeURIComponent(id) + '/quota')).quota;
    } catch (e) {
      return; // no quota for this channel, or the desk is away: nothing to say
    }
    if (!S.channel || S.channel.id !== id) return;
    let text = q.readError ? 'Monthly message quota: ' + platformName(S.channel.kind) + ' could not be asked (' + q.readError + ').'
      : q.limited ? 'Monthly message quota: ' + q.used + ' of ' + q.limit + ' pushes used this month; replies are free.'
        : 'Monthly message quota: no limit; ' + q.used + ' pushed this month.';
    if (q.exhausted) {
      text += ' Pushes have stopped' + (q.pushesStoppedUntil ? ' until ' + new Date(q.pushesStoppedUntil).toLocaleString() : '') +
        ' or until the quota is raised: staff messages reach customers only as replies to their latest message.';
      p.classList.add('quota-exhausted');
    }
    setText(p, text);
  }

  function nameFormat(v) {
    if (typeof v === 'number') return FORMATS[v] ? FORMATS[v].format : 'none';
    return FORMATS.some((f) => f.format === v) ? v : 'none';
  }

  function countName() {
    const n = codePoints($('ch-name').value);
    const c = $('ch-name-count');
    c.textContent = fmtNum(n) + ' / ' + MAX_CHANNEL_NAME;
    const bad = n === 0 || n > MAX_CHANNEL_NAME;
    c.classList.toggle('over', bad);
    $('ch-name').setAttribute('aria-invalid', bad ? 'true' : 'false');
    return !bad;
  }

  function countCustomInfo() {
    const n = codePoints($('ci-text').value);
    const c = $('ci-count');
    const over = n > MAX_CUSTOM_INFO;
    c.textContent = fmtNum(n) + ' / ' + fmtNum(MAX_CUSTOM_INFO) + (over ? ' — too long by ' + fmtNum(n - MAX_CUSTOM_INFO) : '');
    c.classList.toggle('over', over);
    $('ci-text').setAttribute('aria-invalid', over ? 'true' : 'false');
    return !over;
  }

  const RULE_KINDS = ['alternative', 'percentage', 'time', 'sticky', 'engagement'];

  // parseRouting reads the routing textarea: {rule} (null when empty) or
  // {error}. The desk validates the rule fully when it is saved.
  function parseRouting() {
    const src = $('routing-json').value.trim();
    if (!src) return { rule: null };
    let rule;
    try {
      rule = JSON.parse(src);
    } catch (e) {
      return { error: 'Not valid JSON: ' + e.message };
    }
    if (rule === null) return { rule: null };
    if (typeof rule !== 'object' || Array.isArray(rule)) return { error: 'A rule is a JSON object, like {"alternative":[{"staff":"alice"}]}.' };
    const err = checkNode(rule, 'the rule', true);
    return err ? { error: err } : { rule };
  }

  function checkNode(n, where, top) {
    if (!n || typeof n !== 'object' || Array.isArray(n)) return where + ' must be an object with one rule kind.';
    const keys = Object.keys(n).filter((k) => !(top && k === 'teams'));
    const kinds = keys.filter((k) => RULE_KINDS.includes(k));
    const unknown = keys.filter((k) => !RULE_KINDS.includes(k));
    if (unknown.length) return where + ' has an unknown key "' + unknown[0] + '" (rule kinds: ' + RULE_KINDS.join(', ') + (top ? ', plus teams' : '') + ').';
    if (kinds.length !== 1) return where + ' must have exactly one of ' + RULE_KINDS.join(', ') + (kinds.length ? ', not ' + kinds.join(' and ') : '') + '.';
    const k = kinds[0];
    const v = n[k];
    if (k === 'alternative' || k === 'percentage') {
      if (!Array.isArray(v) || v.length === 0) return where + ': "' + k + '" needs a list of destinations.';
      for (let i = 0; i < v.length; i++) {
        const d = v[i];
        const at = where + ', ' + k + ' destination ' + (i + 1);
        if (!d || typeof d !== 'object') return at + ' must be an object.';
        const dests = ['staff', 'team', 'bot', 'rule'].filter((x) => d[x] !== undefined && d[x] !== '');
        if (dests.length !== 1) return at + ' needs exactly one of staff, team, bot or rule.';
        if (k === 'percentage' && !(Number.isInteger(d.percent) && d.percent >= 0 && d.percent <= 100)) return at + ' needs a whole-number percent from 0 to 100.';
        if (d.timeout !== undefined && !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(String(d.timeout))) return at + ': timeout "' + d.timeout + '" is not like "30s" or "2m".';
        if (d.rule) {
          const e = checkNode(d.rule, at + '\'s nested rule', false);
          if (e) return e;
        }
      }
      const total = k === 'percentage' ? v.reduce((sum, d) => sum + d.percent, 0) : 100;
      if (total !== 100) return where + ': the percentages total ' + total + '%; they must total exactly 100%.';
    } else if (k === 'sticky' || k === 'engagement') {
      if (!v || typeof v !== 'object') return where + ': "' + k + '" must be an object.';
      if (k === 'sticky' && !v.window) return where + ': "sticky" needs a window, like "168h".';
      const e = checkNode(v.then, where + ' (' + k + ' then)', false);
      if (e) return e;
    } else if (k === 'time') {
      if (!v || typeof v !== 'object') return where + ': "time" must be an object.';
      for (const [i, c] of (v.conditions || []).entries()) {
        const e = checkNode(c && c.then, where + ', time condition ' + (i + 1), false);
        if (e) return e;
      }
      for (const key of ['on_holiday', 'other']) {
        if (v[key]) {
          const e = checkNode(v[key], where + ' (time ' + key + ')', false);
          if (e) return e;
        }
      }
    }
    return '';
  }

  function checkRouting() {
    const r = parseRouting();
    const st = $('routing-status');
    st.classList.toggle('error', !!r.error);
    $('routing-json').setAttribute('aria-invalid', r.error ? 'true' : 'false');
    if (r.error) st.textContent = r.error.charAt(0).toUpperCase() + r.error.slice(1);
    else if (!r.rule) st.textContent = 'No rule: every new enquiry goes straight to the missed queue.';
    else st.textContent = 'Looks right; the desk checks it fully when you save.';
    return r;
  }

  // ---- the routing rule editor ----
  // A form over the rule's JSON form (the routing package's): the form
  // edits `ed` in place and writes the JSON textarea after every change;
  // typing JSON reads it back into the form whenever it reads as a rule.
  // Each control's id is its path in the rule, like rule-c0-then-d1-percent.
  const ed = { teams: [], node: null }; // node: {kind: …} or null (no rule)

  const DAYS = [['mon', 'Mon'], ['tue', 'Tue'], ['wed', 'Wed'], ['thu', 'Thu'], ['fri', 'Fri'], ['sat', 'Sat'], ['sun', 'Sun']];
  const METHODS = [
    ['simultaneous', 'Simultaneous: ring everyone available'],
    ['fixed_order', 'Fixed order: first available in the list'],
    ['round_robin', 'Round robin: next in the list each time'],
    ['most_idle', 'Most idle: longest since their last enquiry'],
    ['fewest_open', 'Fewest open: attending the fewest enquiries'],
  ];
  const KIND_TITLES = {
    alternative: 'Alternative: ring in order',
    percentage: 'Percentage: split by percentages (total 100)',
    time: 'Time: office hours',
    sticky: 'Sticky: last staff member first',
    engagement: 'Engagement: who started the conversation first',
  };
  const DEST_KINDS = [['staff', 'Staff member'], ['team', 'Team'], ['bot', 'Bot'], ['rule', 'Nested rule']];

  function kindOf(n) {
    return n && typeof n === 'object' ? RULE_KINDS.find((k) => n[k] !== undefined) || '' : '';
  }

  function localZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch (e) { return 'UTC'; }
  }

  // newNode makes a rule of a kind; Sticky and Engagement wrap the rule
  // they replace, so "add a sticky step in front" keeps what was there.
  function newNode(kind, old) {
    switch (kind) {
      case 'alternative': return { alternative: [{ staff: '' }] };
      case 'percentage': return { percentage: [{ percent: 100, staff: '' }] };
      case 'time': return { time: { zone: localZone(), conditions: [] } };
      case 'sticky': return { sticky: { window: '168h', then: kindOf(old) ? old : newNode('alternative') } };
      case 'engagement': return { engagement: { then: kindOf(old) ? old : newNode('alternative') } };
    }
    return null;
  }

  // tidyDuration shows Go's "168h0m0s" as "168h" and "2m0s" as "2m".
  function tidyDuration(s) {
    if (typeof s !== 'string') return '';
    return s.replace(/^(.*\d[hm])0s$/, '$1').replace(/^(.*\d)h0m$/, '$1h');
  }

  function ruleFromEditor() {
    if (!ed.node && !ed.teams.length) return null;
    return Object.assign(ed.teams.length ? { teams: ed.teams } : {}, ed.node || {});
  }

  function loadEditor(rule) {
    ed.teams = rule && Array.isArray(rule.teams) ? rule.teams : [];
    if (ed.teams.some((t) => !t || typeof t !== 'object')) throw new Error('a team is not an object');
    ed.node = null;
    if (rule && kindOf(rule)) {
      ed.node = Object.assign({}, rule);
      delete ed.node.teams;
    }
  }

  // syncJSONFromEditor writes the form's rule into the textarea.
  function syncJSONFromEditor() {
    const r = ruleFromEditor();
    $('routing-json').value = r ? JSON.stringify(r, null, 2) : '';
    checkRouting();
  }

  // syncEditorFromJSON reads the textarea into the form; while the JSON
  // does not read as a rule the form is locked, so it cannot overwrite it.
  function syncEditorFromJSON() {
    const r = parseRouting();
    let locked = !!r.error;
    if (!locked) {
      try {
        loadEditor(r.rule);
        renderRule();
      } catch (e) { // a shape the form cannot show, like "holidays": 5
        locked = true;
      }
    }
    $('rule-editor').disabled = locked;
    $('rule-off').hidden = !locked;
  }

  // changed records an edit: values only rewrite the JSON; a structural
  // change also redraws the form and puts the focus on focusIds' first
  // enabled control (or back where it was).
  function changed(redraw, ...focusIds) {
    syncJSONFromEditor();
    if (!redraw) return;
    const was = document.activeElement && document.activeElement.id;
    renderRule();
    for (const id of [...focusIds, was]) {
      const n = id && $(id);
      if (n && !n.disabled) { n.focus(); return; }
    }
  }

  function field(text, control, cls) {
    return el('div', { class: 'field' + (cls ? ' ' + cls : '') }, el('label', { for: control.id, text }), control);
  }

  function textInput(id, value, onValue, attrs) {
    const n = el('input', Object.assign({ type: 'text', id, autocomplete: 'off', spellcheck: 'false' }, attrs || {}));
    n.value = value === undefined || value === null ? '' : String(value);
    n.addEventListener('input', () => { onValue(n.value.trim()); changed(false); });
    return n;
  }

  function durationInput(id, value, onValue, placeholder) {
    return textInput(id, tidyDuration(value), onValue, { class: 'duration', placeholder: placeholder || 'default', inputmode: 'text' });
  }

  // setOpt sets or removes an optional field.
  function setOpt(obj, key, v) {
    if (v === '' || v === undefined) delete obj[key]; else obj[key] = v;
  }

  // moveButtons are the up, down and remove buttons of item i of list.
  function moveButtons(list, i, path, what, afterRemove) {
    const move = (by) => () => {
      const j = i + by;
      if (j < 0 || j >= list.length) return;
      [list[i], list[j]] = [list[j], list[i]];
      const base = path.replace(/\d+$/, String(j));
      changed(true, base + (by < 0 ? '-up' : '-down'), base + (by < 0 ? '-down' : '-up'));
    };
    return el('div', { class: 'rule-buttons' },
      el('button', { type: 'button', class: 'quiet', id: path + '-up', 'aria-label': 'Move ' + what + ' up', disabled: i === 0, onclick: move(-1), text: '↑' }),
      el('button', { type: 'button', class: 'quiet', id: path + '-down', 'aria-label': 'Move ' + what + ' down', disabled: i === list.length - 1, onclick: move(1), text: '↓' }),
      el('button', {
        type: 'button', class: 'quiet', id: path + '-remove', 'aria-label': 'Remove ' + what, text: '✕',
        onclick: () => { list.splice(i, 1); changed(true, afterRemove); },
      }));
  }

  // nodeEditor edits holder[key], a rule; optional rules may be absent,
  // shown as the kind noneText.
  function nodeEditor(holder, key, path, legend, noneText) {
    const n = holder[key];
    const kind = kindOf(n);
    const sel = el('select', { id: path + '-kind' });
    if (noneText) sel.append(el('option', { value: '', text: noneText }));
    for (const k of RULE_KINDS) sel.append(el('option', { value: k, text: KIND_TITLES[k] }));
    sel.value = kind;
    sel.addEventListener('change', () => {
      if (sel.value) holder[key] = newNode(sel.value, n); else delete holder[key];
      changed(true, sel.id);
    });
    const box = el('fieldset', { class: 'rule-node', id: path },
      el('legend', { text: legend }),
      field('Kind of rule', sel));
    if (kind === 'alternative' || kind === 'percentage') box.append(destEditor(n[kind], kind === 'percentage', path));
    else if (kind === 'time') box.append(...timeEditor(n.time, path));
    else if (kind === 'sticky' || kind === 'engagement') {
      const v = n[kind];
      const row = el('div', { class: 'rule-row' });
      if (kind === 'sticky') {
        row.append(field('Window: how long a customer stays with their last staff member', durationInput(path + '-window', v.window, (x) => setOpt(v, 'window', x), 'e.g. 720h')));
      }
      row.append(field(kind === 'sticky' ? 'Rings them for' : 'Rings the staff member who started it for', durationInput(path + '-timeout', v.timeout, (x) => setOpt(v, 'timeout', x))));
      box.append(row, nodeEditor(v, 'then', path + '-then', 'Then, otherwise and after that'));
    }
    return box;
  }

  function destEditor(list, shared, path) {
    const ol = el('ol', { class: 'rule-list' });
    list.forEach((d, i) => {
      const p = path + '-d' + i;
      const what = (shared ? 'share ' : 'destination ') + (i + 1);
      const dk = DEST_KINDS.map((x) => x[0]).find((x) => d[x] !== undefined) || 'staff';
      const type = el('select', { id: p + '-type' });
      for (const [v, t] of DEST_KINDS) type.append(el('option', { value: v, text: t }));
      type.value = dk;
      type.addEventListener('change', () => {
        for (const [x] of DEST_KINDS) delete d[x];
        if (type.value === 'rule') { d.rule = newNode('alternative'); delete d.timeout; } else d[type.value] = '';
        if (type.value === 'bot') delete d.timeout;
        changed(true, type.id);
      });
      const row = el('div', { class: 'rule-row' }, field('Goes to a', type));
      if (shared) {
        const w = el('input', { type: 'number', id: p + '-percent', min: 0, max: 100, step: 1, class: 'percent', inputmode: 'numeric' });
        w.value = d.percent === undefined ? '' : String(d.percent);
        w.addEventListener('input', () => { d.percent = w.value === '' ? undefined : Number(w.value); changed(false); });
        row.append(field('Percent', w));
      }
      if (dk !== 'rule') {
        const label = { staff: 'Staff ID', team: 'Team name', bot: 'Bot name' }[dk];
        const list = { staff: 'staff-ids', team: 'team-names' }[dk];
        row.append(field(label, textInput(p + '-id', d[dk], (x) => { d[dk] = x; }, { list, class: 'dest-id' })));
      }
      if (dk === 'staff' || dk === 'team') row.append(field('Rings for', durationInput(p + '-timeout', d.timeout, (x) => setOpt(d, 'timeout', x))));
      row.append(moveButtons(list, i, p, what, path + '-add'));
      const item = el('li', null, el('fieldset', { class: 'rule-dest', id: p }, el('legend', { text: shared ? 'Share ' + (i + 1) : 'Destination ' + (i + 1) }), row,
        dk === 'rule' ? nodeEditor(d, 'rule', p + '-rule', 'Nested rule of ' + what) : null));
      ol.append(item);
    });
    const add = el('button', {
      type: 'button', class: 'secondary', id: path + '-add', text: shared ? 'Add a share' : 'Add a destination',
      onclick: () => { list.push(shared ? { percent: 0, staff: '' } : { staff: '' }); changed(true, path + '-d' + (list.length - 1) + '-id'); },
    });
    return el('div', null, list.length ? ol : el('p', { class: 'hint', text: 'No destinations yet.' }), add);
  }

  function timeEditor(t, path) {
    const zone = textInput(path + '-zone', t.zone, (x) => { t.zone = x; }, { list: 'zone-names', class: 'zone' });
    const conds = Array.isArray(t.conditions) ? t.conditions : (t.conditions = []);
    const ol = el('ol', { class: 'rule-list' });
    conds.forEach((c, i) => {
      const p = path + '-c' + i;
      const what = 'office hours ' + (i + 1);
      const days = el('fieldset', { class: 'days' }, el('legend', { text: 'Days' }));
      for (const [d, label] of DAYS) {
        const box = el('input', { type: 'checkbox', id: p + '-' + d });
        box.checked = Array.isArray(c.days) && c.days.includes(d);
        box.addEventListener('change', () => {
          const on = new Set(Array.isArray(c.days) ? c.days : []);
          if (box.checked) on.add(d); else on.delete(d);
          c.days = DAYS.map((x) => x[0]).filter((x) => on.has(x));
          changed(false);
        });
        days.append(el('label', { class: 'day', for: box.id }, box, ' ' + label));
      }
      const clock = (key, label) => field(label, textInput(p + '-' + key, c[key], (x) => { c[key] = x; }, { class: 'clock', placeholder: 'HH:MM', pattern: '[0-2][0-9]:[0-5][0-9]', maxlength: 5 }));
      ol.append(el('li', null, el('fieldset', { class: 'rule-cond', id: p },
        el('legend', { text: 'Office hours ' + (i + 1) }),
        days,
        el('div', { class: 'rule-row' }, clock('from', 'From'), clock('to', 'Until (not including)'), moveButtons(conds, i, p, what, path + '-add-cond')),
        nodeEditor(c, 'then', p + '-then', 'Then, within office hours ' + (i + 1)))));
    });
    const add = el('button', {
      type: 'button', class: 'secondary', id: path + '-add-cond', text: 'Add office hours',
      onclick: () => {
        conds.push({ days: [], from: '09:00', to: '18:00', then: newNode('alternative') });
        changed(true, path + '-c' + (conds.length - 1) + '-mon');
      },
    });
    const hol = el('textarea', { id: path + '-holidays', rows: 2, class: 'holidays', placeholder: '2026-01-01', spellcheck: 'false' });
    hol.value = Array.isArray(t.holidays) ? t.holidays.join('\n') : '';
    hol.addEventListener('input', () => {
      const days = hol.value.split(/[\s,]+/).filter(Boolean);
      if (days.length) t.holidays = days; else delete t.holidays;
      changed(false);
    });
    return [
      field('Time zone (IANA, like Asia/Tokyo)', zone),
      el('div', { class: 'rule-group' }, el('h4', { text: 'Office hours (checked in order; they must not overlap)' }),
        conds.length ? ol : el('p', { class: 'hint', text: 'No office hours: every enquiry is routed as "other times".' }), add),
      field('Holidays, one date (YYYY-MM-DD) per line', hol),
      nodeEditor(t, 'on_holiday', path + '-holiday', 'On holidays', 'As other times'),
      nodeEditor(t, 'other', path + '-other', 'Other times', 'Nobody: missed at once'),
    ];
  }

  function teamsEditor() {
    const box = el('fieldset', { class: 'rule-teams', id: 'teams' }, el('legend', { text: 'Teams' }),
      el('p', { class: 'hint', text: 'Teams are rung as one destination, by their method.' }));
    const ol = el('ol', { class: 'rule-list' });
    ed.teams.forEach((tm, i) => {
      const p = 'team' + i;
      const method = el('select', { id: p + '-method' });
      for (const [v, t] of METHODS) method.append(el('option', { value: v, text: t }));
      method.value = tm.method || 'simultaneous';
      method.addEventListener('change', () => { tm.method = method.value; changed(false); });
      const members = textInput(p + '-members', Array.isArray(tm.members) ? tm.members.join(', ') : '', (x) => { tm.members = x.split(/[\s,]+/).filter(Boolean); }, { class: 'members', placeholder: 'alice, bob' });
      // A team of everyone is every staff member of the desk, whoever joins.
      const everyone = el('input', { type: 'checkbox', id: p + '-everyone' });
      everyone.checked = members.disabled = !!tm.everyone;
      everyone.addEventListener('change', () => {
        members.disabled = everyone.checked;
        if (everyone.checked) { tm.everyone = true; delete tm.members; members.value = ''; } else { delete tm.everyone; tm.members = []; }
        changed(false);
      });
      ol.append(el('li', null, el('fieldset', { class: 'rule-dest', id: p }, el('legend', { text: 'Team ' + (i + 1) }),
        el('div', { class: 'rule-row' },
          field('Name', textInput(p + '-name', tm.name, (x) => { tm.name = x; fillTeamNames(); })),
          field('Method', method),
          field('Everyone on the desk', everyone),
          field('Members (staff IDs, in order)', members, 'wide'),
          field('Rings for', durationInput(p + '-timeout', tm.timeout, (x) => setOpt(tm, 'timeout', x))),
          moveButtons(ed.teams, i, p, 'team ' + (i + 1), 'team-add')))));
    });
    box.append(ed.teams.length ? ol : el('p', { class: 'hint', text: 'No teams.' }),
      el('button', {
        type: 'button', class: 'secondary', id: 'team-add', text: 'Add a team',
        onclick: () => { ed.teams.push({ name: '', method: 'simultaneous', members: [] }); changed(true, 'team' + (ed.teams.length - 1) + '-name'); },
      }));
    return box;
  }

  function fillTeamNames() {
    $('team-names').replaceChildren(...ed.teams.filter((t) => t.name).map((t) => el('option', { value: t.name })));
  }

  function renderRule() {
    const ids = new Set([...S.staff.keys(), ...(S.config.staff || [])]);
    $('staff-ids').replaceChildren(...[...ids].map((s) => el('option', { value: s, text: staffName(s) })));
    fillTeamNames();
    $('rule-editor').replaceChildren(
      el('legend', { class: 'sr-only', text: 'Rule editor' }),
      nodeEditor(ed, 'node', 'rule', 'Routing rule', 'None: every enquiry is missed'),
      teamsEditor());
  }

  function setupRuleEditor() {
    const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    $('zone-names').replaceChildren(...['UTC', ...zones].map((z) => el('option', { value: z })));
    $('routing-json').addEventListener('input', () => { checkRouting(); syncEditorFromJSON(); });
  }

  function autoMessages() {
    const out = { nameFormat: $('name-format').value };
    for (const k of KINDS) {
      const m = { on: form[k.kind].on.checked };
      const t = form[k.kind].text.value;
      if (t.trim()) m.text = t;
      out[k.kind] = m;
    }
    return out;
  }

  let previewTimer = 0;
  let previewRound = 0;
  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(guard(preview), 250);
  }

  async function preview() {
    if (!S.channel) return;
    const round = ++previewRound;
    const settings = autoMessages();
    const me = S.staff.get(S.me) || { first: S.me, last: '' };
    const staff = { First: me.first || '', Last: me.last || '' };
    const channel = $('ch-name').value;
    await Promise.all(KINDS.map(async (k) => {
      const rows = await Promise.all(FORMATS.map(async (f) => {
        try {
          const r = await api('POST', '/api/preview', {
            settings: Object.assign({}, settings, { nameFormat: f.format }),
            kind: k.kind, customer: 'Yui Sato', staff, channel,
          });
          return { f, text: r.text, units: r.units };
        } catch (e) {
          return { f, error: e.message };
        }
      }));
      if (round !== previewRound) return;
      const dl = form[k.kind].preview;
      const err = rows.find((r) => r.error);
      if (err) {
        dl.replaceChildren(el('dt', { text: 'Problem' }), el('dd', { class: 'error', text: err.error }));
        form[k.kind].text.setAttribute('aria-invalid', 'true');
        return;
      }
      form[k.kind].text.setAttribute('aria-invalid', 'false');
      const chosen = settings.nameFormat;
      dl.replaceChildren(...rows.flatMap((r) => [
        el('dt', { class: r.f.format === chosen ? 'chosen' : null, text: r.f.title + (r.f.format === chosen ? ' (chosen)' : '') }),
        el('dd', { class: r.f.format === chosen ? 'chosen' : null, text: r.text }),
      ]));
    }));
  }

  async function saveChannel() {
    const c = S.channel;
    const r = checkRouting();
    if (r.error) {
      $('routing-json').focus();
      throw new ApiError(0, 'invalid', 'Fix the routing rule first: ' + r.error);
    }
    if (!countName()) {
      $('ch-name').focus();
      throw new ApiError(0, 'invalid', 'A channel name has 1 to 40 characters.');
    }
    if (!countCustomInfo()) {
      $('ci-text').focus();
      throw new ApiError(0, 'invalid', 'Custom info is at most 10,000 characters.');
    }
    setText($('ch-status'), 'Saving…');
    const body = {
      name: $('ch-name').value,
      routing: r.rule,
      autoMessages: autoMessages(),
      customInfo: $('ci-text').value,
      customInfoOn: $('ci-on').checked,
    };
    let res;
    try {
      res = await api('PATCH', '/api/channels/' + encodeURIComponent(c.id), body);
    } catch (e) {
      if (e.code === 'invalid_routing') { // the desk's full check of the rule
        const st = $('routing-status');
        st.textContent = e.message;
        st.classList.add('error');
      }
      throw e;
    }
    fillChannel(res.channel);
    await loadChannelList();
    setText($('ch-status'), 'Saved.');
  }

  async function suspendChannel() {
    const c = S.channel;
    const suspend = c.state !== 'suspended';
    if (suspend) {
      const ok = await confirmDialog('Suspend ' + c.name + '?', 'Customers\' messages are still recorded, but nobody is rung and nothing is sent to them until you resume the channel.', 'Suspend');
      if (!ok) return;
    }
    const res = await api('POST', '/api/channels/' + encodeURIComponent(c.id) + (suspend ? '/suspend' : '/resume'));
    fillChannel(res.channel);
    await loadChannelList();
    setText($('ch-status'), suspend ? 'Suspended.' : 'Resumed.');
  }

  async function deleteChannel() {
    const c = S.channel;
    const ok = await confirmDialog('Delete ' + c.name + '?', 'The channel, its settings and its enquiries are removed from the desk. ' + platformName(c.kind).replace(/^./, (x) => x.toUpperCase()) + ' will keep sending to the webhook until you change it there.', 'Delete channel');
    if (!ok) return;
    const path = '/api/channels/' + encodeURIComponent(c.id);
    try {
      await api('DELETE', path);
    } catch (e) {
      if (e.code !== 'open_enquiries') throw e;
      const force = await confirmDialog('Delete it with its open enquiries?', c.name + ' still has open enquiries. Deleting it now abandons them.', 'Delete anyway');
      if (!force) return;
      await api('DELETE', path + '?force=true');
    }
    S.channel = null;
    announce('Deleted ' + c.name + '.');
    if (location.hash === '#/channels') await route(); // no hashchange
    else location.hash = '#/channels';
  }

  // For the console's other scripts (history.js, canned.js): the API with
  // this page's credential, how the console names people and times, who
  // acts, and the enquiry of the open room.
  Object.assign(desk, { ApiError, me: () => S.me, staff: (id) => S.staff.get(id), room: () => (S.room ? S.room.enquiry : null) }); // for history.js, canned.js

  document.addEventListener('DOMContentLoaded', () => {
    guard(start, $('page-error'))();
  });
})();
