// The embedding map: a 2-D projection (PCA or UMAP) of a run's embeddings on a canvas, coloured by
// label with a legend that hides labels, a thumbnail tooltip on hover, and click to open the
// point in the neighbour gallery. Scroll zooms, drag pans.

import { HostToMap, MapState, MapToHost, PROJECTION_METHODS, ProjectionMethod, SampleSet, parsePanelState } from '../protocol';
import { safeFileName } from '../shared/csv';
import { button, select, setChoices } from '../shared/controls';
import { el, mount, onThemeChange } from '../shared/dom';
import { indexLabels, LabelIndex } from '../shared/labels';
import { categoricalColours, readChartTheme } from '../shared/palette';
import { ScatterPlot } from '../shared/scatterPlot';
import { paintThumbnail } from '../shared/sprite';
import { connect } from '../shared/vscodeApi';

const channel = connect<MapToHost, MapState>();
const saved = parsePanelState('map', channel.savedState());
const METHOD_NAMES: Readonly<Record<ProjectionMethod, string>> = { pca: 'PCA', umap: 'UMAP' };
const HINT = 'Hover a point to see it; click to open it in the gallery. Scroll or +/- to zoom, drag or arrow keys to pan, 0 to reset.';

let samples: SampleSet | null = null;
let labels: LabelIndex | null = null;
let colours: string[] = [];
let methods: readonly ProjectionMethod[] = [];
let method: ProjectionMethod = saved.ok ? saved.value.method : 'pca';
let hiddenLabels = new Set(saved.ok ? saved.value.hiddenLabels : []);
const projections = new Map<ProjectionMethod, readonly number[]>();
const requested = new Set<ProjectionMethod>();
let theme = readChartTheme();

function saveState(): void {
  if (samples !== null) channel.save({ panel: 'map', runId: samples.runId, method, hiddenLabels: [...hiddenLabels] });
}

// ---- Controls -------------------------------------------------------------------------------

document.body.classList.add('map-page');
const title = el('span', { className: 'title', text: 'Embedding map' });
const methodDropdown = select(PROJECTION_METHODS.map((m) => ({ value: m, label: METHOD_NAMES[m] })), method, 'Projection', (value) => {
  const next = PROJECTION_METHODS.find((m) => m === value);
  if (next === undefined || !methods.includes(next)) return;
  method = next;
  saveState();
  plot.resetView();
  showProjection();
});
const resetButton = button('Reset view', () => plot.resetView(), { secondary: true });
const pngButton = button('Export PNG', exportPng, { secondary: true });
const status = el('span', { className: 'status-line', text: 'Waiting for the run’s embeddings…', attrs: { role: 'status' } });
const legend = el('div', { className: 'legend map-legend', attrs: { role: 'list', 'aria-label': 'Labels' } });
const tooltip = el('div', { className: 'map-tooltip' });
tooltip.hidden = true;

const plot = new ScatterPlot(theme, {
  onHover: (index, clientX, clientY) => showTooltip(index, clientX, clientY),
  onClick: (index) => {
    plot.setSelected(index);
    channel.post({ type: 'openGallery', index });
  },
});
plot.element.append(tooltip);

mount(
  el('header', { className: 'toolbar' }, [title, el('label', { className: 'control' }, ['Projection ', methodDropdown]), status, el('span', { className: 'spacer' }), resetButton, pngButton]),
  el('div', { className: 'map-layout' }, [plot.element, legend]),
);


// ---- Rendering ------------------------------------------------------------------------------

function showTooltip(index: number, clientX: number, clientY: number): void {
  if (index < 0 || samples === null) {
    tooltip.hidden = true;
    return;
  }
  const label = samples.labels[index] ?? '';
  const text = el('div', {}, [el('div', { className: 'label', text: `#${index} · ${label === '' ? '(no label)' : label}` }), el('div', { className: 'muted', text: samples.ids[index] ?? '' })]);
  const children: Node[] = [];
  if (samples.sprite) {
    const thumb = el('span');
    if (paintThumbnail(thumb, samples.sprite, index, 56)) children.push(thumb);
  }
  tooltip.replaceChildren(...children, text);
  tooltip.hidden = false;
  const box = plot.element.getBoundingClientRect();
  const x = clientX - box.left, y = clientY - box.top;
  const width = tooltip.offsetWidth, height = tooltip.offsetHeight;
  tooltip.style.left = `${x + 14 + width > box.width ? Math.max(0, x - 14 - width) : x + 14}px`;
  tooltip.style.top = `${y + 14 + height > box.height ? Math.max(0, y - 14 - height) : y + 14}px`;
}

function renderLegend(): void {
  if (labels === null) {
    legend.replaceChildren();
    return;
  }
  legend.replaceChildren(
    ...labels.names.map((name, g) => {
      const off = hiddenLabels.has(name);
      const swatch = el('span', { className: 'swatch' });
      swatch.style.background = colours[g];
      const item = el('button', { className: `legend-item${off ? ' off' : ''}`, title: off ? 'Click to show' : 'Click to hide', attrs: { role: 'listitem', 'aria-pressed': String(!off) } }, [
        swatch,
        el('span', { className: 'name', text: name === '' ? '(no label)' : name }),
        el('span', { className: 'count', text: String(labels?.counts[g] ?? 0) }),
      ]);
      item.addEventListener('click', () => {
        if (hiddenLabels.has(name)) hiddenLabels.delete(name);
        else hiddenLabels.add(name);
        renderLegend();
        applyHidden();
        saveState();
      });
      return item;
    }),
  );
}

function applyHidden(): void {
  if (labels === null) return;
  const names = labels.names;
  plot.setHiddenGroups(new Set(names.flatMap((n, g) => (hiddenLabels.has(n) ? [g] : []))));
}

/** Draws the current method's projection, asking the host for it the first time. */
function showProjection(): void {
  if (samples === null || labels === null) return;
  const xy = projections.get(method);
  if (xy === undefined) {
    status.textContent = `Computing the ${METHOD_NAMES[method]} projection of ${samples.count} points…`;
    if (!requested.has(method)) {
      requested.add(method);
      channel.post({ type: 'requestProjection', method });
    }
    return;
  }
  plot.setData(xy, labels.of, colours);
  applyHidden();
  status.textContent = HINT;
  status.classList.remove('error');
}

function exportPng(): void {
  const source = plot.canvas;
  const ratio = source.width / Math.max(1, source.clientWidth || source.width);
  const legendWidth = Math.round(160 * ratio);
  const out = document.createElement('canvas');
  out.width = source.width + legendWidth;
  out.height = source.height;
  const ctx = out.getContext('2d');
  if (ctx === null || labels === null) return;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(source, 0, 0);
  ctx.setTransform(ratio, 0, 0, ratio, source.width, 0);
  ctx.font = theme.font;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = theme.foreground;
  ctx.fillText(`${METHOD_NAMES[method]} · ${samples?.runName ?? ''}`, 12, 14);
  labels.names.forEach((name, g) => {
    if (hiddenLabels.has(name)) return;
    const y = 34 + g * 18;
    ctx.fillStyle = colours[g];
    ctx.fillRect(12, y - 5, 10, 10);
    ctx.fillStyle = theme.foreground;
    ctx.fillText(name === '' ? '(no label)' : name, 28, y);
  });
  channel.post({ type: 'exportPng', dataUrl: out.toDataURL('image/png'), fileName: safeFileName(`${samples?.runName ?? 'embedding'} ${method} map`, '.png') });
}

// ---- Messages from the host -----------------------------------------------------------------

channel.onMessage<HostToMap>((message) => {
  switch (message.type) {
    case 'samples': {
      const sameRun = samples?.runId === message.runId || (samples === null && saved.ok && saved.value.runId === message.runId);
      samples = message;
      labels = indexLabels(message.labels);
      colours = categoricalColours(labels.names.length, theme.dark);
      if (!sameRun) hiddenLabels = new Set();
      methods = message.methods.filter((m) => PROJECTION_METHODS.includes(m));
      projections.clear();
      requested.clear();
      if (!methods.includes(method)) method = methods[0] ?? 'pca';
      setChoices(methodDropdown, methods.map((m) => ({ value: m, label: METHOD_NAMES[m] })), method);
      methodDropdown.disabled = methods.length < 2;
      title.textContent = `Embedding map — ${message.runName} (${message.count} points)`;
      plot.resetView();
      plot.setSelected(-1);
      renderLegend();
      saveState();
      if (methods.length === 0) status.textContent = 'This run has no 2-D projection; re-run evaluation with projections enabled.';
      else showProjection();
      break;
    }
    case 'projection': {
      if (samples === null) break;
      if (message.xy.length !== samples.count * 2) {
        status.textContent = `The ${METHOD_NAMES[message.method]} projection has ${message.xy.length / 2} points but the run has ${samples.count} samples; re-export the embeddings.`;
        break;
      }
      projections.set(message.method, message.xy);
      if (message.method === method) showProjection();
      break;
    }
    case 'error':
      // A failed projection request may be retried by choosing the method again.
      requested.delete(method);
      status.textContent = message.message;
      status.classList.add('error');
      break;
  }
});

onThemeChange(() => {
  theme = readChartTheme();
  colours = categoricalColours(labels?.names.length ?? 0, theme.dark);
  plot.setTheme(theme, colours);
  renderLegend();
});

channel.post({ type: 'ready' });
