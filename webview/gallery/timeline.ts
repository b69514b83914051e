// The gallery's timeline section: how the query's nearest neighbours among the probe samples
// (the fixed held-out sample whose embeddings every evaluation kept) changed between two chosen
// steps — which entered the k nearest and which left — with the run's NaN, collapse and chance
// events named beside the steps. A query outside the probe set is offered probe samples of its label.

import { select, setChoices } from '../shared/controls';
import { el } from '../shared/dom';
import { formatValue } from '../shared/ticks';
import type { GalleryToTimeline, TimelineFrameInfo, TimelineMarkInfo, TimelineNeighbour, TimelineToGallery } from '../timelineProtocol';

export interface GalleryTimelineHost {
  post(message: GalleryToTimeline): void;
  /** A thumbnail (or id box) of sample `index`. */
  visual(index: number, size: number): HTMLElement;
  labelOf(index: number): string;
  /** Make `index` the gallery's query. */
  select(index: number): void;
}

const SUGGESTIONS = 6;

export class GalleryTimeline {
  readonly element: HTMLElement;
  private readonly fromSelect;
  private readonly toSelect;
  private readonly summary: HTMLElement;
  private readonly body: HTMLElement;
  private rows: readonly number[] = [];
  private probe = new Set<number>();
  private frames: readonly TimelineFrameInfo[] = [];
  private marks: readonly TimelineMarkInfo[] = [];
  private query: number | null = null;
  private k = 10;
  private from = 0;
  private to = 0;

  constructor(private readonly host: GalleryTimelineHost) {
    this.fromSelect = select([], '', 'From step', (value) => {
      this.from = Number(value);
      this.ask();
    });
    this.toSelect = select([], '', 'To step', (value) => {
      this.to = Number(value);
      this.ask();
    });
    this.summary = el('p', { className: 'muted', attrs: { 'aria-live': 'polite' } });
    this.body = el('div', { className: 'timeline-change' });
    this.element = el('section', { className: 'timeline-section', attrs: { 'aria-label': 'How the neighbours changed' } }, [
      el('h2', { text: 'How the neighbours changed during training' }),
      el('div', { className: 'pager' }, [el('label', { className: 'control' }, ['From step ', this.fromSelect]), el('label', { className: 'control' }, ['to step ', this.toSelect])]),
      this.summary,
      this.body,
    ]);
    this.element.hidden = true;
  }

  /** A new run's samples: ask for its timeline. */
  reset(): void {
    this.rows = [];
    this.probe = new Set();
    this.frames = [];
    this.element.hidden = true;
    this.host.post({ type: 'requestTimeline' });
  }

  setQuery(index: number | null, k: number): void {
    this.query = index;
    this.k = k;
    this.ask();
  }

  receive(message: TimelineToGallery): void {
    switch (message.type) {
      case 'noTimeline':
        this.element.hidden = false;
        this.frames = [];
        this.summary.textContent = message.message;
        this.body.replaceChildren();
        return;
      case 'timeline': {
        this.rows = message.rows;
        this.probe = new Set(message.rows);
        this.frames = message.frames;
        this.marks = message.marks;
        this.element.hidden = false;
        const choices = message.frames.map((f) => ({ value: String(f.step), label: this.frameLabel(f) }));
        this.from = message.frames[0]?.step ?? 0;
        this.to = message.frames[message.frames.length - 1]?.step ?? 0;
        setChoices(this.fromSelect, choices, String(this.from));
        setChoices(this.toSelect, choices, String(this.to));
        this.ask();
        return;
      }
      case 'timelineChange':
        if (message.index !== this.query || message.from !== this.from || message.to !== this.to) return;
        this.render(message.before, message.after, message.entered, message.left);
    }
  }

  private frameLabel(f: TimelineFrameInfo): string {
    const events = this.marksNear(f.step);
    return `step ${f.step}${f.epoch === null ? '' : ` (epoch ${f.epoch})`}${f.knnAccuracy === null ? '' : ` · kNN ${(f.knnAccuracy * 100).toFixed(1)} %`}${events}`;
  }

  /** The events between the previous frame and this one, e.g. " · collapse". */
  private marksNear(step: number): string {
    const i = this.frames.findIndex((f) => f.step === step);
    const after = i > 0 ? this.frames[i - 1]!.step : -1;
    const names = this.marks.filter((m) => m.step > after && m.step <= step).map((m) => m.kind);
    return names.length === 0 ? '' : ` · ${[...new Set(names)].join(', ')}`;
  }

  private ask(): void {
    if (this.frames.length === 0 || this.query === null) {
      if (this.frames.length > 0) this.summary.textContent = 'Pick a query to see how its neighbours changed.';
      this.body.replaceChildren();
      return;
    }
    if (!this.probe.has(this.query)) {
      this.showSuggestions(this.query);
      return;
    }
    if (this.frames.length < 2) {
      this.summary.textContent = 'The run has kept one evaluation so far; a second one shows what changed.';
      this.body.replaceChildren();
      return;
    }
    this.summary.textContent = `Comparing the ${this.k} nearest probe samples of #${this.query} at step ${this.from} and step ${this.to}…`;
    this.host.post({ type: 'timelineChange', index: this.query, from: this.from, to: this.to, k: this.k });
  }

  private showSuggestions(query: number): void {
    const label = this.host.labelOf(query);
    const same = this.rows.filter((r) => this.host.labelOf(r) === label).slice(0, SUGGESTIONS);
    const picks = same.length > 0 ? same : this.rows.slice(0, SUGGESTIONS);
    this.summary.textContent = `#${query} is not among the ${this.rows.length.toLocaleString()} probe samples whose embeddings every evaluation kept; the timeline follows only those. ${same.length > 0 ? `Probe samples labelled "${label || '(no label)'}"` : 'Some probe samples'}:`;
    this.body.replaceChildren(el('div', { className: 'neighbours' }, picks.map((r) => this.card(r, `#${r}`, null))));
  }

  private card(index: number, caption: string, note: string | null): HTMLElement {
    const card = el('button', { className: 'neighbour', title: `Make #${index} the query` }, [
      el('span', { className: 'rank', text: caption }),
      this.host.visual(index, 64),
      el('span', { className: 'label', text: this.host.labelOf(index) || '(no label)' }),
      note === null ? '' : el('span', { className: 'distance', text: note }),
    ]);
    card.addEventListener('click', () => this.host.select(index));
    return card;
  }

  private render(before: readonly TimelineNeighbour[], after: readonly TimelineNeighbour[], entered: readonly number[], left: readonly number[]): void {
    const query = this.query!;
    const label = this.host.labelOf(query);
    const same = (list: readonly TimelineNeighbour[]): number => list.filter((n) => label !== '' && n.label === label).length;
    const kept = after.length - entered.length;
    this.summary.textContent = `From step ${this.from} to step ${this.to}: ${kept} of ${after.length} neighbours stayed, ${entered.length} entered, ${left.length} left.${label === '' ? '' : ` Sharing the query’s label "${label}": ${same(before)} → ${same(after)}.`}`;
    const at = new Map(after.map((n) => [n.index, n]));
    const was = new Map(before.map((n) => [n.index, n]));
    const group = (title: string, indices: readonly number[], note: (i: number) => string): HTMLElement =>
      el('div', {}, [el('h3', { text: `${title} (${indices.length})` }), el('div', { className: 'neighbours', attrs: { role: 'list', 'aria-label': title } }, indices.map((i) => this.card(i, `#${i}`, note(i))))]);
    this.body.replaceChildren(
      group('Entered', entered, (i) => `+ d = ${formatValue(at.get(i)!.distance)}`),
      group('Left', left, (i) => `− was d = ${formatValue(was.get(i)!.distance)}`),
      group('Stayed', after.filter((n) => was.has(n.index)).map((n) => n.index), (i) => `d ${formatValue(was.get(i)!.distance)} → ${formatValue(at.get(i)!.distance)}`),
    );
  }
}
