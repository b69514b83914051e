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

/**
 * Which rows are selected, by key (rows come and go while runs are written), and the active row
 * (the keyboard cursor) by index. Shift extends from the anchor; Ctrl/Cmd toggles one row.
 */
export class RowSelection {
  private readonly keys = new Set<string>();
  private anchor = 0;
  active = -1;

  constructor(private rows: readonly string[] = []) {}

  /** New rows (sorted, filtered, added, removed): keeps the selected keys still present and the active row's key. */
  setRows(rows: readonly string[]): void {
    const activeKey = this.rows[this.active];
    this.rows = rows;
    for (const key of [...this.keys]) if (!rows.includes(key)) this.keys.delete(key);
    const kept = activeKey === undefined ? -1 : rows.indexOf(activeKey);
    // The active run gone (deleted, filtered out): the cursor stays at the same place in the list.
    this.active = kept >= 0 ? kept : this.active < 0 || rows.length === 0 ? -1 : Math.min(this.active, rows.length - 1);
    this.anchor = Math.max(0, Math.min(this.anchor, rows.length - 1));
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Selected keys in row order. */
  selected(): string[] {
    return this.rows.filter((k) => this.keys.has(k));
  }

  click(index: number, modifiers: { readonly shift: boolean; readonly toggle: boolean }): void {
    if (index < 0 || index >= this.rows.length) return;
    if (modifiers.shift) this.selectRange(this.anchor, index, modifiers.toggle);
    else if (modifiers.toggle) {
      const key = this.rows[index]!;
      if (this.keys.has(key)) this.keys.delete(key);
      else this.keys.add(key);
      this.anchor = index;
    } else {
      this.keys.clear();
      this.keys.add(this.rows[index]!);
      this.anchor = index;
    }
    this.active = index;
  }

  /** Arrow keys, Page Up/Down, Home/End: moves the active row; with shift the selection follows from the anchor. */
  move(delta: number, extend: boolean): void {
    if (this.rows.length === 0) return;
    const index = Math.max(0, Math.min(this.rows.length - 1, (this.active < 0 ? 0 : this.active) + delta));
    if (extend) {
      this.selectRange(this.anchor, index, false);
      this.active = index;
    } else this.click(index, { shift: false, toggle: false });
  }

  /** Space: toggles the active row. */
  toggleActive(): void {
    if (this.active >= 0) this.click(this.active, { shift: false, toggle: true });
  }

  /**
   * Runs picked elsewhere (a plot): replace the selection, add to it, or toggle each. The first
   * picked run still shown becomes the active row, so the table can scroll to it.
   */
  pick(keys: readonly string[], mode: 'replace' | 'add' | 'toggle'): void {
    if (mode === 'replace') this.keys.clear();
    const index = new Map(this.rows.map((k, i) => [k, i]));
    let first = -1;
    for (const key of keys) {
      const i = index.get(key);
      if (i === undefined) continue;
      if (mode === 'toggle' && this.keys.has(key)) this.keys.delete(key);
      else this.keys.add(key);
      if (first < 0) first = i;
    }
    if (first >= 0) {
      this.active = first;
      this.anchor = first;
    }
  }

  selectAll(): void {
    for (const key of this.rows) this.keys.add(key);
  }

  /** The selection, else the active row: what row actions apply to. */
  targets(): string[] {
    const selected = this.selected();
    if (selected.length > 0) return selected;
    const active = this.rows[this.active];
    return active === undefined ? [] : [active];
  }

  private selectRange(from: number, to: number, keep: boolean): void {
    if (!keep) this.keys.clear();
    const [lo, hi] = from <= to ? [from, to] : [to, from];
    for (let i = lo; i <= hi; i++) this.keys.add(this.rows[i]!);
  }
}
