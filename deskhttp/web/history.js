// socialdesk staff console: the customer panel of a room (who the customer
// is, whether they follow the account, their earlier enquiries with their
// transcripts) and the search across transcripts above the enquiry list.
// It builds its own elements, sets every text with textContent, and talks
// to the desk through window.socialdesk, which app.js provides.
'use strict';

(() => {
  const PAGE = 20; // search hits per request
  const byId = (id) => document.getElementById(id);
  const sd = () => window.socialdesk;

  const STATE_WORDS = { ringing: 'ringing', attending: 'attending', missed: 'missed', closed: 'closed' };

  // ---- what a message says, in a line ----

  function whoWrote(m, e) {
    const { customerName, staffName } = sd();
    switch (m.author) {
      case 'customer': return customerName(e);
      case 'staff': return staffName(m.staff || m.authorId);
      case 'bot': return m.internal ? 'Note for staff' : 'Auto-message';
      default: return 'System note';
    }
  }

  function lineOf(m) {
    if (m.unsent) return 'The customer unsent this message.';
    switch (m.kind) {
      case 'text': case 'note': return m.text || '';
      case 'image': return '[image]';
      case 'video': return '[video]';
      case 'audio': return '[audio]';
      case 'sticker': return '[sticker]';
      case 'unsupported': return '[not shown: ' + ((m.unsupported && m.unsupported.reason) || 'unsupported') + ']';
      default: return '[' + (m.kind || 'message') + ']';
    }
  }

  // afterTime reports whether the time a is after b, to the nanosecond
  // the desk gives when both are in UTC (Date keeps only milliseconds).
  function afterTime(a, b) {
    const nanos = (t) => t.replace(/(?:\.(\d{1,9}))?Z$/, (_, f) => '.' + (f || '').padEnd(9, '0') + 'Z');
    if (/Z$/.test(a) && /Z$/.test(b)) return nanos(a) > nanos(b);
    return Date.parse(a) > Date.parse(b);
  }

  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

  // wordsPattern matches any word of the query, in any case.
  function wordsPattern(q) {
    const words = q.split(/\s+/).filter(Boolean).map(escapeRegExp);
    return words.length ? new RegExp('(' + words.join('|') + ')', 'giu') : null;
  }

  // excerpt is the part of text around the first word of the query it
  // holds, so that the match shows in a long message.
  function excerpt(text, re) {
    const max = 160;
    if (!re || text.length <= max) return text;
    re.lastIndex = 0;
    const m = re.exec(text);
    re.lastIndex = 0;
    const at = m ? m.index : 0;
    const from = Math.max(0, at - 50);
    const to = Math.min(text.length, from + max);
    return (from > 0 ? '…' : '') + text.slice(from, to) + (to < text.length ? '…' : '');
  }

  // marked returns text as nodes, the query's words in <mark>.
  function marked(text, re) {
    if (!re) return [text];
    return text.split(re).map((part, i) => (i % 2 ? sd().el('mark', { text: part }) : part));
  }

  // ---- search ----

  const search = { q: '', next: '', count: 0, seq: 0 };
  let found = ''; // the message of the hit being opened, to show in its room

  function setupSearch() {
    const pane = document.querySelector('#view-enquiries .list-pane');
    if (!pane || byId('search-form')) return;
    const { el } = sd();
    const form = el('form', { id: 'search-form', class: 'search-form', role: 'search', 'aria-label': 'Search transcripts' },
      el('label', { for: 'search-q', class: 'sr-only', text: 'Search transcripts' }),
      el('input', { id: 'search-q', type: 'search', placeholder: 'Search transcripts', autocomplete: 'off', maxlength: '200', enterkeyhint: 'search' }),
      el('button', { type: 'submit', id: 'search-go', class: 'secondary', text: 'Search' }));
    const results = el('section', { id: 'search-results', class: 'search-results', 'aria-label': 'Search results', hidden: true },
      el('div', { class: 'search-head' },
        el('p', { id: 'search-status', class: 'search-status', role: 'status' }),
        el('button', { type: 'button', id: 'search-clear', class: 'link', text: 'Clear search' })),
      el('p', { id: 'search-error', class: 'error', role: 'alert' }),
      el('ul', { id: 'search-list', class: 'search-list' }),
      el('button', { type: 'button', id: 'search-more', class: 'secondary', hidden: true, text: 'More results' }));
    pane.prepend(form, results);
    form.addEventListener('submit', (ev) => { ev.preventDefault(); run(false); });
    byId('search-clear').addEventListener('click', clearSearch);
    byId('search-more').addEventListener('click', () => run(true));
    byId('search-q').addEventListener('keydown', (ev) => { if (ev.key === 'Escape') clearSearch(); });
  }

  function showResults(on) {
    byId('search-results').hidden = !on;
    document.querySelector('#view-enquiries .list-pane').classList.toggle('searching', on);
  }

  function clearSearch() {
    search.seq++;
    search.q = '';
    search.next = '';
    byId('search-q').value = '';
    byId('search-list').replaceChildren();
    byId('search-error').textContent = '';
    showResults(false);
  }

  async function run(more) {
    const q = byId('search-q').value.trim();
    if (!q) {
      clearSearch();
      return;
    }
    if (more && q !== search.q) more = false; // the query changed: start again
    const seq = ++search.seq;
    let path = '/api/search?q=' + encodeURIComponent(q) + '&limit=' + PAGE;
    if (more && search.next) path += '&before=' + encodeURIComponent(search.next);
    showResults(true);
    const status = byId('search-status');
    status.textContent = more ? 'Loading more…' : 'Searching…';
    byId('search-error').textContent = '';
    let r;
    try {
      r = await sd().api('GET', path);
    } catch (e) {
      if (seq !== search.seq) return;
      status.textContent = '';
      byId('search-error').textContent = e.message;
      return;
    }
    if (seq !== search.seq) return; // a newer search, or cleared
    const list = byId('search-list');
    if (!more) {
      list.replaceChildren();
      search.count = 0;
    }
    search.q = q;
    search.next = r.next || '';
    const re = wordsPattern(q);
    for (const h of r.hits) list.append(hitItem(h, re));
    search.count += r.hits.length;
    const n = search.count;
    status.textContent = n === 0
      ? 'No message says “' + q + '”.'
      : n + (n === 1 ? ' message says “' : ' messages say “') + q + '”' + (search.next ? ', newest first; more below.' : ', newest first.');
    byId('search-more').hidden = !search.next;
  }

  function hitItem(h, re) {
    const { el, customerName, fmtTime } = sd();
    const m = h.message;
    const e = h.enquiry;
    const href = '#/enquiries/' + encodeURIComponent(e.id);
    const a = el('a', { href, class: 'search-hit', 'data-enquiry': e.id, 'data-message': m.id },
      el('span', { class: 'name', dir: 'auto', text: customerName(e) }),
      el('span', { class: 'meta', text: [e.channel, STATE_WORDS[e.state] || e.state, fmtTime(m.time)].filter(Boolean).join(' · ') }),
      el('p', { class: 'hit-text' },
        m.internal ? el('span', { class: 'badge internal', text: 'internal note' }) : null,
        m.internal ? ' ' : null,
        el('span', { class: 'hit-who', dir: 'auto', text: whoWrote(m, e) + ': ' }),
        el('span', { dir: 'auto' }, ...marked(excerpt(lineOf(m), re), re))));
    a.addEventListener('click', () => {
      found = m.id;
      for (const other of document.querySelectorAll('.search-hit[aria-current]')) other.removeAttribute('aria-current');
      a.setAttribute('aria-current', 'true');
      if (location.hash === href) showFound(); // the room is open already: no hashchange
    });
    return el('li', { class: 'search-item' + (m.internal ? ' internal' : '') }, a);
  }

  // showFound scrolls the room to the message of the hit opened, and
  // marks it for a while.
  function showFound() {
    if (!found) return;
    const li = byId('m-' + found);
    if (!li) return;
    found = '';
    for (const old of document.querySelectorAll('#transcript .found')) old.classList.remove('found');
    li.classList.add('found');
    li.scrollIntoView({ block: 'center' });
    setTimeout(() => li.classList.remove('found'), 6000);
  }

  // ---- the customer panel ----

  const panel = { id: '', seq: 0 };

  function ensurePanel() {
    let p = byId('customer-panel');
    if (p) return p;
    const body = document.querySelector('#room .room-body');
    if (!body) return null;
    const { el } = sd();
    p = el('aside', { id: 'customer-panel', class: 'customer-panel', 'aria-labelledby': 'customer-title' },
      el('h2', { id: 'customer-title', text: 'Customer' }),
      el('div', { id: 'customer-card', class: 'customer-card' }),
      el('h3', { id: 'customer-past-title', text: 'Earlier enquiries' }),
      el('ul', { id: 'customer-past', class: 'past-list', 'aria-labelledby': 'customer-past-title' }),
      el('p', { id: 'customer-note', class: 'hint' }),
      el('p', { id: 'customer-error', class: 'error', role: 'alert' }));
    body.append(p);
    body.classList.add('has-customer');
    return p;
  }

  async function loadPanel(id) {
    const p = ensurePanel();
    if (!p) return;
    const seq = ++panel.seq;
    if (panel.id !== id) {
      panel.id = id;
      byId('customer-card').replaceChildren(sd().el('p', { class: 'hint', text: 'Loading…' }));
      byId('customer-past').replaceChildren();
      byId('customer-note').textContent = '';
    }
    p.hidden = false;
    byId('customer-error').textContent = '';
    let c;
    try {
      c = await sd().api('GET', '/api/enquiries/' + encodeURIComponent(id) + '/customer');
    } catch (e) {
      if (seq === panel.seq) byId('customer-error').textContent = 'The customer\'s history could not be loaded: ' + e.message;
      return;
    }
    if (seq !== panel.seq) return; // another room since
    renderPanel(id, c);
  }

  function renderPanel(id, c) {
    const { el, customerName, fmtTime } = sd();
    const who = { customer: c.customer };
    const name = customerName(who);
    const state = c.friendship === 'blocked'
      ? el('span', { class: 'badge blocked', text: 'Blocked the account' })
      : c.friendship === 'friend'
        ? el('span', { class: 'badge following', text: 'Following' })
        : el('span', { class: 'badge', text: 'No follow or block seen' });
    byId('customer-card').replaceChildren(
      el('span', { class: 'avatar', 'aria-hidden': 'true', text: (name.trim()[0] || '?').toUpperCase() }),
      el('div', { class: 'customer-who' },
        el('p', { class: 'customer-name', dir: 'auto', text: name }),
        el('p', { class: 'meta', text: 'ID ' + c.customer.id }),
        el('p', { class: 'customer-state' }, state,
          c.friendshipSince ? el('span', { class: 'meta', text: ' since ' + fmtTime(c.friendshipSince) }) : null),
        // The picture is the platform's: the console's policy loads no
        // image from elsewhere, so it is a link.
        c.customer.pictureUrl
          ? el('p', null, el('a', { href: c.customer.pictureUrl, target: '_blank', rel: 'noopener noreferrer', text: 'Profile picture' }))
          : null));

    const list = byId('customer-past');
    list.replaceChildren();
    const room = sd().room();
    const later = !!room && room.id === id && c.enquiries.some((p) => afterTime(p.enquiry.opened, room.opened));
    byId('customer-past-title').textContent = later ? 'Other enquiries' : 'Earlier enquiries';
    for (const past of c.enquiries) list.append(pastItem(past, who));
    const notes = [];
    if (!c.enquiries.length) notes.push('No other enquiries from this customer on ' + c.channel + '.');
    if (c.more) notes.push('The ' + c.enquiries.length + ' most recent are shown.');
    byId('customer-note').textContent = notes.join(' ');
  }

  function pastItem(past, who) {
    const { el, staffName, fmtTime } = sd();
    const e = past.enquiry;
    const n = past.messages.length;
    const summary = [fmtTime(e.opened), STATE_WORDS[e.state] || e.state, e.staff ? 'with ' + staffName(e.staff) : '',
      (past.more ? 'over ' + n : n) + (n === 1 ? ' message' : ' messages')].filter(Boolean).join(' · ');
    const transcript = el('ol', { class: 'past-transcript' });
    for (const m of past.messages) {
      transcript.append(el('li', { class: 'past-msg ' + (m.author || 'system') + (m.internal ? ' internal' : '') },
        el('span', { class: 'who', dir: 'auto', text: whoWrote(m, Object.assign({}, e, who)) + (m.internal ? ' (internal)' : '') }),
        el('span', { class: 'text', dir: 'auto', text: lineOf(m) }),
        el('time', { datetime: m.time, text: fmtTime(m.time) })));
    }
    return el('li', { class: 'past-item', 'data-enquiry': e.id },
      el('details', null,
        el('summary', { text: summary }),
        transcript,
        el('a', { href: '#/enquiries/' + encodeURIComponent(e.id), class: 'past-open', text: past.more ? 'Open this enquiry to read it all' : 'Open this enquiry' })));
  }

  // ---- wiring ----

  document.addEventListener('socialdesk:room', (ev) => {
    loadPanel(ev.detail.id);
    showFound();
  });
  // A room that did not open (no such enquiry) shows no one's history.
  window.addEventListener('hashchange', () => {
    const m = /^#\/enquiries\/([^/]+)/.exec(location.hash);
    const id = m ? decodeURIComponent(m[1]) : '';
    const p = byId('customer-panel');
    if (p && id !== panel.id) {
      p.hidden = true;
      panel.seq++;
    }
  });
  document.addEventListener('DOMContentLoaded', () => {
    if (window.socialdesk) setupSearch();
  });
})();
