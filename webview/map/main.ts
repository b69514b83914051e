// The embedding map: a 2-D projection (PCA or UMAP) of a run's embeddings, up to millions of points
// drawn with WebGL (glScatter.ts), coloured by the label or any other per-point column, with a
// legend that hides categories, a thumbnail tooltip on hover, click to select a point and list its
// neighbours (exact, in the original space, or on the picture: labelled as such), a lasso that
// sends the points inside it to the gallery, and the projection's progress while the host
// computes it. Points arrive as typed arrays, never as JSON numbers. A two-tower run's points
// (both towers in one picture) open coloured by tower, and hovering one rings its partner in the
// other tower and joins the two with a line.

import { HostToMap, MapColumn, MapState, MapToHost, NEIGHBOUR_SPACES, NeighbourSpace, PROJECTION_METHODS, ProjectionMethod, SpriteSheet, LIMITS, TowerPoints, parsePanelState, partnerOf, towerOf } from '../protocol';
import { safeFileName } from '../shared/csv';
import { button, select, setChoices } from '../shared/controls';
import { el, mount, onThemeChange } from '../shared/dom';
import { categoricalColours, readChartTheme } from '../shared/palette';
import { paintThumbnail } from '../shared/sprite';
import { connect } from '../shared/vscodeApi';
import { colourScheme, projectionNeighbours, rampColour, RAMP_STEPS, type ColourScheme } from './columns';
import { GlScatter, parseColour, type Rgb } from './glScatter';
import { MapTimeline } from './timeline';

const channel = connect<MapToHost, MapState>();
const saved = parsePanelState('map', channel.savedState());
const METHOD_NAMES: Readonly<Record<ProjectionMethod, string>> = { pca: 'PCA', umap: 'UMAP' };
const SPACE_NAMES: Readonly<Record<NeighbourSpace, string>> = { original: 'Original space (exact)', projection: 'On the 2-D picture' };
const HINT = 'Hover a point to see it; click to list its neighbours. Shift+drag (or Lasso) selects points for the gallery. Scroll or +/- to zoom, drag or arrow keys to pan, 0 to reset.';
const NEIGHBOURS_K = 10;

interface Points {
  readonly runId: string;
  readonly runName: string;
  readonly count: number;
  readonly columns: readonly MapColumn[];
  readonly sprite: SpriteSheet | null;
  readonly distance: string;
  readonly towers: TowerPoints | null;
}

let points: Points | null = null;
let methods: readonly ProjectionMethod[] = [];
let method: ProjectionMethod = saved.ok ? saved.value.method : 'pca';
let colourBy = saved.ok ? saved.value.colourBy ?? '' : '';
let hidden = new Set(saved.ok ? saved.value.hiddenLabels : []);
let space: NeighbourSpace = saved.ok ? saved.value.neighbourSpace ?? 'original' : 'original';
let scheme: ColourScheme | null = null;
let selected = -1;
let neighbours: readonly { index: number; distance: number }[] | null = null;
const ids = new Map<number, string>();
const projections = new Map<ProjectionMethod, Float32Array>();
const requested = new Set<ProjectionMethod>();
let theme = readChartTheme();

function saveState(): void {
  if (points !== null) channel.save({ panel: 'map', runId: points.runId, method, hiddenLabels: [...hidden], colourBy, neighbourSpace: space });
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
const colourDropdown = select([{ value: '', label: 'Label' }], '', 'Colour by', (value) => {
  if (points === null || !points.columns.some((c) => c.name === value)) return;
  colourBy = value;
  hidden = new Set();
  saveState();
  applyColours();
});
const spaceDropdown = select(NEIGHBOUR_SPACES.map((s) => ({ value: s, label: SPACE_NAMES[s] })), space, 'Neighbours', (value) => {
  const next = NEIGHBOUR_SPACES.find((s) => s === value);
  if (next === undefined) return;
  space = next;
  saveState();
  if (selected >= 0) findNeighbours(selected);
});
const lassoButton = button('Lasso', () => {
  lassoOn = !lassoOn;
  plot.setLassoMode(lassoOn);
  lassoButton.setAttribute('aria-pressed', String(lassoOn));
  lassoButton.textContent = lassoOn ? 'Lasso (on)' : 'Lasso';
}, { secondary: true, title: 'Draw around points to show them in the gallery (Shift+drag does the same)' });
let lassoOn = false;
const resetButton = button('Reset view', () => plot.resetView(), { secondary: true });
const pngButton = button('Export PNG', exportPng, { secondary: true });
const status = el('span', { className: 'status-line', text: 'Waiting for the run’s embeddings…', attrs: { role: 'status' } });
const progress = el('progress', { className: 'map-progress' });
progress.hidden = true;
const legend = el('div', { className: 'legend map-legend', attrs: { role: 'list', 'aria-label': 'Colours' } });
const neighbourList = el('div', { className: 'map-neighbours', attrs: { 'aria-live': 'polite' } });
const tooltip = el('div', { className: 'map-tooltip' });
tooltip.hidden = true;

/** The WebGL map, or (without WebGL2) a page that says why there is none and how to get it. */
function createPlot(callbacks: ConstructorParameters<typeof GlScatter>[1]): GlScatter {
  try {
    return new GlScatter(theme, callbacks);
  } catch (e) {
    mount(el('p', { className: 'error', attrs: { role: 'alert' }, text: `The embedding map cannot be drawn: ${(e as Error).message}` }));
    throw e;
  }
}

const plot = createPlot({
  onHover: (index, clientX, clientY) => showTooltip(index, clientX, clientY),
  onClick: (index) => selectPoint(index),
  onLasso: (indices) => {
    if (points === null) return;
    status.textContent = `${indices.length.toLocaleString()} points in the lasso${indices.length > LIMITS.maxSelection ? `; the gallery shows the first ${LIMITS.maxSelection.toLocaleString()}` : ''}.`;
    if (indices.length > 0) channel.post({ type: 'showSelection', indices: Array.from(indices.subarray(0, LIMITS.maxSelection)), total: indices.length });
  },
});
plot.element.append(tooltip);

// The timeline (timeline.ts) draws the probe samples at any evaluation in place of the map.
const timeline = new MapTimeline(theme, {
  post: (message) => channel.post(message),
  colours: () => (scheme === null ? null : { codes: scheme.codes, palette: palette(), hidden: new Set(scheme.categories.flatMap((k, i) => (hidden.has(k.name) ? [i] : []))) }),
  describe: (index) => ({ label: labelOf(index), sprite: points?.sprite ?? null }),
  show: (on) => {
    plot.element.hidden = on;
  },
});

mount(
  el('header', { className: 'toolbar' }, [
    title,
    el('label', { className: 'control' }, ['Projection ', methodDropdown]),
    el('label', { className: 'control' }, ['Colour by ', colourDropdown]),
    el('label', { className: 'control' }, ['Neighbours ', spaceDropdown]),
    status,
    progress,
    el('span', { className: 'spacer' }),
    lassoButton,
    resetButton,
    pngButton,
  ]),
  timeline.bar,
  el('div', { className: 'map-layout' }, [plot.element, timeline.plotElement, el('div', { className: 'map-side' }, [legend, neighbourList])]),
);

// ---- Rendering ------------------------------------------------------------------------------

function column(): MapColumn | null {
  if (points === null) return null;
  return points.columns.find((c) => c.name === colourBy) ?? points.columns[0] ?? null;
}

/** The label column's text for point i ('' when unlabelled). */
function labelOf(i: number): string {
  const labels = points?.columns[0];
  return labels?.kind === 'category' ? labels.names[labels.codes[i]!] ?? '' : '';
}

function showTooltip(index: number, clientX: number, clientY: number): void {
  if (index < 0 || points === null) {
    tooltip.hidden = true;
    return;
  }
  const label = labelOf(index);
  const id = ids.get(index);
  if (id === undefined) channel.post({ type: 'describe', index });
  const towers = points.towers;
  const pair = towers !== null ? el('div', { className: 'muted tooltip-pair', text: `tower ${towerOf(towers, index)}${towers.textTower === towerOf(towers, index) ? ' (text)' : ''} · partner #${partnerOf(towers, index)}` }) : '';
  const text = el('div', {}, [el('div', { className: 'label', text: `#${index} · ${label === '' ? '(no label)' : label}` }), el('div', { className: 'muted tooltip-id', text: id ?? '…' }), pair]);
  const children: Node[] = [];
  if (points.sprite) {
    const thumb = el('span');
    if (paintThumbnail(thumb, points.sprite, index, 56)) children.push(thumb);
  }
  tooltip.dataset.index = String(index);
  tooltip.replaceChildren(...children, text);
  tooltip.hidden = false;
  const box = plot.element.getBoundingClientRect();
  const x = clientX - box.left, y = clientY - box.top;
  const width = tooltip.offsetWidth, height = tooltip.offsetHeight;
  tooltip.style.left = `${x + 14 + width > box.width ? Math.max(0, x - 14 - width) : x + 14}px`;
  tooltip.style.top = `${y + 14 + height > box.height ? Math.max(0, y - 14 - height) : y + 14}px`;
}

function palette(): Rgb[] {
  if (scheme === null) return [];
  if (scheme.range !== null) {
    const low = parseColour(theme.dark ? '#2c3e70' : '#c6dbef');
    const high = parseColour(theme.dark ? '#ffd166' : '#08306b');
    return Array.from({ length: RAMP_STEPS }, (_, s) => rampColour(low, high, s));
  }
  return categoricalColours(scheme.categories.length, theme.dark).map(parseColour);
}

function applyColours(): void {
  const c = column();
  if (c === null) return;
  scheme = colourScheme(c);
  const names = scheme.categories.map((k) => k.name);
  plot.setColours(scheme.codes, palette(), new Set(names.flatMap((n, i) => (hidden.has(n) ? [i] : []))));
  timeline.refreshColours();
  renderLegend();
}

function renderLegend(): void {
  if (scheme === null) {
    legend.replaceChildren();
    return;
  }
  if (scheme.range !== null) {
    const ramp = el('div', { className: 'map-ramp' });
    const colours = palette();
    ramp.style.background = `linear-gradient(to right, rgb(${colours[0]!.join(',')}), rgb(${colours[colours.length - 1]!.join(',')}))`;
    legend.replaceChildren(el('div', { text: colourBy }), ramp, el('div', { className: 'muted', text: `${scheme.range.min.toPrecision(4)} … ${scheme.range.max.toPrecision(4)}` }));
    return;
  }
  const colours = categoricalColours(scheme.categories.length, theme.dark);
  legend.replaceChildren(
    ...scheme.categories.map(({ name, count }, g) => {
      const off = hidden.has(name);
      const swatch = el('span', { className: 'swatch' });
      swatch.style.background = colours[g]!;
      const item = el('button', { className: `legend-item${off ? ' off' : ''}`, title: off ? 'Click to show' : 'Click to hide', attrs: { role: 'listitem', 'aria-pressed': String(!off) } }, [
        swatch,
        el('span', { className: 'name', text: name === '' ? '(no label)' : name }),
        el('span', { className: 'count', text: count.toLocaleString() }),
      ]);
      item.addEventListener('click', () => {
        if (hidden.has(name)) hidden.delete(name);
        else hidden.add(name);
        applyColours();
        saveState();
      });
      return item;
    }),
  );
}

/** Draws the current method's projection, asking the host for it the first time. */
function showProjection(): void {
  if (points === null) return;
  const xy = projections.get(method);
  if (xy === undefined) {
    status.textContent = `Computing the ${METHOD_NAMES[method]} projection of ${points.count.toLocaleString()} points…`;
    if (!requested.has(method)) {
      requested.add(method);
      channel.post({ type: 'requestProjection', method });
    }
    return;
  }
  plot.setPositions(xy);
  progress.hidden = true;
  status.textContent = HINT;
  status.classList.remove('error');
  if (selected >= 0 && space === 'projection') findNeighbours(selected);
}

function selectPoint(index: number): void {
  selected = index;
  plot.setSelected(index);
  findNeighbours(index);
}

function findNeighbours(index: number): void {
  neighbours = null;
  plot.setMarked([]);
  if (space === 'original') {
    channel.post({ type: 'neighbours', index, k: NEIGHBOURS_K });
  } else {
    const xy = projections.get(method);
    if (xy === undefined) return;
    const visible = scheme === null ? () => true : (i: number) => !hidden.has(scheme!.categories[scheme!.codes[i]!]?.name ?? '');
    neighbours = projectionNeighbours(xy, index, NEIGHBOURS_K, visible);
    plot.setMarked(neighbours.map((n) => n.index));
  }
  renderNeighbours();
}

function renderNeighbours(): void {
  if (points === null || selected < 0) {
    neighbourList.replaceChildren(el('div', { className: 'caption', text: 'Click a point to list its nearest neighbours.' }));
    return;
  }
  const caption =
    space === 'original'
      ? el('div', { className: 'caption' }, [el('span', { className: 'space-note', text: 'Original space, exact' }), ` — ${points.distance}, over all ${points.count.toLocaleString()} points`])
      : el('div', { className: 'caption' }, [el('span', { className: 'space-note', text: `On the 2-D ${METHOD_NAMES[method]} picture` }), ' — distance on the map, not in the embedding space']);
  const openButton = button('Open in gallery', () => channel.post({ type: 'openGallery', index: selected }), { secondary: true });
  const header = el('div', { className: 'caption', text: `#${selected} · ${labelOf(selected) || '(no label)'}` });
  const rows =
    neighbours === null
      ? [el('div', { className: 'muted', text: 'Searching…' })]
      : neighbours.map((n) => {
          const row = el('button', { className: 'neighbour-row', title: `Select #${n.index}` }, [el('span', { text: `#${n.index} · ${labelOf(n.index) || '(no label)'}` }), el('span', { className: 'muted', text: n.distance.toPrecision(3) })]);
          row.addEventListener('click', () => selectPoint(n.index));
          return row;
        });
  neighbourList.replaceChildren(header, caption, ...rows, openButton);
}

function exportPng(): void {
  if (points === null) return;
  const source = plot.canvas;
  const ratio = source.width / Math.max(1, source.clientWidth || source.width);
  const legendWidth = Math.round(160 * ratio);
  const out = document.createElement('canvas');
  out.width = source.width + legendWidth;
  out.height = source.height;
  const ctx = out.getContext('2d');
  if (ctx === null) return;
  plot.draw(); // the GL canvas is read right after a draw
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(source, 0, 0);
  ctx.setTransform(ratio, 0, 0, ratio, source.width, 0);
  ctx.font = theme.font;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = theme.foreground;
  ctx.fillText(`${METHOD_NAMES[method]} · ${points.runName}`, 12, 14);
  const colours = categoricalColours(scheme?.categories.length ?? 0, theme.dark);
  scheme?.categories.forEach(({ name }, g) => {
    if (hidden.has(name)) return;
    const y = 34 + g * 18;
    ctx.fillStyle = colours[g]!;
    ctx.fillRect(12, y - 5, 10, 10);
    ctx.fillStyle = theme.foreground;
    ctx.fillText(name === '' ? '(no label)' : name, 28, y);
  });
  channel.post({ type: 'exportPng', dataUrl: out.toDataURL('image/png'), fileName: safeFileName(`${points.runName} ${method} map`, '.png') });
}

// ---- Messages from the host -----------------------------------------------------------------

channel.onMessage<HostToMap>((message) => {
  switch (message.type) {
    case 'points': {
      const sameRun = points?.runId === message.runId || (points === null && saved.ok && saved.value.runId === message.runId);
      const towers = message.towers ?? null;
      points = { runId: message.runId, runName: message.runName, count: message.count, columns: message.columns, sprite: message.sprite, distance: message.distance, towers };
      timeline.reset();
      if (!sameRun) {
        hidden = new Set();
        colourBy = '';
      }
      // A two-tower run opens coloured by tower (its label colours are a choice away).
      const first = towers !== null && message.columns.some((c) => c.name === 'tower') ? 'tower' : message.columns[0]?.name ?? '';
      if (!message.columns.some((c) => c.name === colourBy)) colourBy = first;
      plot.setPartners(towers !== null ? (i) => partnerOf(towers, i) : null);
      setChoices(colourDropdown, message.columns.map((c) => ({ value: c.name, label: c.name })), colourBy);
      methods = message.methods.filter((m) => PROJECTION_METHODS.includes(m));
      projections.clear();
      requested.clear();
      ids.clear();
      selected = -1;
      neighbours = null;
      if (!methods.includes(method)) method = methods[0] ?? 'pca';
      setChoices(methodDropdown, methods.map((m) => ({ value: m, label: METHOD_NAMES[m] })), method);
      methodDropdown.disabled = methods.length < 2;
      title.textContent = `Embedding map — ${message.runName} (${message.count.toLocaleString()} points)`;
      plot.resetView();
      plot.setSelected(-1);
      plot.setMarked([]);
      plot.setPositions(new Float32Array(0));
      applyColours();
      renderNeighbours();
      saveState();
      if (methods.length === 0) status.textContent = 'This run has no 2-D projection; re-run evaluation with projections enabled.';
      else showProjection();
      break;
    }
    case 'progress': {
      if (message.method !== method) break;
      progress.hidden = false;
      progress.max = Math.max(1, message.total);
      progress.value = message.done;
      status.textContent = `${METHOD_NAMES[message.method]}: ${message.phase} (${Math.round((100 * message.done) / Math.max(1, message.total))} %)`;
      break;
    }
    case 'projection': {
      if (points === null) break;
      if (message.xy.length !== points.count * 2) {
        status.textContent = `The ${METHOD_NAMES[message.method]} projection has ${message.xy.length / 2} points but the run has ${points.count} samples; recompute it with \`contrastive-lab map <run> --project ${message.method}\`.`;
        break;
      }
      projections.set(message.method, message.xy);
      if (message.method === method) showProjection();
      break;
    }
    case 'neighbours':
      if (message.query !== selected || space !== 'original') break;
      neighbours = message.neighbours;
      plot.setMarked(neighbours.map((n) => n.index));
      renderNeighbours();
      break;
    case 'described': {
      ids.set(message.index, message.id);
      if (tooltip.dataset.index === String(message.index)) {
        const line = tooltip.querySelector('.tooltip-id');
        if (line) line.textContent = message.id;
      }
      break;
    }
    case 'timeline':
    case 'noTimeline':
      timeline.receive(message);
      break;
    case 'error':
      // A failed projection request may be retried by choosing the method again.
      requested.delete(method);
      progress.hidden = true;
      status.textContent = message.message;
      status.classList.add('error');
      break;
  }
});

onThemeChange(() => {
  theme = readChartTheme();
  plot.setTheme(theme, palette());
  timeline.setTheme(theme, palette());
  renderLegend();
});

renderNeighbours();
channel.post({ type: 'ready' });
