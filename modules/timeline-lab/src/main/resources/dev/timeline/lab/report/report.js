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
  // A p99 resting on fewer samples than this is marked (HtmlReport.FEW_SAMPLES).
  const FEW = Number(document.body.dataset.fewSamples) || 20;
  let created = 0;

  // Shades each fault from injection to end behind the data; over it (so that the stacked areas of
  // the throughput chart cannot hide them) edges each fault, labels it with its verb and nodes, and
  // marks every failed window with a red strip along the x axis. One instance per chart, holding its data.
  const faultBands = (bands) => {
    const geometry = (chart) => {
      const x = chart.scales.x;
      const area = chart.chartArea;
      return { area, px: (s) => Math.min(area.right, Math.max(area.left, x.getPixelForValue(s))) };
    };
    return {
      id: 'faultBands',
      beforeDatasetsDraw(chart) {
        const { area, px } = geometry(chart);
        const ctx = chart.ctx;
        ctx.save();
        ctx.fillStyle = 'rgba(245, 158, 11, 0.18)';
        bands.faults.forEach((fault) => {
          const left = px(fault.from);
          ctx.fillRect(left, area.top, Math.max(2, px(fault.to) - left), area.bottom - area.top);
        });
        ctx.restore();
      },
      afterDatasetsDraw(chart) {
        const { area, px } = geometry(chart);
        const ctx = chart.ctx;
        ctx.save();
        ctx.font = '11px sans-serif';
        ctx.textBaseline = 'top';
        bands.faults.forEach((fault, i) => {
          const left = px(fault.from);
          ctx.strokeStyle = 'rgba(180, 83, 9, 0.7)';
          ctx.setLineDash([3, 3]);
          ctx.beginPath();
          [left, px(fault.to)].forEach((edge) => { ctx.moveTo(edge, area.top); ctx.lineTo(edge, area.bottom); });
          ctx.stroke();
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
    };
  };

  // A chart to be drawn: the charts of one kind share their y range once all are known. {@code extra}:
  // stacked (datasets without their own stack are stacked), mode (of the tooltip), label and footer
  // (tooltip callbacks).
  function chart(kind, view, title, yTitle, yType, datasets, extra = {}) {
    return { kind, canvas: view.canvas(kind), bands: view.bands, xMax: view.xMax, title, yTitle, yType, datasets, ...extra };
  }

  function highest(spec) {
    let max = -Infinity;
    spec.datasets.forEach((d) => d.data.forEach((p) => { if (finite(p.y) && p.y > max) max = p.y; }));
    return max;
  }

  function draw(spec, sharedMax, xMax) {
    const y = { type: spec.yType, title: { display: true, text: spec.yTitle }, stacked: Boolean(spec.stacked) };
    if (spec.yType === 'linear') y.beginAtZero = true;
    if (finite(sharedMax)) y.suggestedMax = sharedMax;
    const tooltip = { callbacks: {} };
    if (spec.label) tooltip.callbacks.label = spec.label;
    if (spec.footer) tooltip.callbacks.footer = spec.footer;
    new Chart(spec.canvas, {
      type: 'line',
      data: { datasets: spec.datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: spec.mode || 'nearest', axis: 'x', intersect: false },
        elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
        scales: {
          x: { type: 'linear', min: 0, max: xMax, title: { display: true, text: 'seconds since start' } },
          y,
        },
        plugins: {
          title: { display: true, text: spec.title },
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip,
        },
      },
      plugins: [faultBands(spec.bands)],
    });
    created++;
  }

  const sum = (w, field) => Object.values(w.ops).reduce((total, stats) => total + (stats ? stats[field] : 0), 0);
  const round1 = (value) => Math.round(value * 10) / 10;

  // Every operation due in a window has one outcome, so ok, info and fail stacked reach the offered
  // rate: the green area against the dashed line is achieved against offered. A window's value is
  // drawn at its middle; its tooltip breaks it down per operation type.
  function throughput(report, view) {
    const perSecond = (w, field) => round1(sum(w, field) / view.windowS);
    const outcome = (field, label, colour, fill) => ({
      label, borderColor: colour, backgroundColor: colour + '55', fill,
      data: report.windows.map((w, k) => ({ x: view.mid(w), y: perSecond(w, field), k })),
    });
    const datasets = [
      outcome('ok', 'ok / s (achieved)', '#16a34a', 'origin'),
      outcome('info', 'info / s (unknown)', '#d97706', '-1'),
      outcome('fail', 'fail / s', '#dc2626', '-1'),
      {
        label: 'offered / s', stack: 'offered', borderColor: '#111827', borderDash: [5, 4], borderWidth: 1.5, fill: false,
        data: report.windows.map((w, k) => ({ x: view.mid(w), y: round1((sum(w, 'ok') + sum(w, 'info') + sum(w, 'fail')) / view.windowS), k })),
      },
    ];
    const footer = (items) => {
      const w = items.length > 0 ? report.windows[items[0].raw.k] : null;
      if (!w) return [];
      return view.types.filter((type) => count(w.ops[type]) > 0)
        .map((type) => type + ': ' + w.ops[type].ok + ' ok, ' + w.ops[type].info + ' info, ' + w.ops[type].fail + ' fail');
    };
    return chart('throughput', view, 'Operations per second: offered, and their outcomes (stacked)', 'operations / s', 'linear', datasets,
      { stacked: true, mode: 'index', footer });
  }

  // Log scale: a stalled request is thousands of times slower than a served one. Each point carries
  // the samples it rests on (n); a p99 of fewer than FEW samples gets a hollow dot.
  function latency(report, view) {
    const datasets = [];
    view.types.forEach((type) => {
      [['p99', 'p99Ms', []], ['p50', 'p50Ms', [4, 3]]].forEach(([name, field, dash]) => datasets.push({
        label: type + ' ' + name,
        borderColor: color(type),
        backgroundColor: color(type),
        borderDash: dash,
        pointRadius: (ctx) => (name === 'p99' && ctx.raw && ctx.raw.n < FEW ? 2.5 : 0),
        pointBackgroundColor: '#fff',
        data: report.windows.map((w) => {
          const stats = w.ops[type];
          const n = count(stats);
          return { x: view.mid(w), y: n > 0 && stats[field] > 0 ? stats[field] : null, n };
        }),
      }));
    });
    const label = (item) => item.dataset.label + ': ' + item.formattedValue + ' ms · n = ' + item.raw.n
      + (item.raw.n < FEW ? ' (few: a p99 of so few is about their maximum)' : '');
    return chart('latency', view, 'Latency per window (p99 solid, p50 dashed; hollow dot: p99 of fewer than ' + FEW + ' samples)',
      'ms (log scale)', 'logarithmic', datasets, { mode: 'index', label });
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
      // As for latency: a hollow dot where the p99 rests on few samples (which also shows a lone window).
      pointRadius: (ctx) => (ctx.raw && ctx.raw.n != null && ctx.raw.n < FEW ? 2.5 : 0),
      pointBackgroundColor: '#fff',
      data: report.windows.map((w) => ({ x: view.mid(w), y: finite(w.lagP99Ms) ? w.lagP99Ms : null, n: w.lagSamples })),
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
    const label = (item) => item.dataset.label + ': ' + item.formattedValue + (item.raw.n != null ? ' ms · n = ' + item.raw.n : '');
    return chart('lag', view, 'Fan-out lag p99 per window (by acknowledgement; hollow dot: fewer than ' + FEW + ' samples)', 'ms', 'linear',
      datasets, { label });
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
