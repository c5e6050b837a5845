// The live page: reads /api/state twice a second, redraws the node table and the charts, and
// sends the buttons' faults and load to the dashboard server (which runs scripts/cluster).
'use strict';

const NAMES = {
  'POST /users/{id}/tweets': 'post',
  'GET /users/{id}/timeline': 'home timeline',
  'GET /users/{id}/tweets': 'user timeline',
  'POST /users': 'register',
  'GET /users/{id}': 'profile',
  'PUT /users/{id}/following/{other}': 'follow',
  'DELETE /users/{id}/following/{other}': 'unfollow',
};
const COLORS = ['#1a73e8', '#e8710a', '#188038', '#d93025', '#9334e6', '#12b5cb', '#f9ab00', '#5f6368'];
const NODE_VERBS = ['crash', 'pause', 'resume', 'restart', 'partition', 'slow', 'fast'];
const opName = op => NAMES[op] || op;
const colorOf = (() => { const seen = {}; return key => seen[key] || (seen[key] = COLORS[Object.keys(seen).length % COLORS.length]); })();
// A member's address (akka://timeline@HOST:PORT) names the node whose Artery address the state gives.
const nodeOf = address => { const n = ((dashboard.state || {}).nodes || []).find(n => n.artery && String(address).endsWith('@' + n.artery)); return n ? 'node ' + n.index : address; };
const sum = map => Object.values(map || {}).reduce((a, b) => a + b, 0);
const el = (tag, props, ...children) => {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const c of children) e.append(c);
  return e;
};

let faultInjection = false;
let lastSeq = -1;
let asking = false;
// drawn: per chart canvas, the fault intervals and failed seconds it drew last (for tests).
const dashboard = window.dashboard = { seq: 0, updates: 0, state: null, drawn: {} };

// Fault intervals shaded and failed seconds ticked on every chart, under the lines: from the
// feed's shading (the fault log's intervals) and its points' failed flags. A chart whose x axis
// is not the nodes' points (the clients' view) names its own in c.$points.
const SHADE_COLORS = { crash: '#d93025', pause: '#f9ab00', partition: '#9334e6', slow: '#1a73e8', 'journal stop': '#795548', 'journal crash': '#3e2723' };
const shadeColor = kind => SHADE_COLORS[kind] || '#5f6368';
const clock = ms => new Date(ms).toLocaleTimeString([], { hour12: false });
let points = [];
let shading = [];
let clientSeconds = [];
Chart.register({
  id: 'faults',
  beforeDatasetsDraw(c) {
    const drawn = dashboard.drawn[c.canvas.id] = { shades: 0, failed: 0 };
    const pts = c.$points || points;
    const n = pts.length;
    if (!n) return;
    const x = c.scales.x, area = c.chartArea, ctx = c.ctx;
    const half = n > 1 ? Math.abs(x.getPixelForValue(1) - x.getPixelForValue(0)) / 2 : 4;
    const band = (from, to, top, height, color, alpha) => {
      const left = Math.max(area.left, x.getPixelForValue(from) - half), right = Math.min(area.right, x.getPixelForValue(to) + half);
      ctx.globalAlpha = alpha;
      ctx.fillStyle = color;
      ctx.fillRect(left, top, Math.max(1, right - left), height);
    };
    const first = pts[0].t, last = pts[n - 1].t;
    ctx.save();
    for (const s of shading) {
      const to = s.toMs == null ? last : s.toMs;
      if (to < first || s.fromMs > last) continue;
      const i = pts.findIndex(p => p.t >= s.fromMs);
      let j = n - 1;
      while (j > i && pts[j].t > to) j--;
      band(i, j, area.top, area.bottom - area.top, shadeColor(s.kind), 0.13);
      drawn.shades++;
    }
    pts.forEach((p, k) => {
      if (!p.failed) return;
      band(k, k, area.top, 5, '#d93025', 0.9);
      drawn.failed++;
    });
    ctx.restore();
  },
});

function chart(id, title, yTitle) {
  return new Chart(document.getElementById(id), {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, spanGaps: false,
      elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
      plugins: { title: { display: true, text: title }, legend: { labels: { boxWidth: 12, font: { size: 11 } } } },
      scales: { x: { ticks: { maxTicksLimit: 6, font: { size: 10 } } }, y: { beginAtZero: true, title: { display: true, text: yTitle } } },
    },
  });
}
const charts = {
  rps: chart('chart-rps', 'requests/s (as the nodes answered them)', 'req/s'),
  latency: chart('chart-latency', 'latency p99 (solid) and p50 (dashed)', 'ms'),
  errors: chart('chart-errors', 'errors/s: 5xx answers, and load requests failed', 'per s'),
  lag: chart('chart-lag', 'fan-out lag p99 (solid) and p50 (dashed): post to home timeline', 'ms'),
};
dashboard.charts = charts;

function setSeries(c, labels, series) {
  c.data.labels = labels;
  c.data.datasets = series.map(s => {
    const old = c.data.datasets.find(d => d.label === s.label);
    const d = old || { label: s.label, borderColor: s.color, backgroundColor: s.color, borderDash: s.dash || [], fill: false, segment: s.segment };
    d.data = s.data;
    return d;
  });
  c.update('none');
}

function drawCharts() {
  const labels = points.map(p => clock(p.t));
  const ops = [...new Set(points.flatMap(p => Object.keys(p.ops)))].sort();
  const series = (field, suffix, dash) => ops.map(op => ({
    label: opName(op) + (suffix || ''), color: colorOf(op), dash,
    data: points.map(p => p.ops[op] ? p.ops[op][field] : null),
  }));
  setSeries(charts.rps, labels, series('rps'));
  setSeries(charts.latency, labels, [...series('p99', ' p99'), ...series('p50', ' p50', [4, 3])]);
  setSeries(charts.errors, labels, [...series('errors', ' 5xx'),
    { label: 'load: failed', color: '#000', dash: [2, 2], data: points.map(p => p.loadFailed) }]);
  const lag = field => points.map(p => p.lag ? p.lag[field] : null);
  setSeries(charts.lag, labels, [{ label: 'lag p99', color: '#9334e6', data: lag('p99') },
    { label: 'lag p50', color: '#9334e6', dash: [4, 3], data: lag('p50') }]);
}

// The clients' view: what the experiment's load generator saw, per second its requests were due
// (latency from then, as in the report). Absent, and its charts never made, unless an experiment
// feeds the page. Seconds without a completion are drawn as zeros; those still open (requests
// due in them may still complete) dashed.
const CLIENT_OPS = { post: 'POST /users/{id}/tweets', home: 'GET /users/{id}/timeline', user: 'GET /users/{id}/tweets' };
const openDash = ctx => (clientSeconds[ctx.p1DataIndex] || {}).open ? [3, 3] : undefined;
function drawClients(clients) {
  const box = document.getElementById('clients');
  box.hidden = !clients;
  if (!clients) return;
  if (!charts.clients) {
    charts.clients = chart('chart-clients', "clients' view: operations per second due, by outcome", 'per s');
    charts.clientsLatency = chart('chart-clients-latency', "clients' view: latency from the due time, p99 (solid) and p50 (dashed)", 'ms');
  }
  const seconds = [];
  for (const s of clients.seconds) {
    const last = seconds[seconds.length - 1];
    for (let t = last ? last.t + 1000 : s.t; t < s.t; t += 1000) seconds.push({ t, open: false, ok: 0, fail: 0, info: 0, ops: {} });
    seconds.push(s);
  }
  clientSeconds = seconds;
  charts.clients.$points = charts.clientsLatency.$points = seconds.map(s => ({ t: s.t, failed: s.fail + s.info > 0 }));
  const labels = seconds.map(s => clock(s.t));
  const count = field => seconds.map(s => s[field]);
  setSeries(charts.clients, labels, [
    { label: 'ok', color: '#188038', data: count('ok'), segment: { borderDash: openDash } },
    { label: 'fail', color: '#d93025', data: count('fail'), segment: { borderDash: openDash } },
    { label: 'info (unknown)', color: '#f9ab00', data: count('info'), segment: { borderDash: openDash } },
  ]);
  const ops = Object.keys(CLIENT_OPS).filter(op => seconds.some(s => s.ops[op]));
  const latency = (field, suffix, dash) => ops.map(op => ({
    label: opName(CLIENT_OPS[op]) + suffix, color: colorOf(CLIENT_OPS[op]), dash,
    data: seconds.map(s => s.ops[op] ? s.ops[op][field] : null),
  }));
  setSeries(charts.clientsLatency, labels, [...latency('p99', ' p99'), ...latency('p50', ' p50', [4, 3])]);
  setText(document.getElementById('clients-late'), clients.late
    ? `${clients.late} operations completed after their second had closed and are not drawn` : '');
}

// The intervals, also as a list under the charts (their colours' legend).
function drawShading() {
  const box = document.getElementById('shading');
  const key = JSON.stringify(shading);
  if (!shading.length || box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(el('span', { textContent: 'shaded: ' }), ...shading.map(s => {
    const e = el('span', { className: 'shade' + (s.toMs == null ? ' open' : ''),
      textContent: `${s.label} ${clock(s.fromMs)}–${s.toMs == null ? 'now' : clock(s.toMs)}` });
    e.style.borderColor = shadeColor(s.kind);
    Object.assign(e.dataset, { kind: s.kind, open: s.toMs == null });
    if (s.node != null) e.dataset.node = s.node;
    return e;
  }), el('span', { textContent: ' · a red tick on top: a second with 5xx answers or failed load requests' }));
}

// Rows, cells and buttons are made once per node and updated in place: a click (or a test's
// read) must never land on an element that the next redraw replaced.
const rows = {};
function rowOf(i, body) {
  if (rows[i]) return rows[i];
  const cell = (name, props) => el('td', Object.assign({ id: `node-${i}-${name}` }, props || {}));
  const r = {
    tr: el('tr', { id: `node-${i}` }),
    pid: cell('pid'), process: cell('process'), answers: cell('answers'), shards: cell('shards'),
    entities: cell('entities'), view: cell('view'),
    buttons: NODE_VERBS.map(v => {
      const b = el('button', { id: `${v}-${i}`, textContent: v, title: `scripts/cluster ${v} ${i}` + (v === 'slow' ? ' MS' : '') });
      b.dataset.fault = v;
      b.dataset.node = i;
      return b;
    }),
  };
  r.tr.append(el('td', { textContent: 'node ' + i }), r.pid, r.process, r.answers, r.shards, r.entities, r.view, el('td', {}, ...r.buttons));
  const after = Object.keys(rows).map(Number).filter(k => k > i).sort((a, b) => a - b)[0];
  body.insertBefore(r.tr, after === undefined ? null : rows[after].tr);
  return (rows[i] = r);
}

function setText(e, text, className) {
  text = String(text);
  if (e.textContent !== text) e.textContent = text;
  if (className !== undefined && e.className !== className) e.className = className;
}

function drawNodes(nodes) {
  const body = document.querySelector('#nodes tbody');
  const present = new Set(nodes.map(n => n.index));
  for (const i of Object.keys(rows)) if (!present.has(Number(i))) { rows[i].tr.remove(); delete rows[i]; }
  const detail = map => Object.entries(map || {}).map(([k, v]) => k + ' ' + v).join(', ');
  for (const n of nodes) {
    const r = rowOf(n.index, body);
    setText(r.pid, n.pid);
    setText(r.process, n.process, n.process);
    r.process.title = n.process === 'crashed' ? `pid ${n.pid} is gone: killed, or exited (a node the cluster downed exits)` : `pid ${n.pid}`;
    setText(r.answers, n.answers);
    setText(r.shards, n.shards ? sum(n.shards) : '-');
    r.shards.title = detail(n.shards);
    setText(r.entities, n.entities ? sum(n.entities) : '-');
    r.entities.title = detail(n.entities);
    for (const b of r.buttons) b.disabled = !faultInjection;
    const chips = (n.members || []).map(m => {
      const unreachable = (n.unreachable || []).includes(m.address);
      return el('span', {
        className: 'chip ' + String(m.status).toLowerCase() + (unreachable ? ' unreachable' : ''),
        title: m.address + ': ' + m.status + (unreachable ? ', unreachable' : ''),
        textContent: nodeOf(m.address) + ' ' + String(m.status).toLowerCase() + (unreachable ? ' (unreachable)' : ''),
      });
    });
    const key = n.members ? chips.map(c => c.textContent).join('|') : 'none:' + n.process + (n.error || '');
    if (r.view.dataset.key !== key) {
      r.view.dataset.key = key;
      if (n.members) { r.view.className = ''; r.view.replaceChildren(...chips); }
      else setText(r.view, n.process === 'running' ? 'no answer' + (n.error ? ' (' + n.error + ')' : '') : '-', 'sub');
    }
  }
}

function drawFaults(faults) {
  const log = document.getElementById('faultlog');
  if (!faults.length) return;
  log.replaceChildren(...faults.map(f => el('div', {
    title: f.output || '',
    textContent: `${new Date(f.at).toLocaleTimeString([], { hour12: false })}  ${f.command}  [${f.state}${f.exit !== undefined ? ', exit ' + f.exit : ''}]`
      + (f.output ? '  ' + f.output.split('\n').slice(-1)[0] : ''),
  })));
}

function draw(state) {
  faultInjection = state.faultInjection;
  const badge = document.getElementById('faultinjection');
  badge.textContent = faultInjection ? 'on' : 'off: fault buttons disabled';
  badge.className = 'badge ' + (faultInjection ? 'on' : 'off');
  document.getElementById('rundir').textContent = state.runDir;
  for (const b of document.querySelectorAll('button[data-fault]')) b.disabled = !faultInjection;
  drawNodes(state.nodes);
  points = state.series;
  shading = state.shading || [];
  drawShading();
  drawCharts();
  drawClients(state.clients);
  drawFaults(state.faults);
  const l = state.load;
  document.getElementById('load-state').textContent = l.phase === 'stopped' && !l.sent ? 'stopped'
    : `${l.phase} at ${l.rate} req/s: sent ${l.sent}, ok ${l.ok}, failed ${l.failed}, in flight ${l.inFlight}`;
  const updated = document.getElementById('updated');
  updated.textContent = new Date(state.time).toLocaleTimeString([], { hour12: false });
  updated.dataset.seq = state.seq;
}

async function refresh() {
  if (asking) return;
  asking = true;
  try {
    const r = await fetch('api/state', { cache: 'no-store' });
    const state = await r.json();
    if (state.seq !== lastSeq) {
      lastSeq = state.seq;
      dashboard.state = state;
      dashboard.seq = state.seq;
      draw(state);
      dashboard.updates++;
    }
  } catch (e) {
    document.getElementById('updated').textContent = 'the dashboard server does not answer';
  } finally {
    asking = false;
  }
}

async function post(method, url, body) {
  const r = await fetch(url, { method, headers: { 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
  const answer = await r.json();
  if (!r.ok) document.getElementById('faultlog').prepend(el('div', { textContent: `refused (${r.status}): ${answer.message}` }));
  refresh();
  return answer;
}

document.addEventListener('click', e => {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.dataset.fault) {
    const body = { verb: b.dataset.fault };
    if (b.dataset.node) body.node = Number(b.dataset.node);
    if (body.verb === 'slow') body.ms = Number(document.getElementById('slow-ms').value);
    post('POST', 'api/faults', body);
  } else if (b.id === 'load-start') {
    post('POST', 'api/load', { rate: Number(document.getElementById('load-rate').value) });
  } else if (b.id === 'load-stop') {
    post('DELETE', 'api/load');
  }
});

refresh();
setInterval(refresh, 500);
