// socialdesk staff console: the Reports page (#/reports). First-response
// time, handling time and the missed rate per channel or per staff member,
// by day, from GET /api/reports, drawn as plain SVG line charts with a
// table of totals and a CSV download. app.js routes here by calling
// window.socialdeskReports.show(). Everything shown is set with
// textContent or SVG attributes, never as HTML.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const COLORS = ['#0b6e4f', '#1a5fd0', '#b3261e', '#8a5a00', '#6b3fa0', '#0e7490', '#be185d', '#4b5563'];
  const DAY_MS = 86400000;
  // The charts: what each plots for a row, and how many enquiries stand
  // behind that figure (a day with none has no point).
  const METRICS = [
    { id: 'first', title: 'Mean first-response time', value: (r) => r.meanFirstResponseSeconds, weight: (r) => r.responded, fmt: duration },
    { id: 'handling', title: 'Mean handling time', value: (r) => r.meanHandlingSeconds, weight: (r) => r.handled, fmt: duration },
    { id: 'missed', title: 'Missed rate', value: (r) => r.missedRate, weight: (r) => r.enquiries, fmt: percent, max: 1 },
  ];

  let ready = false;
  let loading = 0; // the latest load's number: an older answer is dropped

  function headers() {
    const token = sessionStorage.getItem('socialdesk.token') || '';
    const h = { Accept: 'application/json' };
    if (token) h.Authorization = 'Bearer ' + token;
    return h;
  }

  async function fetchReport(query) {
    let res;
    try {
      res = await fetch('/api/reports?' + query, { headers: headers() });
    } catch (e) {
      throw new Error('The desk cannot be reached. Is it running?');
    }
    if (!res.ok) {
      let msg = res.status + ' ' + res.statusText;
      try { msg = (await res.json()).error.message || msg; } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    return res;
  }

  function svg(tag, attrs, ...children) {
    const n = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') n.textContent = v; else n.setAttribute(k, v);
    }
    for (const c of children) if (c) n.append(c);
    return n;
  }

  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') n.textContent = v; else if (k === 'class') n.className = v; else n.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) n.append(c);
    return n;
  }

  function duration(s) {
    if (s === 0) return '0 s';
    if (s < 0.001) return Math.round(s * 1e6) + ' µs';
    if (s < 1) return Math.round(s * 1000) + ' ms';
    if (s < 10) return s.toFixed(1) + ' s';
    if (s < 60) return Math.round(s) + ' s';
    if (s < 3600) return (s / 60).toFixed(1) + ' min';
    return (s / 3600).toFixed(1) + ' h';
  }

  function percent(x) { return (x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0) + '%'; }

  // isoDay is the YYYY-MM-DD of a Date's UTC day (the page's days are
  // calendar days, kept as UTC midnights to step through them).
  function isoDay(d) { return d.toISOString().slice(0, 10); }

  function todayIn(tz) {
    try {
      return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    } catch (e) {
      return isoDay(new Date());
    }
  }

  function lastDays(n) {
    const to = todayIn($('rep-tz').value.trim() || 'UTC');
    $('rep-to').value = to;
    $('rep-from').value = isoDay(new Date(Date.parse(to) - (n - 1) * DAY_MS));
  }

  function query(format) {
    const q = new URLSearchParams({ from: $('rep-from').value, to: $('rep-to').value, by: $('rep-by').value, tz: $('rep-tz').value.trim() || 'UTC' });
    if (format) q.set('format', format);
    return q.toString();
  }

  function setup() {
    ready = true;
    let zone = 'UTC';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch (e) { /* UTC */ }
    $('rep-tz').value = zone;
    lastDays(7);
    $('reports-form').addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
    $('rep-by').addEventListener('change', load);
    for (const b of document.querySelectorAll('#reports-form [data-days]')) {
      b.addEventListener('click', () => { lastDays(Number(b.dataset.days)); load(); });
    }
    $('rep-csv').addEventListener('click', (ev) => { ev.preventDefault(); download(); });
  }

  async function show() {
    if (!ready) setup();
    await load();
  }

  async function load() {
    const n = ++loading;
    $('rep-error').textContent = '';
    $('rep-status').textContent = 'Loading…';
    $('rep-csv').href = '/api/reports?' + query('csv');
    try {
      const report = await (await fetchReport(query())).json();
      if (n !== loading) return;
      render(report);
      $('rep-status').textContent = report.rows.length ? '' : 'No enquiries opened in this range.';
    } catch (e) {
      if (n !== loading) return;
      $('rep-status').textContent = '';
      $('rep-error').textContent = e.message;
    }
  }

  // download fetches the CSV with the console's credential (a link alone
  // would not carry a bearer token) and saves it under the desk's name.
  async function download() {
    $('rep-error').textContent = '';
    try {
      const res = await fetchReport(query('csv'));
      const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
      const url = URL.createObjectURL(await res.blob());
      const a = el('a', { href: url, download: m ? m[1] : 'socialdesk-report.csv' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      $('rep-status').textContent = 'Downloaded ' + a.download + '.';
    } catch (e) {
      $('rep-error').textContent = e.message;
    }
  }

  function label(report, key, name) {
    if (name) return name;
    if (report.by === 'staff' && key === '') return 'Not attended';
    return key;
  }

  function render(report) {
    const days = [];
    for (let t = Date.parse(report.from); t <= Date.parse(report.to); t += DAY_MS) days.push(isoDay(new Date(t)));
    const series = new Map(); // key → {name, color, rows: Map day → row}
    for (const r of report.rows) {
      if (!series.has(r.key)) series.set(r.key, { key: r.key, name: label(report, r.key, r.name), rows: new Map() });
      series.get(r.key).rows.set(r.day, r);
    }
    [...series.values()].forEach((s, i) => { s.color = COLORS[i % COLORS.length]; });
    $('rep-scope').textContent = report.staff
      ? 'Your own enquiries only (' + report.staff + '), days in ' + report.tz + '.'
      : 'Every enquiry, days in ' + report.tz + '.';
    const charts = $('rep-charts');
    charts.replaceChildren();
    if (series.size) for (const m of METRICS) charts.append(chart(m, days, [...series.values()]));
    renderTable(report, [...series.values()]);
  }

  // chart draws one metric: a line per series across the days, a point
  // (with its figure as a tooltip) on each day that has one.
  function chart(m, days, series) {
    const W = 640, H = 220, L = 60, R = 24, T = 12, B = 36;
    let max = m.max || 0;
    if (!m.max) for (const s of series) for (const r of s.rows.values()) if (m.weight(r) > 0) max = Math.max(max, m.value(r));
    max = niceMax(max);
    const x = (i) => L + (days.length === 1 ? (W - L - R) / 2 : i * (W - L - R) / (days.length - 1));
    const y = (v) => T + (H - T - B) * (1 - v / max);
    const id = 'rep-chart-' + m.id;
    const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'rep-chart', role: 'img', 'aria-labelledby': id + '-title', 'data-metric': m.id });
    g.append(svg('title', { id: id + '-title', text: m.title + ' per day' }));
    for (let k = 0; k <= 4; k++) {
      const v = max * k / 4;
      g.append(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'rep-grid' }));
      g.append(svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'rep-axis', text: m.fmt(v) }));
    }
    const every = Math.ceil(days.length / 8);
    days.forEach((d, i) => {
      if (i % every === 0 || i === days.length - 1) g.append(svg('text', { x: x(i), y: H - B + 18, 'text-anchor': 'middle', class: 'rep-axis', text: d.slice(5) }));
    });
    for (const s of series) {
      let path = '', gap = true;
      const dots = [];
      days.forEach((d, i) => {
        const r = s.rows.get(d);
        if (!r || m.weight(r) === 0) { gap = true; return; }
        path += (gap ? 'M' : 'L') + x(i).toFixed(1) + ' ' + y(m.value(r)).toFixed(1) + ' ';
        gap = false;
        dots.push(svg('circle', { cx: x(i), cy: y(m.value(r)), r: 3.5, fill: s.color, class: 'rep-dot', 'data-key': s.key, 'data-day': d },
          svg('title', { text: `${s.name}, ${d}: ${m.fmt(m.value(r))} (${m.weight(r)} ${m.id === 'missed' ? 'enquiries' : 'counted'})` })));
      });
      if (path) g.append(svg('path', { d: path.trim(), stroke: s.color, fill: 'none', 'stroke-width': 2, class: 'rep-line' }));
      g.append(...dots);
    }
    const legend = el('ul', { class: 'rep-legend' });
    for (const s of series) {
      const swatch = el('span', { class: 'rep-swatch', 'aria-hidden': 'true' });
      swatch.append(svg('svg', { viewBox: '0 0 10 10', width: 10, height: 10 }, svg('rect', { width: 10, height: 10, fill: s.color })));
      legend.append(el('li', null, swatch, ' ' + s.name));
    }
    return el('figure', { class: 'rep-figure' }, el('figcaption', { text: m.title }), g, legend);
  }

  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const f of [1, 2, 2.5, 5, 10]) if (v <= f * p) return f * p;
    return 10 * p;
  }

  function renderTable(report, series) {
    $('rep-key-head').textContent = report.by === 'staff' ? 'Staff member' : 'Channel';
    const body = $('rep-rows');
    body.replaceChildren();
    for (const s of series) {
      let n = 0, responded = 0, first = 0, handled = 0, handling = 0, missed = 0;
      for (const r of s.rows.values()) {
        n += r.enquiries; missed += r.missed;
        responded += r.responded; first += r.meanFirstResponseSeconds * r.responded;
        handled += r.handled; handling += r.meanHandlingSeconds * r.handled;
      }
      body.append(el('tr', { 'data-key': s.key },
        el('th', { scope: 'row', text: s.name }),
        el('td', { text: String(n) }),
        el('td', { text: responded ? duration(first / responded) + ' (' + responded + ')' : '—' }),
        el('td', { text: handled ? duration(handling / handled) + ' (' + handled + ')' : '—' }),
        el('td', { text: missed + ' (' + percent(n ? missed / n : 0) + ')' })));
    }
    $('rep-table').hidden = series.length === 0;
  }

  window.socialdeskReports = { show };
})();
