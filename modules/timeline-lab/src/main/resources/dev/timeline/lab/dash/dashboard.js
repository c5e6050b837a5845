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
const nodeOf = address => { const m = /:(\d+)$/.exec(address || ''); return m ? 'node ' + (Number(m[1]) - 2550) : address; };
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
const dashboard = window.dashboard = { seq: 0, updates: 0, state: null };

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
};
dashboard.charts = charts;

function setSeries(c, labels, series) {
  c.data.labels = labels;
  c.data.datasets = series.map(s => {
    const old = c.data.datasets.find(d => d.label === s.label);
    const d = old || { label: s.label, borderColor: s.color, backgroundColor: s.color, borderDash: s.dash || [], fill: false };
    d.data = s.data;
    return d;
  });
  c.update('none');
}

function drawCharts(points) {
  const labels = points.map(p => new Date(p.t).toLocaleTimeString([], { hour12: false }));
  const ops = [...new Set(points.flatMap(p => Object.keys(p.ops)))].sort();
  const series = (field, suffix, dash) => ops.map(op => ({
    label: opName(op) + (suffix || ''), color: colorOf(op), dash,
    data: points.map(p => p.ops[op] ? p.ops[op][field] : null),
  }));
  setSeries(charts.rps, labels, series('rps'));
  setSeries(charts.latency, labels, [...series('p99', ' p99'), ...series('p50', ' p50', [4, 3])]);
  setSeries(charts.errors, labels, [...series('errors', ' 5xx'),
    { label: 'load: failed', color: '#000', dash: [2, 2], data: points.map(p => p.loadFailed) }]);
}

function drawNodes(nodes) {
  const body = document.querySelector('#nodes tbody');
  body.replaceChildren(...nodes.map(n => {
    const i = n.index;
    const members = (n.members || []).map(m => {
      const unreachable = (n.unreachable || []).includes(m.address);
      return el('span', {
        className: 'chip ' + String(m.status).toLowerCase() + (unreachable ? ' unreachable' : ''),
        title: m.address + ': ' + m.status + (unreachable ? ', unreachable' : ''),
        textContent: nodeOf(m.address) + ' ' + String(m.status).toLowerCase() + (unreachable ? ' (unreachable)' : ''),
      });
    });
    const view = n.members ? el('td', { id: `node-${i}-view` }, ...members)
      : el('td', { id: `node-${i}-view`, className: 'sub', textContent: n.process === 'running' ? 'no answer' + (n.error ? ' (' + n.error + ')' : '') : '-' });
    const buttons = NODE_VERBS.map(v => {
      const b = el('button', { id: `${v}-${i}`, textContent: v, disabled: !faultInjection, title: `scripts/cluster ${v} ${i}` + (v === 'slow' ? ' MS' : '') });
      b.dataset.fault = v;
      b.dataset.node = i;
      return b;
    });
    const detail = map => Object.entries(map || {}).map(([k, v]) => k + ' ' + v).join(', ');
    return el('tr', { id: `node-${i}` },
      el('td', { textContent: 'node ' + i }),
      el('td', { textContent: n.pid }),
      el('td', { id: `node-${i}-process`, className: n.process, textContent: n.process }),
      el('td', { id: `node-${i}-answers`, textContent: n.answers }),
      el('td', { id: `node-${i}-shards`, title: detail(n.shards), textContent: n.shards ? sum(n.shards) : '-' }),
      el('td', { id: `node-${i}-entities`, title: detail(n.entities), textContent: n.entities ? sum(n.entities) : '-' }),
      view,
      el('td', {}, ...buttons));
  }));
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
  drawCharts(state.series);
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
