// The run dashboard: loss and evaluation curves for one or more runs (live while training),
// smoothing, log-y, step/epoch axis, legend, PNG/CSV export, best metrics and spec differences.

import { DashboardState, DashboardToHost, HostToDashboard, RunDescriptor, SpecDiffRow, XAxis, parsePanelState } from '../protocol';
import { safeFileName } from '../shared/csv';
import { TableColumn, button, checkbox, select, setChoices, setTableRows, table } from '../shared/controls';
import { CurveChart } from '../shared/curveChart';
import { el, mount, onThemeChange } from '../shared/dom';
import { categoricalColours, readChartTheme, withAlpha } from '../shared/palette';
import { formatValue } from '../shared/ticks';
import { connect } from '../shared/vscodeApi';
import { EvalMetricKey, RunCurves, availableEvalMetrics, bestMetrics, labelEfficiencyCurve, metricTitle, metricsCsv } from './model';

const channel = connect<DashboardToHost, DashboardState>();
const saved = parsePanelState('dashboard', channel.savedState());
const view = {
  smoothing: saved.ok ? saved.value.smoothing : 0.6,
  logY: saved.ok ? saved.value.logY : false,
  xAxis: (saved.ok ? saved.value.xAxis : 'step') as XAxis,
  hidden: new Set(saved.ok ? saved.value.hidden : []),
  evalMetric: saved.ok ? saved.value.evalMetric : 'knnAccuracy',
};
const runs = new Map<string, RunCurves>();
let order: string[] = saved.ok ? [...saved.value.runIds] : [];
let specDiff: readonly SpecDiffRow[] = [];
let theme = readChartTheme();

function saveState(): void {
  channel.save({ panel: 'dashboard', runIds: order, smoothing: view.smoothing, logY: view.logY, xAxis: view.xAxis, hidden: [...view.hidden], evalMetric: view.evalMetric });
}

// ---- Controls -------------------------------------------------------------------------------

const smoothingInput = el('input', { attrs: { type: 'range', min: '0', max: '0.99', step: '0.01', 'aria-label': 'Smoothing' } });
smoothingInput.value = String(view.smoothing);
const smoothingValue = el('span', { className: 'value', text: view.smoothing.toFixed(2) });
smoothingInput.addEventListener('input', () => {
  view.smoothing = Number(smoothingInput.value);
  smoothingValue.textContent = view.smoothing.toFixed(2);
  for (const chart of charts) chart.setOptions({ smoothing: view.smoothing });
  saveState();
});

const logCheckbox = checkbox('Log scale', view.logY, (checked) => {
  view.logY = checked;
  for (const chart of charts) chart.setOptions({ logY: view.logY });
  saveState();
});

const axisDropdown = select([{ value: 'step', label: 'Step' }, { value: 'epoch', label: 'Epoch' }], view.xAxis, 'X axis', (value) => {
  view.xAxis = value === 'epoch' ? 'epoch' : 'step';
  for (const chart of charts) chart.resetZoom();
  render();
  saveState();
});

const pngButton = button('Export PNG', exportPng, { secondary: true });
const csvButton = button('Export CSV', () => {
  channel.post({ type: 'exportCsv', csv: metricsCsv(orderedRuns()), fileName: safeFileName(`${exportBaseName()} metrics`, '.csv') });
}, { secondary: true });

const metricDropdown = select([], view.evalMetric, 'Evaluation metric', (value) => {
  view.evalMetric = value;
  render();
  saveState();
});

const legend = el('div', { className: 'legend', attrs: { role: 'list', 'aria-label': 'Runs' } });
const lossChart = new CurveChart({ title: 'Training loss', xLabel: view.xAxis, logY: view.logY, smoothing: view.smoothing, markers: false, emptyText: 'Waiting for the first training step…' }, theme);
const evalChart = new CurveChart({ title: 'Evaluation', xLabel: view.xAxis, logY: view.logY, smoothing: 0, markers: true, emptyText: 'No evaluation yet: it runs at epoch boundaries (eval.every).' }, theme);
// x: the fraction of the training labels on a log axis (1 %, 10 %, 100 %); solid: the linear probe, faint: kNN.
const labelsChart = new CurveChart({ title: 'Label efficiency: linear probe (solid) and kNN (faint) vs the fraction of labels', xLabel: 'fraction of labels', logY: false, logX: true, smoothing: 0, markers: true, emptyText: '' }, theme);
// Smoothing, log-y and the step/epoch axis apply to the curves over training, not to the label-efficiency chart.
const charts = [lossChart, evalChart];
const bestGrid = table('Best metrics');
const diffGrid = table('Spec differences');
const diffNote = el('p', { className: 'muted' });
const inspect = el('div', { className: 'inspect', attrs: { role: 'list', 'aria-label': 'Inspect embeddings' } });
const emptyNote = el('p', { className: 'empty', text: 'No runs to show yet. Start a run, or pick runs with "Contrastive Lab: Compare Runs".' });

mount(
  el('header', { className: 'toolbar' }, [
    el('label', { className: 'control' }, ['Smoothing ', smoothingInput, smoothingValue]),
    logCheckbox,
    el('label', { className: 'control' }, ['X axis ', axisDropdown]),
    el('span', { className: 'spacer' }),
    pngButton,
    csvButton,
  ]),
  emptyNote,
  legend,
  el('section', { className: 'charts' }, [
    lossChart.element,
    el('div', { className: 'chart-controls' }, [el('label', { className: 'control' }, ['Evaluation metric ', metricDropdown])]),
    evalChart.element,
    labelsChart.element,
  ]),
  el('section', { className: 'summary' }, [
    el('h2', { text: 'Best metrics' }),
    bestGrid,
    el('h2', { text: 'Spec differences' }),
    diffNote,
    diffGrid,
    el('h2', { text: 'Embeddings' }),
    inspect,
  ]),
);

// ---- Rendering ------------------------------------------------------------------------------

function orderedRuns(): RunCurves[] {
  return order.map((id) => runs.get(id)).filter((r): r is RunCurves => r !== undefined);
}

function exportBaseName(): string {
  const shown = orderedRuns();
  return shown.length === 1 ? shown[0].descriptor.name : `${shown.length} runs`;
}

function runColours(): Map<string, string> {
  const colours = categoricalColours(order.length, theme.dark);
  return new Map(order.map((id, i) => [id, colours[i]]));
}

const STATUS_TEXT: Readonly<Record<RunDescriptor['status'], string>> = {
  queued: 'queued',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  stopped: 'stopped',
};

function renderLegend(colours: Map<string, string>): void {
  legend.replaceChildren(
    ...orderedRuns().map((run) => {
      const id = run.descriptor.id;
      const hidden = view.hidden.has(id);
      const item = el('button', { className: `legend-item${hidden ? ' off' : ''}`, title: hidden ? 'Click to show' : 'Click to hide', attrs: { role: 'listitem', 'aria-pressed': String(!hidden) } }, [
        el('span', { className: 'swatch' }),
        el('span', { className: 'name', text: run.descriptor.name }),
        el('span', { className: `status status-${run.descriptor.status}`, text: STATUS_TEXT[run.descriptor.status] }),
      ]);
      (item.firstElementChild as HTMLElement).style.background = colours.get(id) ?? theme.foreground;
      item.addEventListener('click', () => {
        if (view.hidden.has(id)) view.hidden.delete(id);
        else view.hidden.add(id);
        render();
        saveState();
      });
      return item;
    }),
  );
}

let metricChoices = '';

function renderInspect(): void {
  inspect.replaceChildren(
    ...orderedRuns().map((run) => {
      const id = run.descriptor.id;
      const neighbours = button('Nearest neighbours', () => channel.post({ type: 'openGallery', runId: id }), { secondary: true });
      const map = button('Embedding map', () => channel.post({ type: 'openMap', runId: id }), { secondary: true });
      return el('div', { className: 'inspect-row', attrs: { role: 'listitem' } }, [el('span', { className: 'name', text: run.descriptor.name }), neighbours, map]);
    }),
  );
}

function renderCharts(colours: Map<string, string>): void {
  const shown = orderedRuns().filter((r) => !view.hidden.has(r.descriptor.id));
  const metrics = availableEvalMetrics(orderedRuns());
  const metric: EvalMetricKey | undefined = metrics.find((m) => m === view.evalMetric) ?? metrics[0];
  // Rebuild the options only when they change, so live appends do not close an open dropdown.
  const signature = `${metrics.join(',')}|${metric ?? ''}`;
  if (signature !== metricChoices) {
    metricChoices = signature;
    setChoices(metricDropdown, metrics.map((m) => ({ value: m, label: metricTitle(m) })), metric ?? '');
    metricDropdown.disabled = metrics.length === 0;
  }
  lossChart.setOptions({ xLabel: view.xAxis, logY: view.logY, smoothing: view.smoothing });
  lossChart.setLines(shown.map((r) => ({ label: r.descriptor.name, colour: colours.get(r.descriptor.id) ?? theme.foreground, series: r.loss(view.xAxis) })));
  evalChart.setOptions({ xLabel: view.xAxis, logY: view.logY, title: metric === undefined ? 'Evaluation' : metricTitle(metric) });
  evalChart.setLines(
    metric === undefined
      ? []
      : shown.flatMap((r) => {
          const series = r.evalSeries(view.xAxis, metric);
          return series === undefined ? [] : [{ label: r.descriptor.name, colour: colours.get(r.descriptor.id) ?? theme.foreground, series }];
        }),
  );
  renderLabelEfficiency(shown, colours);
}

/** The label-efficiency chart: shown when some run's last evaluation drew the curve (eval.labelEfficiency). */
function renderLabelEfficiency(shown: readonly RunCurves[], colours: Map<string, string>): void {
  const lines = shown.flatMap((r) => {
    const curve = labelEfficiencyCurve(r);
    const colour = colours.get(r.descriptor.id) ?? theme.foreground;
    return curve === undefined ? [] : [
      { label: `${r.descriptor.name} · linear probe`, colour, series: curve.linearProbe },
      { label: `${r.descriptor.name} · kNN`, colour: withAlpha(colour, 0.45), series: curve.knn },
    ];
  });
  labelsChart.element.hidden = lines.length === 0;
  labelsChart.setLines(lines);
}

function renderSummary(): void {
  const shown = orderedRuns();
  const runColumns: TableColumn[] = shown.map((r, i) => ({ key: `run${i}`, title: r.descriptor.name }));
  const best = bestMetrics(shown);
  setTableRows(
    bestGrid,
    [{ key: 'metric', title: 'Metric' }, ...runColumns],
    best.map((row) => {
      const lowerWins = row.label === 'Lowest loss';
      const comparable = row.label !== 'Last collapse std' && row.values.size > 1;
      const winner = comparable ? pickWinner(row.values, lowerWins) : undefined;
      const cells: Record<string, string> = { metric: row.label };
      shown.forEach((r, i) => {
        const v = row.values.get(r.descriptor.id);
        cells[`run${i}`] = v === undefined ? '—' : `${r.descriptor.id === winner ? '★ ' : ''}${formatValue(v.value)} (${v.where})`;
      });
      return cells;
    }),
  );
  if (shown.length < 2) diffNote.textContent = 'Compare two or more runs to see how their specs differ.';
  else if (specDiff.length === 0) diffNote.textContent = 'The compared runs were trained from identical resolved specs.';
  else diffNote.textContent = `${specDiff.length} field${specDiff.length === 1 ? '' : 's'} differ.`;
  diffGrid.hidden = shown.length < 2 || specDiff.length === 0;
  setTableRows(
    diffGrid,
    [{ key: 'field', title: 'Field' }, ...runColumns],
    specDiff.map((row) => {
      const cells: Record<string, string> = { field: row.path };
      shown.forEach((r, i) => (cells[`run${i}`] = row.values[r.descriptor.id] ?? '(not set)'));
      return cells;
    }),
  );
}

function pickWinner(values: ReadonlyMap<string, { value: number }>, lowerWins: boolean): string | undefined {
  let winner: string | undefined;
  let best = lowerWins ? Infinity : -Infinity;
  for (const [id, v] of values) {
    if (lowerWins ? v.value < best : v.value > best) {
      best = v.value;
      winner = id;
    }
  }
  return winner;
}

function render(): void {
  const colours = runColours();
  emptyNote.hidden = order.length > 0;
  renderLegend(colours);
  renderCharts(colours);
  renderSummary();
  renderInspect();
}

// Metric appends arrive often while training: charts redraw once per frame, and the summary
// tables (which rebuild data grids) at most once a second.
let chartsQueued = false;
function renderChartsSoon(): void {
  if (chartsQueued) return;
  chartsQueued = true;
  requestAnimationFrame(() => {
    chartsQueued = false;
    renderCharts(runColours());
  });
}

const SUMMARY_INTERVAL_MS = 1000;
let summaryTimer: ReturnType<typeof setTimeout> | undefined;
let summaryAt = 0;
function renderSummarySoon(): void {
  if (summaryTimer !== undefined) return;
  const wait = Math.max(0, summaryAt + SUMMARY_INTERVAL_MS - Date.now());
  summaryTimer = setTimeout(() => {
    summaryTimer = undefined;
    summaryAt = Date.now();
    renderSummary();
  }, wait);
}

function exportPng(): void {
  const loss = lossChart.snapshot();
  const evaluation = evalChart.snapshot();
  const ratio = window.devicePixelRatio || 1;
  const colours = runColours();
  const legendHeight = Math.round(24 * ratio);
  const out = document.createElement('canvas');
  out.width = Math.max(loss.width, evaluation.width);
  out.height = legendHeight + loss.height + evaluation.height;
  const ctx = out.getContext('2d');
  if (ctx === null) return;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.scale(ratio, ratio);
  ctx.font = theme.font;
  ctx.textBaseline = 'middle';
  let x = 12;
  for (const run of orderedRuns().filter((r) => !view.hidden.has(r.descriptor.id))) {
    ctx.fillStyle = colours.get(run.descriptor.id) ?? theme.foreground;
    ctx.fillRect(x, 8, 10, 10);
    ctx.fillStyle = theme.foreground;
    ctx.fillText(run.descriptor.name, x + 14, 13);
    x += 14 + ctx.measureText(run.descriptor.name).width + 16;
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(loss, 0, legendHeight);
  ctx.drawImage(evaluation, 0, legendHeight + loss.height);
  channel.post({ type: 'exportPng', dataUrl: out.toDataURL('image/png'), fileName: safeFileName(`${exportBaseName()} curves`, '.png') });
}

// ---- Messages from the host -----------------------------------------------------------------

channel.onMessage<HostToDashboard>((message) => {
  switch (message.type) {
    case 'runs': {
      order = message.runs.map((r) => r.id);
      for (const descriptor of message.runs) {
        const run = runs.get(descriptor.id);
        if (run === undefined) runs.set(descriptor.id, new RunCurves(descriptor));
        else run.descriptor = descriptor;
      }
      for (const id of [...runs.keys()]) if (!order.includes(id)) runs.delete(id);
      saveState();
      render();
      break;
    }
    case 'metrics': {
      const run = runs.get(message.runId);
      if (run === undefined) break;
      if (message.reset) run.reset();
      run.append(message.train, message.eval);
      renderChartsSoon();
      renderSummarySoon();
      break;
    }
    case 'specDiff':
      specDiff = message.rows;
      renderSummary();
      break;
  }
});

onThemeChange(() => {
  theme = readChartTheme();
  for (const chart of [...charts, labelsChart]) chart.setTheme(theme);
  render();
});

render();
channel.post({ type: 'ready' });
