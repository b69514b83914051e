// The experiments table: one row per run under the runs folder (live while runs are written),
// the parameters that differ and the results; sort by clicking headers, filter, star, notes and
// tags, pinned and hidden columns (kept per workspace by the host), row actions and an overlay of
// the selected runs' curves. The host computes the table (server/runs/table); this page draws it.
import { button, checkbox, select, setChoices, textfield } from '../shared/controls';
import { el, mount } from '../shared/dom';
import { connect } from '../shared/vscodeApi';
import { VirtualGrid } from './grid';
import { parseTags, toggleSort } from './model';
import type { ExperimentsState } from '../protocol';
import { DEFAULT_LAYOUT, type ExperimentsToHost, type HostToExperiments, type RowInfo, type TableLayout } from './protocol';

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
const addColumn = select([], '', 'Add a column', (value) => {
  if (value === '') return;
  setLayout({ added: [...layout.added.filter((k) => k !== value), value], hidden: layout.hidden.filter((k) => k !== value) });
});
const showHidden = button('', () => setLayout({ hidden: [] }), { secondary: true, title: 'Show the columns you hid' });
const overlay = button('Overlay selected', () => openRuns(), { title: 'Open the curves of the selected runs in one dashboard (Enter)' });
const exportButton = button('Export CSV', () => channel.post({ type: 'exportTable' }), { secondary: true, title: 'Save the shown rows and columns as CSV, with raw values' });
const count = el('span', { className: 'muted' });
const problem = el('pre', { className: 'problem', attrs: { role: 'alert' } });
const empty = el('p', { className: 'empty' });

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
  selectionChanged: () => renderDetails(),
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
]);
const selectionNote = el('span', { className: 'muted' });
const deleteButton = button('Delete…', () => removeRuns(), { secondary: true, title: 'Move the selected runs to the trash (Delete); asks first' });
const details = el('footer', { className: 'details', attrs: { 'aria-label': 'Selected run' } }, [single, selectionNote, el('span', { className: 'spacer' }), deleteButton]);

function rowByKey(key: string): RowInfo | undefined {
  return table?.rows.find((r) => r.key === key);
}

function activeRow(): RowInfo | undefined {
  return table?.rows[grid.selection.active];
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
  details.hidden = row === undefined;
  if (row === undefined) return;
  starButton.textContent = row.star ? '★' : '☆';
  starButton.setAttribute('aria-pressed', String(row.star));
  detailTitle.textContent = row.name;
  resumeButton.hidden = !row.canResume;
  stopButton.hidden = !row.canStop;
  // Keep what the user is typing: a live update must not overwrite a field with focus.
  if (document.activeElement !== tagsField) tagsField.value = row.tags.join(', ');
  if (document.activeElement !== notesField) notesField.value = row.notes;
  selectionNote.textContent = selected.length > 1 ? `${selected.length} runs selected` : '';
}

function render(message: TableMessage): void {
  table = message;
  layout = message.layout;
  if (document.activeElement !== filterField && filterField.value !== layout.filter) filterField.value = layout.filter;
  changedBox.checked = layout.onlyChanged;
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
  grid.setData(message.columns, message.rows, layout.sort, layout.pinned);
  renderDetails();
}

const app = mount(
  el('header', { className: 'toolbar' }, [filterField, changedBox, addColumn, showHidden, el('span', { className: 'spacer' }), count, overlay, exportButton]),
  problem,
  empty,
  grid.element,
  details,
);
app.classList.add('experiments');

channel.onMessage<HostToExperiments>((message) => {
  if (message.type === 'table') render(message);
});
channel.post({ type: 'ready' });
