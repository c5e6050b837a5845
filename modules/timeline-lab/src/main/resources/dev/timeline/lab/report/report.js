// Draws every report's charts from the JSON block #report-data. The page's contract with its
// browser test: body[data-charts] is the number of charts created, and every error is appended
// to body[data-errors] (by labError, defined before Chart.js is loaded).
(() => {
  'use strict';
  const COLORS = { post: '#1f6fb4', home: '#2a9d4b', user: '#8e5cc4' };
  const color = (type) => COLORS[type] || '#4b5563';
  const seconds = (ms) => ms / 1000;
  const finite = (value) => typeof value === 'number' && isFinite(value);
  const count = (stats) => (stats ? stats.ok + stats.fail + stats.info : 0);
  let created = 0;

  // Shades each fault from injection to end, labelled with its verb and nodes, and marks every
  // failed window with a red strip along the x axis. One instance per chart, holding its data.
  const faultBands = (bands) => ({
    id: 'faultBands',
    beforeDatasetsDraw(chart) {
      const x = chart.scales.x;
      const area = chart.chartArea;
      const ctx = chart.ctx;
      const px = (s) => Math.min(area.right, Math.max(area.left, x.getPixelForValue(s)));
      ctx.save();
      ctx.font = '11px sans-serif';
      ctx.textBaseline = 'top';
      bands.faults.forEach((fault, i) => {
        const left = px(fault.from);
        ctx.fillStyle = 'rgba(245, 158, 11, 0.18)';
        ctx.fillRect(left, area.top, Math.max(2, px(fault.to) - left), area.bottom - area.top);
        ctx.fillStyle = '#92400e';
        ctx.fillText(fault.label, left + 3, area.top + 2 + (i % 3) * 13);
      });
      ctx.fillStyle = 'rgba(220, 38, 38, 0.85)';
      bands.failed.forEach((w) => {
        const left = px(w.from);
        ctx.fillRect(left, area.bottom - 6, Math.max(1, px(w.to) - left), 6);
      });
      ctx.restore();
    },
  });

  // A chart to be drawn: the charts of one kind share their y range once all are known.
  function chart(kind, view, title, yTitle, yType, datasets) {
    return { kind, canvas: view.canvas(kind), bands: view.bands, xMax: view.xMax, title, yTitle, yType, datasets };
  }

  function highest(spec) {
    let max = -Infinity;
    spec.datasets.forEach((d) => d.data.forEach((p) => { if (finite(p.y) && p.y > max) max = p.y; }));
    return max;
  }

  function draw(spec, sharedMax, xMax) {
    const y = { type: spec.yType, title: { display: true, text: spec.yTitle } };
    if (spec.yType === 'linear') y.beginAtZero = true;
    if (finite(sharedMax)) y.suggestedMax = sharedMax;
    new Chart(spec.canvas, {
      type: 'line',
      data: { datasets: spec.datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
        scales: {
          x: { type: 'linear', min: 0, max: xMax, title: { display: true, text: 'seconds since start' } },
          y,
        },
        plugins: {
          title: { display: true, text: spec.title },
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
        },
      },
      plugins: [faultBands(spec.bands)],
    });
    created++;
  }

  // A window's value is drawn at its middle.
  function throughput(report, view) {
    const datasets = view.types.map((type) => ({
      label: type,
      borderColor: color(type),
      backgroundColor: color(type),
      data: report.windows.map((w) => ({ x: view.mid(w), y: (w.ops[type] ? w.ops[type].ok : 0) / view.windowS })),
    }));
    return chart('throughput', view, 'Successful operations per second', 'ok / s', 'linear', datasets);
  }

  // Log scale: a stalled request is thousands of times slower than a served one.
  function latency(report, view) {
    const datasets = [];
    view.types.forEach((type) => {
      [['p99', 'p99Ms', []], ['p50', 'p50Ms', [4, 3]]].forEach(([name, field, dash]) => datasets.push({
        label: type + ' ' + name,
        borderColor: color(type),
        backgroundColor: color(type),
        borderDash: dash,
        data: report.windows.map((w) => {
          const stats = w.ops[type];
          return { x: view.mid(w), y: count(stats) > 0 && stats[field] > 0 ? stats[field] : null };
        }),
      }));
    });
    return chart('latency', view, 'Latency per window (p99 solid, p50 dashed)', 'ms (log scale)', 'logarithmic', datasets);
  }

  // A window whose p99 was never seen (JSON "Infinity") gets a red triangle at the top.
  function lag(report, view) {
    const bound = report.slo.maxFanOutLagMs;
    const seen = report.windows.map((w) => w.lagP99Ms).filter(finite);
    const top = Math.max(bound || 0, 1, ...seen) * 1.1;
    const datasets = [{
      label: 'fan-out lag p99',
      borderColor: '#0f766e',
      backgroundColor: '#0f766e',
      data: report.windows.map((w) => ({ x: view.mid(w), y: finite(w.lagP99Ms) ? w.lagP99Ms : null })),
    }];
    const never = report.windows.filter((w) => w.lagP99Ms != null && !finite(w.lagP99Ms));
    if (never.length > 0) {
      datasets.push({
        label: 'p99 never visible',
        showLine: false,
        pointStyle: 'triangle',
        pointRadius: 6,
        borderColor: '#dc2626',
        backgroundColor: '#dc2626',
        data: never.map((w) => ({ x: view.mid(w), y: top })),
      });
    }
    if (bound != null) {
      datasets.push({
        label: 'bound',
        borderColor: '#6b7280',
        borderDash: [6, 4],
        borderWidth: 1,
        data: [{ x: 0, y: bound }, { x: view.xMax, y: bound }],
      });
    }
    return chart('lag', view, 'Fan-out lag p99 per window (by acknowledgement)', 'ms', 'linear', datasets);
  }

  // The chart specs of one report; an error in one is recorded and does not hide the others.
  function specs(report, index) {
    const section = document.querySelector('section[data-report="' + index + '"]');
    const windowS = seconds(report.slo.windowMs);
    const windows = report.windows;
    const end = windows.length > 0 ? seconds(windows[windows.length - 1].startMs) + windowS : 0;
    const view = {
      types: Object.keys(report.totals),
      windowS,
      xMax: Math.max(seconds(report.durationMs), end),
      mid: (w) => seconds(w.startMs) + windowS / 2,
      canvas: (kind) => section.querySelector('canvas[data-chart="' + kind + '"]'),
      bands: {
        faults: report.faults.map((f) => ({
          from: seconds(f.injectedMs),
          to: seconds(f.endedMs != null ? f.endedMs : report.durationMs),
          label: f.verb + (f.nodes.length > 0 ? ' ' + f.nodes.join(',') : ''),
        })),
        failed: windows.filter((w) => w.failed).map((w) => ({ from: seconds(w.startMs), to: seconds(w.startMs) + windowS })),
      },
    };
    const made = [];
    [throughput, latency, lag].forEach((make) => attempt(make.name, () => made.push(make(report, view))));
    return made;
  }

  function attempt(what, action) {
    try {
      action();
    } catch (e) {
      labError(what + ': ' + (e && e.message ? e.message : e));
    }
  }

  try {
    const all = [];
    JSON.parse(document.getElementById('report-data').textContent).forEach((report, i) => all.push(...specs(report, i)));
    // Side by side, the same place on two charts of a kind must mean the same time and value.
    const sharedMax = {};
    all.forEach((spec) => { sharedMax[spec.kind] = Math.max(sharedMax[spec.kind] ?? -Infinity, highest(spec)); });
    const xMax = Math.max(...all.map((spec) => spec.xMax));
    all.forEach((spec) => attempt(spec.kind, () => draw(spec, sharedMax[spec.kind], xMax)));
  } catch (e) {
    labError(e && e.message ? e.message : String(e));
  } finally {
    document.body.dataset.charts = String(created);
  }
})();
