// Draws sweep.html's charts from the JSON block #sweep-data: every chart has the swept parameter
// on x and one line per series value. Same contract with the browser test as report.js:
// body[data-charts] counts the charts created, errors go to body[data-errors] via labError.
(() => {
  'use strict';
  const PALETTE = ['#1f6fb4', '#2a9d4b', '#c2410c', '#8e5cc4', '#0f766e', '#b91c1c', '#4b5563', '#a16207'];
  const finite = (v) => typeof v === 'number' && isFinite(v);
  let created = 0;

  const data = JSON.parse(document.getElementById('sweep-data').textContent);
  const measured = data.points.filter((p) => p.error == null);
  const seriesNames = [...new Set(data.points.map((p) => String(p.series)))];
  const colorOf = (s) => PALETTE[seriesNames.indexOf(String(s)) % PALETTE.length];
  // "nodes 3", "strategy pull": the last part of the series key, then the value.
  const seriesLabel = (s) => (data.seriesKey == null ? '' : data.seriesKey.split('.').pop() + ' ' + s + ' ');
  // Numeric x values go on a linear axis at their value; others are categories, in file order.
  const xOf = (p) => (data.xNumeric ? p.xValue : p.x);

  // One dataset per series (and per variant, e.g. p50 and p99), its points in x order; a
  // saturated point is drawn as a red cross.
  function lines(value, variants) {
    const datasets = [];
    seriesNames.forEach((s) => {
      const points = measured.filter((p) => String(p.series) === s)
        .sort((a, b) => data.xLabels.indexOf(a.x) - data.xLabels.indexOf(b.x));
      variants.forEach(([name, dash, pick]) => datasets.push({
        label: (seriesLabel(s) + name).trim() || 'all points',
        borderColor: colorOf(s),
        backgroundColor: colorOf(s),
        borderDash: dash,
        pointStyle: points.map((p) => (p.saturated ? 'crossRot' : 'circle')),
        pointRadius: points.map((p) => (p.saturated ? 7 : 3)),
        pointBorderColor: points.map((p) => (p.saturated ? '#dc2626' : colorOf(s))),
        data: points.map((p) => ({ x: xOf(p), y: pick(p) })).map((pt) => (finite(pt.y) ? pt : { x: pt.x, y: null })),
      }));
    });
    return datasets;
  }

  function draw(kind, title, yTitle, yType, datasets) {
    const canvas = document.querySelector('canvas[data-chart="' + kind + '"]');
    const y = { type: yType, title: { display: true, text: yTitle } };
    if (yType === 'linear') y.beginAtZero = true;
    const x = data.xNumeric
      ? { type: 'linear', title: { display: true, text: data.xKey } }
      : { type: 'category', labels: data.xLabels, title: { display: true, text: data.xKey } };
    new Chart(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        spanGaps: true,
        scales: { x, y },
        plugins: { title: { display: true, text: title }, legend: { position: 'bottom', labels: { boxWidth: 24, boxHeight: 2 } } },
      },
    });
    created++;
  }

  function attempt(what, action) {
    try {
      action();
    } catch (e) {
      labError(what + ': ' + (e && e.message ? e.message : e));
    }
  }

  const op = (type, field) => (p) => (p.ops[type] && p.ops[type].count > 0 ? p.ops[type][field] : null);
  try {
    ['post', 'home', 'user'].forEach((type) => attempt('latency ' + type, () => {
      const datasets = lines('', [['p99', [], op(type, 'p99Ms')], ['p50', [4, 3], op(type, 'p50Ms')]]);
      if (data.slo[type] != null && measured.length > 0) {
        const xs = measured.map(xOf);
        datasets.push({
          label: 'SLO p99', borderColor: '#6b7280', borderDash: [6, 4], borderWidth: 1, pointRadius: 0,
          data: data.xNumeric ? [{ x: Math.min(...xs), y: data.slo[type] }, { x: Math.max(...xs), y: data.slo[type] }]
            : data.xLabels.map((l) => ({ x: l, y: data.slo[type] })),
        });
      }
      draw('latency-' + type, type + ' latency (p99 solid, p50 dashed)', 'ms (log scale)', 'logarithmic', datasets);
    }));
    attempt('throughput', () => {
      const datasets = lines('', [['achieved ok/s', [], (p) => p.achievedRate], ['offered', [2, 3], (p) => p.offeredRate]]);
      draw('throughput', 'Achieved (solid) vs offered (dotted) throughput', 'operations / s', 'linear', datasets);
    });
    attempt('writes', () => draw('writes', 'Home-timeline writes per post', 'writes / post', 'linear',
      lines('', [['', [], (p) => p.writesPerPost]])));
    attempt('entities', () => draw('entities', 'Entities asked per home-timeline read', 'entities / read', 'linear',
      lines('', [['', [], (p) => p.entitiesPerRead]])));
    attempt('lag', () => draw('lag', 'Fan-out lag (p99 solid, p50 dashed)', 'ms', 'linear',
      lines('', [['p99', [], (p) => p.lagP99Ms], ['p50', [4, 3], (p) => p.lagP50Ms]])));
  } catch (e) {
    labError(e && e.message ? e.message : String(e));
  } finally {
    document.body.dataset.charts = String(created);
  }
})();
