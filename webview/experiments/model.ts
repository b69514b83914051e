// The experiments page's pure logic: which rows a scroll position shows (the grid renders only
// those), how a header click changes the sort, the row selection under mouse and keyboard, and
// the tags typed as text.
import type { SortKey } from './protocol';

export interface RowWindow {
  /** First rendered row (inclusive) and last (exclusive). */
  readonly start: number;
  readonly end: number;
}

/** The rows in view plus `overscan` on each side, so a fast scroll does not show blank rows. */
export function visibleWindow(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 10): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewportHeight)) / rowHeight);
  return { start: Math.max(0, Math.min(count, first - overscan)), end: Math.max(0, Math.min(count, last + overscan)) };
}

/**
 * A header click: ascending, then descending, then unsorted. Alone it replaces the sort; with
 * shift it adds the column as the next key (or cycles it where it is).
 */
export function toggleSort(sort: readonly SortKey[], column: string, multi: boolean): SortKey[] {
  const current = sort.find((k) => k.column === column);
  const next: SortKey | null = current === undefined ? { column, descending: false } : current.descending ? null : { column, descending: true };
  if (!multi) return next === null ? [] : [next];
  if (current === undefined) return [...sort, next!];
  return next === null ? sort.filter((k) => k.column !== column) : sort.map((k) => (k.column === column ? next : k));
}

/** `1↑`, `2↓` for a sorted column (its rank when several keys sort), '' otherwise. */
export function sortMark(sort: readonly SortKey[], column: string): string {
  const i = sort.findIndex((k) => k.column === column);
  if (i < 0) return '';
  const arrow = sort[i]!.descending ? '↓' : '↑';
  return sort.length > 1 ? `${i + 1}${arrow}` : arrow;
}

/** Tags as typed: comma-separated, trimmed, empty and repeated ones dropped. */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim();
    if (tag !== '' && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** A line of the grid as the selection sees it: its key and the runs it stands for (a group header: all its runs). */
export interface SelectableLine {
  readonly key: string;
  readonly runs: readonly string[];
}

/**
 * Which runs are selected, by key (rows come and go while runs are written), and the active line
 * (the keyboard cursor) by index. A line is a run or a sweep's header, which stands for its runs:
 * clicking it selects them all, collapsed or not. Shift extends from the anchor; Ctrl/Cmd toggles one line.
 */
export class RowSelection {
  private readonly keys = new Set<string>();
  private lines: readonly SelectableLine[] = [];
  /** Every run in row order, shown or in a collapsed group: what selected() orders by. */
  private runs: readonly string[] = [];
  private anchor = 0;
  active = -1;

  constructor(rows: readonly string[] = []) {
    this.setRows(rows);
  }

  /** One line per run (no groups). */
  setRows(rows: readonly string[]): void {
    this.setLines(rows.map((key) => ({ key, runs: [key] })), rows);
  }

  /**
   * New lines (sorted, filtered, grouped, collapsed, added, removed): keeps the selected runs still
   * present and the active line's key; the active line gone, the cursor stays at the same place.
   */
  setLines(lines: readonly SelectableLine[], runs: readonly string[] = lines.flatMap((l) => l.runs)): void {
    const activeKey = this.lines[this.active]?.key;
    this.lines = lines;
    this.runs = runs;
    const present = new Set(runs);
    for (const key of [...this.keys]) if (!present.has(key)) this.keys.delete(key);
    const kept = activeKey === undefined ? -1 : lines.findIndex((l) => l.key === activeKey);
    this.active = kept >= 0 ? kept : this.active < 0 || lines.length === 0 ? -1 : Math.min(this.active, lines.length - 1);
    this.anchor = Math.max(0, Math.min(this.anchor, lines.length - 1));
  }

  /** Whether a run is selected. */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Whether every run of a line is selected (a header with no runs never is). */
  lineSelected(index: number): boolean {
    const runs = this.lines[index]?.runs ?? [];
    return runs.length > 0 && runs.every((k) => this.keys.has(k));
  }

  /** Moves the cursor to a line without changing the selection (a group collapsing under it). */
  setActive(index: number): void {
    if (index >= 0 && index < this.lines.length) {
      this.active = index;
      this.anchor = index;
    }
  }

  /** Selected runs in row order. */
  selected(): string[] {
    return this.runs.filter((k) => this.keys.has(k));
  }

  click(index: number, modifiers: { readonly shift: boolean; readonly toggle: boolean }): void {
    if (index < 0 || index >= this.lines.length) return;
    const runs = this.lines[index]!.runs;
    if (modifiers.shift) this.selectRange(this.anchor, index, modifiers.toggle);
    else if (modifiers.toggle) {
      if (this.lineSelected(index)) for (const key of runs) this.keys.delete(key);
      else for (const key of runs) this.keys.add(key);
      this.anchor = index;
    } else {
      this.keys.clear();
      for (const key of runs) this.keys.add(key);
      this.anchor = index;
    }
    this.active = index;
  }

  /** Arrow keys, Page Up/Down, Home/End: moves the active line; with shift the selection follows from the anchor. */
  move(delta: number, extend: boolean): void {
    if (this.lines.length === 0) return;
    const index = Math.max(0, Math.min(this.lines.length - 1, (this.active < 0 ? 0 : this.active) + delta));
    if (extend) {
      this.selectRange(this.anchor, index, false);
      this.active = index;
    } else this.click(index, { shift: false, toggle: false });
  }

  /** Space: toggles the active line. */
  toggleActive(): void {
    if (this.active >= 0) this.click(this.active, { shift: false, toggle: true });
  }

  /**
   * Runs picked elsewhere (a plot): replace the selection, add to it, or toggle each. The line of
   * the first picked run still shown (its group's header when collapsed) becomes the active line,
   * so the table can scroll to it.
   */
  pick(keys: readonly string[], mode: 'replace' | 'add' | 'toggle'): void {
    if (mode === 'replace') this.keys.clear();
    const present = new Set(this.runs);
    const lineOf = new Map<string, number>();
    // A run's own line wins over its group's header.
    this.lines.forEach((line, i) => {
      for (const key of line.runs) if (line.runs.length === 1 || !lineOf.has(key)) lineOf.set(key, i);
    });
    let first = -1;
    for (const key of keys) {
      if (!present.has(key)) continue;
      if (mode === 'toggle' && this.keys.has(key)) this.keys.delete(key);
      else this.keys.add(key);
      if (first < 0) first = lineOf.get(key) ?? -1;
    }
    if (first >= 0) {
      this.active = first;
      this.anchor = first;
    }
  }

  selectAll(): void {
    for (const key of this.runs) this.keys.add(key);
  }

  /** The selection, else the active line's runs: what row actions apply to. */
  targets(): string[] {
    const selected = this.selected();
    if (selected.length > 0) return selected;
    return [...(this.lines[this.active]?.runs ?? [])];
  }

  private selectRange(from: number, to: number, keep: boolean): void {
    if (!keep) this.keys.clear();
    const [lo, hi] = from <= to ? [from, to] : [to, from];
    for (let i = lo; i <= hi; i++) for (const key of this.lines[i]?.runs ?? []) this.keys.add(key);
  }
}
