// The experiments table: one row per run under the runs folder (live while runs are written),
// the parameters that differ and the results; sort by clicking headers, filter, star, notes and
// tags, pinned and hidden columns (kept per workspace by the host), row actions, an overlay of
// the selected runs' curves, and a scatter or parallel-coordinates plot linked to the selection.
// The host computes the table (server/runs/table); this page draws it.
import { button, checkbox, select, setChoices, textfield, type Choice } from '../shared/controls';
import { el, mount, onThemeChange } from '../shared/dom';
import { connect } from '../shared/vscodeApi';
import { VirtualGrid } from './grid';
import { gridLines, toggleCollapsed } from './groups';
import { parseTags, toggleSort } from './model';
import { colourOf, defaultAxes, defaultScatter, makeAxis, parallelData, scatterData } from './plotData';
import { PlotView } from './plots';
import { SpecDiffView } from './specDiff';
import type { ExperimentsState } from '../protocol';
import { DEFAULT_LAYOUT, DEFAULT_PLOT, type ColumnInfo, type ExperimentsToHost, type HostToExperiments, type PlotColumn, type PlotLayout, type RowInfo, type TableLayout } from './protocol';

type TableMessage = Extract<HostToExperiments, { type: 'table' }>;

const channel = connect<ExperimentsToHost, ExperimentsState>();
let layout: TableLayout = DEFAULT_LAYOUT;
let table: TableMessage | undefined;

function setLayout(change: Partial<TableLayout>): void {
  layout = { ...layout, ...change };
  channel.post({ type: 'setLayout', layout });
}

// ---- Toolbar ----------------------------------------------------------------------------------

const filterField = textfield('Filter: knn > 80% and loss.type = infoNCE', 'Filter runs', 34);
let filterTimer: ReturnType<typeof setTimeout> | undefined;
filterField.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => setLayout({ filter: filterField.value }), 300);
});
filterField.title = 'Conditions <column> <op> <value> joined by "and": = ≠ < ≤ > ≥ contains (also == != <= >= ~); 80% is 0.8; "quoted text" for spaces';

const changedBox = checkbox('Only changed parameters', layout.onlyChanged, (checked) => setLayout({ onlyChanged: checked }));
const groupBox = checkbox('Group by sweep', true, (checked) => setLayout({ groupBySweep: checked }));
groupBox.title = 'Show the runs of each sweep under a header line: its runs and their states, what it varies, its best value under the sort';
const addColumn = select([], '', 'Add a column', (value) => {
  if (value === '') return;
  setLayout({ added: [...layout.added.filter((k) => k !== value), value], hidden: layout.hidden.filter((k) => k !== value) });
});
const showHidden = button('', () => setLayout({ hidden: [] }), { secondary: true, title: 'Show the columns you hid' });
const overlay = button('Overlay selected', () => openRuns(), { title: 'Open the curves of the selected runs in one dashboard (Enter)' });
const compare = button('Compare specs', () => {
  const keys = grid.selection.selected();
  if (keys.length >= 2) channel.post({ type: 'compareSpecs', runKeys: keys });
}, { secondary: true, title: 'The specs the selected runs trained: two in the diff editor, more as a table of the paths that differ' });
const specDiff = new SpecDiffView();
const exportButton = button('Export CSV', () => channel.post({ type: 'exportTable' }), { secondary: true, title: 'Save the shown rows and columns as CSV, with raw values' });
const plotKind = select([
  { value: 'none', label: 'No plot' }, { value: 'scatter', label: 'Scatter plot' }, { value: 'parallel', label: 'Parallel coordinates' },
], 'none', 'Plot', (value) => choosePlot(value as PlotLayout['kind']));
const count = el('span', { className: 'muted' });
const problem = el('pre', { className: 'problem', attrs: { role: 'alert' } });
const empty = el('p', { className: 'empty' });

// ---- The plot ---------------------------------------------------------------------------------

const plotLayout = (): PlotLayout => layout.plot ?? DEFAULT_PLOT;
const setPlot = (change: Partial<PlotLayout>): void => setLayout({ plot: { ...plotLayout(), ...change } });

/** Opening a plot with no columns chosen yet picks the first changed parameter and the final kNN. */
function choosePlot(kind: PlotLayout['kind']): void {
  const plot = plotLayout();
  const available = table?.available ?? [];
  const scatter = kind === 'scatter' && (plot.x === '' || plot.y === '') ? defaultScatter(available) : {};
  const axes = kind === 'parallel' && plot.axes.length === 0 ? { axes: defaultAxes(available) } : {};
  setPlot({ kind, ...scatter, ...axes });
}

const xSelect = select([], '', 'Horizontal axis', (value) => setPlot({ x: value }));
const ySelect = select([], '', 'Vertical axis', (value) => setPlot({ y: value }));
const colourSelect = select([], '', 'Colour by', (value) => setPlot({ colour: value }));
const logX = checkbox('log x', false, (checked) => setPlot({ logX: checked }));
const logY = checkbox('log y', false, (checked) => setPlot({ logY: checked }));
const scatterControls = el('span', { className: 'plot-controls' }, [el('span', { text: 'x' }), xSelect, el('span', { text: 'y' }), ySelect, el('span', { text: 'colour' }), colourSelect, logX, logY]);
const axisChips = el('span', { className: 'plot-axes-chips' });
const addAxis = select([], '', 'Add an axis', (value) => {
  if (value !== '') setPlot({ axes: [...plotLayout().axes.filter((k) => k !== value), value] });
});
const parallelControls = el('span', { className: 'plot-controls' }, [el('span', { text: 'axes' }), axisChips, addAxis, el('span', { text: 'colour' })]);
const plotView = new PlotView({
  pick: (keys, mode) => {
    grid.selection.pick(keys, mode);
    grid.reveal();
    renderDetails();
    plotView.setSelection(new Set(grid.selection.selected()));
  },
});
const plotPanel = el('section', { className: 'plot-panel', attrs: { 'aria-label': 'Plot' } }, [el('div', { className: 'plot-bar' }, [scatterControls, parallelControls]), plotView.element]);

/** Columns a plot may use: any parameter, result or run field but the star and notes. */
function plotChoices(available: readonly ColumnInfo[], placeholder: string): Choice[] {
  const usable = available.filter((c) => c.key !== 'star' && c.key !== 'notes');
  return [{ value: '', label: placeholder }, ...usable.map((c) => ({ value: c.key, label: `${c.title}${c.kind === 'result' ? ' (result)' : c.changed ? ' (differs)' : ''}` }))];
}

function renderPlot(message: TableMessage): void {
  const plot = plotLayout();
  plotKind.value = plot.kind;
  plotPanel.hidden = plot.kind === 'none';
  if (plot.kind === 'none') return;
  scatterControls.hidden = plot.kind !== 'scatter';
  parallelControls.hidden = plot.kind !== 'parallel';
  setChoices(xSelect, plotChoices(message.available, 'Choose x…'), plot.x);
  setChoices(ySelect, plotChoices(message.available, 'Choose y…'), plot.y);
  setChoices(colourSelect, plotChoices(message.available, 'No colour'), plot.colour);
  // One colour chooser, shown in whichever control row is open.
  (plot.kind === 'scatter' ? scatterControls : parallelControls).append(colourSelect);
  if (plot.kind === 'scatter') scatterControls.append(logX, logY);
  logX.checked = plot.logX;
  logY.checked = plot.logY;
  const titles = new Map(message.available.map((c) => [c.key, c.title]));
  axisChips.replaceChildren(...plot.axes.map((key) => {
    const remove = button('✕', () => setPlot({ axes: plotLayout().axes.filter((k) => k !== key) }), { icon: true, title: `Remove the ${titles.get(key) ?? key} axis` });
    return el('span', { className: 'chip' }, [titles.get(key) ?? key, remove]);
  }));
  setChoices(addAxis, plotChoices(message.available.filter((c) => !plot.axes.includes(c.key)), 'Add axis…'), '');
  const byKey = new Map(message.plot.map((c) => [c.key, c]));
  const column = (key: string): PlotColumn | null => (key === '' ? null : byKey.get(key) ?? null);
  const keys = message.rows.map((r) => r.key);
  const rows = { names: message.rows.map((r) => r.name), columns: message.plot };
  const colour = column(plot.colour);
  if (plot.kind === 'scatter') {
    const x = column(plot.x);
    const y = column(plot.y);
    if (x === null || y === null) plotView.showMessage('Choose the columns for x and y.');
    else plotView.showScatter(scatterData(keys, x, y, colour, plot.logX, plot.logY), x, y, colour, rows);
  } else {
    const columns = plot.axes.flatMap((k) => column(k) ?? []);
    if (columns.length < 2) plotView.showMessage('Choose at least two axes.');
    else {
      const colourAxis = colour === null ? null : makeAxis(colour, false);
      plotView.showParallel(parallelData(keys, columns), columns, colour, colourAxis, keys.map((_, row) => colourOf(colourAxis, colour?.values[row] ?? null)), rows);
    }
  }
  plotView.setSelection(new Set(grid.selection.selected()));
}

// ---- The grid and the active run's details ----------------------------------------------------

const grid = new VirtualGrid({
  sort: (column, multi) => setLayout({ sort: toggleSort(layout.sort, column, multi) }),
  pin: (column) => setLayout({ pinned: layout.pinned.includes(column) ? layout.pinned.filter((k) => k !== column) : [...layout.pinned, column] }),
  hide: (column) => setLayout({ hidden: [...layout.hidden, column], added: layout.added.filter((k) => k !== column), pinned: layout.pinned.filter((k) => k !== column) }),
  open: () => openRuns(),
  remove: () => removeRuns(),
  toggleStar: (key) => {
    const row = rowByKey(key);
    if (row) annotate(row, { star: !row.star });
  },
  selectionChanged: () => {
    renderDetails();
    plotView.setSelection(new Set(grid.selection.selected()));
  },
  move: (column, before) => {
    const keys = (table?.columns ?? []).map((c) => c.key).filter((k) => k !== column);
    const at = before === null ? keys.length : keys.indexOf(before);
    keys.splice(at < 0 ? keys.length : at, 0, column);
    setLayout({ order: keys });
  },
  resize: (column, width) => setLayout({ widths: { ...layout.widths, [column]: width } }),
  collapse: (sweepId, collapsed) => {
    // Drawn at once; the host keeps the layout (its answer draws the same lines).
    setLayout({ collapsed: toggleCollapsed(layout.collapsed ?? [], sweepId, collapsed) });
    if (table !== undefined) renderGrid(table);
    renderDetails();
  },
});

const detailTitle = el('strong');
const starButton = button('☆', () => {
  const row = activeRow();
  if (row) annotate(row, { star: !row.star });
}, { icon: true, title: 'Star or unstar this run (*)' });
const tagsField = textfield('tags, comma-separated', 'Tags', 16);
const notesField = textfield('notes', 'Notes', 30);
tagsField.addEventListener('change', () => {
  const row = activeRow();
  if (row) annotate(row, { tags: parseTags(tagsField.value) });
});
notesField.addEventListener('change', () => {
  const row = activeRow();
  if (row) annotate(row, { notes: notesField.value });
});
const resumeButton = button('Resume', () => withActive((row) => channel.post({ type: 'resume', runKey: row.key })), { secondary: true, title: 'Continue the run from its last checkpoint' });
const stopButton = button('Stop', () => withActive((row) => channel.post({ type: 'stop', runKey: row.key })), { secondary: true, title: 'Stop the run (it saves a checkpoint first)' });
const single = el('span', { className: 'detail-fields' }, [
  starButton, detailTitle, tagsField, notesField,
  button('Open spec', () => withActive((row) => channel.post({ type: 'openSpec', runKey: row.key })), { secondary: true }),
  button('Dashboard', () => withActive((row) => channel.post({ type: 'openDashboard', runKeys: [row.key] })), { secondary: true }),
  button('Reveal', () => withActive((row) => channel.post({ type: 'reveal', runKey: row.key })), { secondary: true, title: 'Reveal the run folder in the Explorer' }),
  resumeButton,
  stopButton,
  button('Edit and run…', () => withActive((row) => channel.post({ type: 'editAndRun', runKey: row.key })), { secondary: true, title: 'Run a copy of this run\'s spec with values you choose (checked before it starts); the run queue starts it' }),
]);
const selectionNote = el('span', { className: 'muted' });
const deleteButton = button('Delete…', () => removeRuns(), { secondary: true, title: 'Move the selected runs to the trash (Delete); asks first' });
const rerunButton = button('Re-run', () => {
  const keys = grid.selection.targets();
  if (keys.length > 0) channel.post({ type: 'rerun', runKeys: keys });
}, { secondary: true, title: 'Run the selected runs\' specs again, unchanged, as new runs (the run queue starts them)' });
const details = el('footer', { className: 'details', attrs: { 'aria-label': 'Selected run' } }, [single, selectionNote, el('span', { className: 'spacer' }), rerunButton, deleteButton]);

function rowByKey(key: string): RowInfo | undefined {
  return table?.rows.find((r) => r.key === key);
}

/** The active line's run; undefined on a sweep's header. */
function activeRow(): RowInfo | undefined {
  const line = grid.activeLine();
  return line?.kind === 'run' ? table?.rows[line.row] : undefined;
}

function withActive(action: (row: RowInfo) => void): void {
  const row = activeRow();
  if (row) action(row);
}

function annotate(row: RowInfo, change: Partial<Pick<RowInfo, 'star' | 'notes' | 'tags'>>): void {
  channel.post({ type: 'annotate', runKey: row.key, star: change.star ?? row.star, notes: change.notes ?? row.notes, tags: change.tags ?? row.tags });
}

function openRuns(): void {
  const keys = grid.selection.targets();
  if (keys.length > 0) channel.post({ type: 'openDashboard', runKeys: keys });
}

function removeRuns(): void {
  const keys = grid.selection.targets();
  if (keys.length > 0) channel.post({ type: 'delete', runKeys: keys });
}

function renderDetails(): void {
  const row = activeRow();
  const selected = grid.selection.selected();
  overlay.disabled = selected.length < 2;
  overlay.textContent = selected.length > 1 ? `Overlay ${selected.length} runs` : 'Overlay selected';
  compare.disabled = selected.length < 2;
  const line = grid.activeLine();
  details.hidden = line === undefined;
  // A sweep's header: what applies to its runs (re-run, delete), not one run's fields.
  single.hidden = row === undefined;
  selectionNote.textContent = selected.length > 1 ? `${selected.length} runs selected` : '';
  rerunButton.textContent = selected.length > 1 ? `Re-run ${selected.length}` : 'Re-run';
  if (row === undefined) return;
  starButton.textContent = row.star ? '★' : '☆';
  starButton.setAttribute('aria-pressed', String(row.star));
  detailTitle.textContent = row.name;
  resumeButton.hidden = !row.canResume;
  stopButton.hidden = !row.canStop;
  // Keep what the user is typing: a live update must not overwrite a field with focus.
  if (document.activeElement !== tagsField) tagsField.value = row.tags.join(', ');
  if (document.activeElement !== notesField) notesField.value = row.notes;
}

/** The grid's lines from the table and the layout's grouping and collapsed sweeps. */
function renderGrid(message: TableMessage): void {
  const lines = gridLines(message.rows, message.groups, new Set(layout.collapsed ?? []));
  grid.setData(message.columns, message.rows, lines, layout.sort, layout.pinned, layout.widths);
}

function render(message: TableMessage): void {
  table = message;
  layout = message.layout;
  if (document.activeElement !== filterField && filterField.value !== layout.filter) filterField.value = layout.filter;
  changedBox.checked = layout.onlyChanged;
  groupBox.checked = layout.groupBySweep !== false;
  groupBox.hidden = !message.hasSweeps;
  const shown = new Set(message.columns.map((c) => c.key));
  setChoices(addColumn, [{ value: '', label: 'Add column…' }, ...message.available.filter((c) => !shown.has(c.key)).map((c) => ({ value: c.key, label: `${c.title}${c.changed ? ' (differs)' : ''}` }))], '');
  showHidden.textContent = `Show ${layout.hidden.length} hidden`;
  showHidden.hidden = layout.hidden.length === 0;
  count.textContent = `${message.rows.length === message.total ? '' : `${message.rows.length} of `}${message.total} ${message.total === 1 ? 'run' : 'runs'}`;
  problem.textContent = message.problem ?? '';
  problem.hidden = message.problem === null;
  empty.hidden = message.total > 0;
  empty.textContent = `No runs yet in ${message.runsFolder ?? 'the runs folder (open a workspace folder)'}. Start one with "Contrastive Lab: Start Run" or \`contrastive-lab train <spec>\`.`;
  grid.element.hidden = message.total === 0;
  renderGrid(message);
  renderPlot(message);
  renderDetails();
}

const app = mount(
  el('header', { className: 'toolbar' }, [filterField, changedBox, groupBox, addColumn, showHidden, plotKind, el('span', { className: 'spacer' }), count, overlay, compare, exportButton]),
  problem,
  empty,
  specDiff.element,
  plotPanel,
  grid.element,
  details,
);
app.classList.add('experiments');

plotPanel.hidden = true;
// Category colours come from the theme.
onThemeChange(() => {
  if (table !== undefined) renderPlot(table);
});

channel.onMessage<HostToExperiments>((message) => {
  if (message.type === 'table') render(message);
  else if (message.type === 'specDiff') specDiff.show(message);
});
channel.post({ type: 'ready' });
