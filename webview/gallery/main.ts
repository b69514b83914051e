// The nearest-neighbour gallery: pick a query sample (click a thumbnail, type an index, or sent
// from the map) and see its k nearest neighbours with distance and label; neighbours whose label
// differs from the query's are marked. Images come from the sprite sheet; vector data shows ids.
// A query can also be a file the run has not seen (typed in the query box, or Explorer → Find
// Similar in Run…): the host embeds it with the run's network (`contrastive-lab search`). On a
// two-tower run with a text tower the query can also be typed text: the text tower finds the images
// nearest to it; an image file then finds the nearest captions, listed as text.

import { GalleryState, GalleryToHost, HostToGallery, Neighbour, SampleSet, parsePanelState } from '../protocol';
import { button, select, setChoices, textfield } from '../shared/controls';
import { el, mount } from '../shared/dom';
import { indexLabels } from '../shared/labels';
import { paintThumbnail } from '../shared/sprite';
import { formatValue } from '../shared/ticks';
import { connect } from '../shared/vscodeApi';
import { GalleryTimeline } from './timeline';

const channel = connect<GalleryToHost, GalleryState>();
const saved = parsePanelState('gallery', channel.savedState());
const K_CHOICES = [5, 10, 20, 50];
const PAGE_SIZE = 200;

let samples: SampleSet | null = null;
let query: number | null = saved.ok ? saved.value.query : null;
let k = saved.ok ? saved.value.k : 10;
let neighbours: readonly Neighbour[] | null = null;
/** A file searched with instead of a sample (then `query` is null). */
let fileQuery: string | null = null;
/** A text searched with on a two-tower run (then `query` and `fileQuery` are null). */
let textQuery: string | null = null;
let browsePage = 0;
let browseLabel = '';

function saveState(): void {
  if (samples !== null) channel.save({ panel: 'gallery', runId: samples.runId, query, k });
}

// ---- Controls -------------------------------------------------------------------------------

const title = el('span', { className: 'title', text: 'Nearest neighbours' });
const indexField = textfield('index', 'Query sample index', 7);
const fileField = textfield('path of an image or CSV/JSONL file', 'Search with a file the run has not seen: its path', 18);
const textField = textfield('words, e.g. a handwritten seven', 'Search the images with text (the run’s text tower embeds it)', 18);
const textControl = el('label', { className: 'control' }, ['Query text ', textField]);
textControl.hidden = true;
const kDropdown = select(K_CHOICES.map((c) => ({ value: String(c), label: String(c) })), String(k), 'Number of neighbours', (value) => {
  k = Number(value);
  saveState();
  if (fileQuery !== null) searchFile(fileQuery);
  else if (textQuery !== null) searchText(textQuery);
  else if (query !== null) selectQuery(query);
});
const randomButton = button('Random query', () => {
  if (samples !== null && samples.count > 0) selectQuery(Math.floor(Math.random() * samples.count));
}, { secondary: true });
const problem = el('p', { className: 'error', attrs: { role: 'alert' } });
const queryCard = el('section', { className: 'query-card', attrs: { 'aria-label': 'Query' } });
const neighbourSummary = el('p', { className: 'muted' });
const neighbourGrid = el('div', { className: 'neighbours', attrs: { role: 'list', 'aria-label': 'Nearest neighbours' } });
/** The label filter's value for "the points of the map's lasso" (no label text starts with a NUL). */
const MAP_SELECTION = '\u0000map-lasso';
let selection: number[] = [];
let labelChoices: { value: string; label: string }[] = [{ value: '', label: 'All labels' }];
const labelFilter = select([{ value: '', label: 'All labels' }], '', 'Show samples with label', (value) => {
  browseLabel = value;
  browsePage = 0;
  renderBrowse();
});
const pageText = el('span', { className: 'status-line' });
const prevButton = button('‹', () => {
  browsePage = Math.max(0, browsePage - 1);
  renderBrowse();
}, { icon: true, title: 'Previous page' });
const nextButton = button('›', () => {
  browsePage += 1;
  renderBrowse();
}, { icon: true, title: 'Next page' });
const browse = el('div', { className: 'browse', attrs: { role: 'list', 'aria-label': 'Samples' } });
const waiting = el('p', { className: 'empty', text: 'Waiting for the run’s embeddings…' });
// How the query's neighbours changed between two evaluations (timeline.ts).
const timeline = new GalleryTimeline({
  post: (message) => channel.post(message),
  visual: (index, size) => sampleVisual(index, size),
  labelOf: (index) => samples?.labels[index] ?? '',
  select: (index) => selectQuery(index, true),
});
const content = el('div', {}, [
  queryCard,
  el('h2', { text: 'Nearest neighbours' }),
  neighbourSummary,
  neighbourGrid,
  timeline.element,
  el('h2', { text: 'Pick a query' }),
  el('div', { className: 'pager' }, [labelFilter, prevButton, pageText, nextButton]),
  browse,
]);
content.hidden = true;

mount(
  el('header', { className: 'toolbar' }, [title, el('span', { className: 'spacer' }), el('label', { className: 'control' }, ['Query index ', indexField]), el('label', { className: 'control' }, ['Query file ', fileField]), textControl, el('label', { className: 'control' }, ['k ', kDropdown]), randomButton]),
  problem,
  waiting,
  content,
);

function parseIndex(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || samples === null) return null;
  const value = Number(trimmed);
  return value < samples.count ? value : null;
}

function commitIndexField(): void {
  if (samples === null) return;
  const index = parseIndex(indexField.value);
  if (index === null) {
    problem.textContent = `"${indexField.value}" is not a sample index: type a whole number from 0 to ${samples.count - 1}.`;
    return;
  }
  selectQuery(index, true);
}
indexField.addEventListener('change', commitIndexField);
fileField.addEventListener('keydown', (event) => {
  if ((event as KeyboardEvent).key !== 'Enter') return;
  const path = fileField.value.trim();
  if (path === '') problem.textContent = 'Type the path of an image (or a CSV/JSONL file of rows) to search the run with it.';
  else searchFile(path);
});
textField.addEventListener('keydown', (event) => {
  if ((event as KeyboardEvent).key !== 'Enter') return;
  const text = textField.value.trim();
  if (text === '') problem.textContent = 'Type some words (e.g. a handwritten seven) to find the images nearest to them.';
  else searchText(text);
});
indexField.addEventListener('keydown', (event) => {
  if ((event as KeyboardEvent).key === 'Enter') commitIndexField();
});

// ---- Rendering ------------------------------------------------------------------------------

const displayLabel = (label: string): string => (label === '' ? '(no label)' : label);

/** A thumbnail for sample `index`, or for vector data a box with its id. */
function sampleVisual(index: number, size: number): HTMLElement {
  if (samples?.sprite) {
    const thumb = el('span', { attrs: { role: 'img', 'aria-label': `sample ${index}` } });
    if (paintThumbnail(thumb, samples.sprite, index, size)) return thumb;
  }
  return el('span', { className: 'vector-id', text: samples?.ids[index] ?? String(index) });
}

/** A caption of a two-tower run, shown as its text. */
function captionVisual(text: string): HTMLElement {
  return el('span', { className: 'caption-text', text: `“${text}”` });
}

function renderQuery(): void {
  if (samples !== null && textQuery !== null) {
    queryCard.replaceChildren(captionVisual(textQuery), el('dl', {}, [el('dt', { text: 'Query text' }), el('dd', { text: textQuery }), el('dt', { text: 'Embedded by' }), el('dd', { text: `tower ${samples.towers?.textTower ?? ''} (the run’s text tower)` })]));
    return;
  }
  if (samples !== null && fileQuery !== null) {
    queryCard.replaceChildren(
      el('span', { className: 'vector-id', text: fileQuery.split(/[\\/]/).pop() ?? fileQuery }),
      el('dl', {}, [el('dt', { text: 'Query file' }), el('dd', { text: fileQuery }), el('dt', { text: 'Label' }), el('dd', { text: '(a new input, not one of the run’s samples)' })]),
    );
    return;
  }
  if (samples === null || query === null) {
    queryCard.replaceChildren(el('p', { className: 'muted', text: 'No query yet: click a sample below, type an index, or click a point on the embedding map.' }));
    return;
  }
  const label = samples.labels[query] ?? '';
  queryCard.replaceChildren(
    sampleVisual(query, 112),
    el('dl', {}, [
      el('dt', { text: 'Query' }),
      el('dd', { text: `#${query}` }),
      el('dt', { text: 'Label' }),
      el('dd', { text: displayLabel(label) }),
      el('dt', { text: 'Id' }),
      el('dd', { text: samples.ids[query] ?? '' }),
    ]),
  );
}

function renderNeighbours(): void {
  if (samples === null || (query === null && fileQuery === null && textQuery === null)) {
    neighbourSummary.textContent = '';
    neighbourGrid.replaceChildren();
    return;
  }
  if (neighbours === null) {
    neighbourSummary.textContent = `Searching for the ${k} nearest ${textQuery !== null ? 'images' : 'neighbours'} of ${textQuery !== null ? `“${textQuery}”` : (fileQuery ?? `#${query}`)}…`;
    neighbourGrid.replaceChildren();
    return;
  }
  const queryLabel = query !== null ? (samples.labels[query] ?? '') : '';
  const labelled = queryLabel !== '';
  const mismatches = labelled ? neighbours.filter((n) => n.label !== '' && n.label !== queryLabel).length : 0;
  const captions = neighbours.filter((n) => n.text !== undefined).length;
  if (textQuery !== null) neighbourSummary.textContent = `${neighbours.length} nearest ${samples.sprite ? 'images' : 'items'} to “${textQuery}”.`;
  else if (fileQuery !== null) neighbourSummary.textContent = captions > 0 ? `${neighbours.length} nearest captions to ${fileQuery} (each caption once).` : `${neighbours.length} nearest items to ${fileQuery}.`;
  else if (!labelled) neighbourSummary.textContent = `${neighbours.length} nearest neighbours (the query has no label).`;
  else if (mismatches === 0) neighbourSummary.textContent = `All ${neighbours.length} neighbours share the query’s label "${queryLabel}".`;
  else neighbourSummary.textContent = `${neighbours.length - mismatches} of ${neighbours.length} neighbours share the query’s label "${queryLabel}"; ${mismatches} ${mismatches === 1 ? 'differs' : 'differ'} (marked ≠).`;
  neighbourGrid.replaceChildren(
    ...neighbours.map((n, rank) => {
      const mismatch = labelled && n.label !== '' && n.label !== queryLabel;
      const card = el('button', { className: `neighbour${mismatch ? ' mismatch' : ''}${n.text !== undefined ? ' caption' : ''}`, title: `Make #${n.index} the query`, attrs: { role: 'listitem' } }, [
        el('span', { className: 'rank', text: `${rank + 1}. #${n.index}` }),
        n.text !== undefined ? captionVisual(n.text) : sampleVisual(n.index, 84),
        el('span', { className: 'label' }, [mismatch ? el('span', { className: 'mismatch-mark', text: '≠ ' }) : '', displayLabel(n.label)]),
        el('span', { className: 'distance', text: `d = ${formatValue(n.distance)}` }),
        // Vector data already shows the id in place of a thumbnail.
        samples?.sprite ? el('span', { className: 'id', text: n.id, title: n.id }) : '',
      ]);
      card.setAttribute('aria-label', `${rank + 1}: ${n.text !== undefined ? `caption “${n.text}”` : `sample ${n.index}`}, label ${displayLabel(n.label)}${mismatch ? ' (different label)' : ''}, distance ${formatValue(n.distance)}`);
      // Items added with `index --add` are not samples the gallery can show as a query.
      if (n.index < (samples?.count ?? 0)) card.addEventListener('click', () => selectQuery(n.index));
      return card;
    }),
  );
}

function browseIndices(): number[] {
  if (samples === null) return [];
  if (browseLabel === MAP_SELECTION) return selection.filter((i) => i < (samples?.count ?? 0));
  if (browseLabel === '') return Array.from({ length: samples.count }, (_, i) => i);
  const out: number[] = [];
  samples.labels.forEach((label, i) => {
    if (label === browseLabel) out.push(i);
  });
  return out;
}

function renderBrowse(): void {
  if (samples === null) return;
  const indices = browseIndices();
  const pages = Math.max(1, Math.ceil(indices.length / PAGE_SIZE));
  browsePage = Math.min(browsePage, pages - 1);
  const shown = indices.slice(browsePage * PAGE_SIZE, (browsePage + 1) * PAGE_SIZE);
  pageText.textContent = indices.length === 0 ? 'No samples' : `Showing ${browsePage * PAGE_SIZE + 1}–${browsePage * PAGE_SIZE + shown.length} of ${indices.length} (#${shown[0]}–#${shown[shown.length - 1]})`;
  prevButton.disabled = browsePage === 0;
  nextButton.disabled = browsePage >= pages - 1;
  const sprite = samples.sprite;
  browse.replaceChildren(
    ...shown.map((i) => {
      const label = displayLabel(samples?.labels[i] ?? '');
      const thumbButton = el('button', { className: `thumb-button${sprite ? '' : ' vector'}${i === query ? ' current' : ''}`, title: `#${i} · ${label} · ${samples?.ids[i] ?? ''}`, attrs: { role: 'listitem' } });
      if (sprite) {
        const thumb = el('span');
        paintThumbnail(thumb, sprite, i, 40);
        thumbButton.append(thumb);
        thumbButton.setAttribute('aria-label', `sample ${i}, label ${label}`);
      } else {
        thumbButton.textContent = `#${i} · ${label}`;
      }
      thumbButton.addEventListener('click', () => selectQuery(i));
      return thumbButton;
    }),
  );
}

function renderAll(): void {
  waiting.hidden = samples !== null;
  content.hidden = samples === null;
  renderQuery();
  renderNeighbours();
  renderBrowse();
}

/**
 * Makes `index` the query and asks the host for its neighbours. `reveal` turns the sample browser
 * to the page holding it (for queries typed or sent from the map, not for clicks on the page).
 */
function selectQuery(index: number, reveal = false): void {
  if (samples === null) return;
  if (!Number.isInteger(index) || index < 0 || index >= samples.count) {
    problem.textContent = `Sample #${index} does not exist: this run has samples 0 to ${samples.count - 1}.`;
    return;
  }
  problem.textContent = '';
  query = index;
  fileQuery = null;
  textQuery = null;
  neighbours = null;
  indexField.value = String(index);
  channel.post({ type: 'query', index, k });
  timeline.setQuery(index, k);
  if (reveal) {
    const position = browseIndices().indexOf(index);
    if (position < 0) {
      browseLabel = '';
      labelFilter.value = '';
    }
    browsePage = Math.floor((position < 0 ? index : position) / PAGE_SIZE);
  }
  saveState();
  renderQuery();
  renderNeighbours();
  renderBrowse();
}

/** Makes the file at `path` the query; the host searches the run with it and answers `searchResults`. */
function searchFile(path: string): void {
  if (samples === null) return;
  problem.textContent = '';
  fileQuery = path;
  textQuery = null;
  query = null;
  neighbours = null;
  fileField.value = path;
  indexField.value = '';
  channel.post({ type: 'searchFile', path, k });
  renderQuery();
  renderNeighbours();
  renderBrowse();
}

/** Makes `text` the query of a two-tower run; the host embeds it with the text tower and answers `textResults`. */
function searchText(text: string): void {
  if (samples === null) return;
  if (samples.towers?.textTower == null) {
    problem.textContent = 'This run has no text tower: search it with a sample or a file.';
    return;
  }
  problem.textContent = '';
  textQuery = text;
  fileQuery = null;
  query = null;
  neighbours = null;
  textField.value = text;
  indexField.value = '';
  channel.post({ type: 'searchText', text, k });
  renderQuery();
  renderNeighbours();
  renderBrowse();
}

// ---- Messages from the host -----------------------------------------------------------------

channel.onMessage<HostToGallery>((message) => {
  switch (message.type) {
    case 'dataset': {
      const sameRun = samples?.runId === message.runId || (samples === null && saved.ok && saved.value.runId === message.runId);
      samples = message;
      timeline.reset();
      const labelIndex = indexLabels(message.labels);
      title.textContent = `Nearest neighbours — ${message.runName} (${message.count} samples${message.sprite ? '' : ', vectors'})`;
      const names = labelIndex.names.filter((n) => n !== '');
      labelChoices = [{ value: '', label: 'All labels' }, ...names.map((n) => ({ value: n, label: `Label ${n}` }))];
      selection = [];
      setChoices(labelFilter, labelChoices, '');
      labelFilter.disabled = names.length === 0;
      browseLabel = '';
      browsePage = 0;
      neighbours = null;
      const previous = sameRun ? query : null;
      query = null;
      fileQuery = null;
      textQuery = null;
      // Typed text is a query only where a text tower can embed it.
      textControl.hidden = message.towers?.textTower == null;
      renderAll();
      if (previous !== null && previous < message.count) selectQuery(previous, true);
      else saveState();
      break;
    }
    case 'neighbours':
      if (message.query !== query) break;
      neighbours = message.neighbours;
      renderNeighbours();
      break;
    case 'selectQuery':
      selectQuery(message.index, true);
      break;
    case 'searchFile':
      searchFile(message.path);
      break;
    case 'searchResults':
      if (message.path !== fileQuery) break;
      neighbours = message.neighbours;
      renderNeighbours();
      break;
    case 'textResults':
      if (message.text !== textQuery) break;
      neighbours = message.neighbours;
      renderNeighbours();
      break;
    case 'selection':
      // The map's lasso: browse its points (the label filter offers them as one more choice).
      selection = [...message.indices];
      setChoices(labelFilter, [...labelChoices, { value: MAP_SELECTION, label: `Map lasso (${message.indices.length === message.total ? message.total : `${message.indices.length} of ${message.total}`})` }], MAP_SELECTION);
      labelFilter.disabled = false;
      browseLabel = MAP_SELECTION;
      browsePage = 0;
      renderBrowse();
      break;
    case 'timeline':
    case 'noTimeline':
    case 'timelineChange':
      timeline.receive(message);
      break;
    case 'error':
      problem.textContent = message.message;
      // A failed file or text search leaves no neighbours to wait for.
      if ((fileQuery !== null || textQuery !== null) && neighbours === null) {
        neighbours = [];
        renderNeighbours();
      }
      break;
  }
});

renderAll();
channel.post({ type: 'ready' });
