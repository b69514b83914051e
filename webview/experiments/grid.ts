// The experiments grid: a header of sortable, pinnable, hideable columns over a virtualised body
// that renders only the rows in view (2,000 runs scroll like 20). Keyboard: arrows, Page Up/Down,
// Home/End move the active row (shift extends the selection), Space toggles it, Ctrl/Cmd+A selects
// all, Enter opens the selection, * stars, Delete deletes. ARIA grid roles for screen readers.
// Columns are reordered by dragging their title (or Alt+←/→ on it) and resized by dragging their
// right edge (or ←/→ on it); the page keeps both in the layout. Grouped by sweep, a group's header
// line selects its runs; its chevron, a double-click or ←/→ collapse and expand it (a treegrid then).
import { el } from '../shared/dom';
import { groupTitle, lineRuns, type GridLine } from './groups';
import { RowSelection, sortMark, visibleWindow } from './model';
import { COLUMN_WIDTH, type ColumnInfo, type RowInfo, type SortKey } from './protocol';

export const ROW_HEIGHT = 26;

export interface GridEvents {
  sort(column: string, multi: boolean): void;
  pin(column: string): void;
  hide(column: string): void;
  /** Enter or a double-click: open the selected runs. */
  open(): void;
  remove(): void;
  toggleStar(runKey: string): void;
  selectionChanged(): void;
  /** Move `column` to just before `before` (null: to the end). */
  move(column: string, before: string | null): void;
  /** A column dragged (or stepped) to `width` pixels; sent when the drag ends. */
  resize(column: string, width: number): void;
  /** A sweep's group collapsed or expanded. */
  collapse(sweepId: string, collapsed: boolean): void;
}

const DRAG_TYPE = 'application/x-contrastive-column';
const WIDTH_STEP = 10;
const clampWidth = (w: number): number => Math.round(Math.max(COLUMN_WIDTH.min, Math.min(COLUMN_WIDTH.max, w)));

function widthOf(column: ColumnInfo): number {
  if (column.key === 'star') return 34;
  if (column.key === 'name') return 200;
  if (column.key === 'notes') return 220;
  if (column.key === 'started' || column.key === 'tags') return 140;
  if (column.kind === 'param') return Math.min(260, Math.max(110, column.title.length * 7 + 40));
  return 100;
}

export class VirtualGrid {
  readonly element: HTMLDivElement;
  readonly selection = new RowSelection();
  private readonly header = el('div', { className: 'grid-header', attrs: { role: 'row', 'aria-rowindex': '1' } });
  private readonly body = el('div', { className: 'grid-body', attrs: { role: 'rowgroup' } });
  private columns: readonly ColumnInfo[] = [];
  private rows: readonly RowInfo[] = [];
  private lines: readonly GridLine[] = [];
  private pinned: ReadonlySet<string> = new Set();
  private widths: number[] = [];
  private lefts: number[] = [];
  private headerCells: HTMLElement[] = [];
  private frame = 0;

  constructor(private readonly events: GridEvents) {
    this.element = el('div', { className: 'grid', attrs: { role: 'grid', tabindex: '0', 'aria-label': 'Runs', 'aria-multiselectable': 'true' } }, [this.header, this.body]);
    this.element.addEventListener('scroll', () => this.schedule());
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    // One listener for every row drawn (rows are redrawn on each scroll).
    this.body.addEventListener('click', (e) => this.onClick(e));
    this.body.addEventListener('dblclick', (e) => {
      const index = this.rowIndexOf(e);
      if (index === undefined || (e.target as Element).closest('.grid-group-toggle')) return;
      const line = this.lines[index]!;
      if (line.kind === 'group') this.setCollapsed(index, !line.collapsed);
      else this.events.open();
    });
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  /** `lines` are the rows to draw (gridLines: group headers, runs; one per row when ungrouped). */
  setData(columns: readonly ColumnInfo[], rows: readonly RowInfo[], lines: readonly GridLine[], sort: readonly SortKey[], pinned: readonly string[], widths: Readonly<Record<string, number>> = {}): void {
    this.columns = columns;
    this.rows = rows;
    this.lines = lines;
    this.pinned = new Set(pinned);
    this.widths = columns.map((c) => widths[c.key] ?? widthOf(c));
    this.selection.setLines(lines.map((line) => ({ key: line.key, runs: lineRuns(line, rows) })), rows.map((r) => r.key));
    this.element.setAttribute('role', lines.some((l) => l.kind === 'group') ? 'treegrid' : 'grid');
    this.element.setAttribute('aria-rowcount', String(lines.length + 1));
    this.element.setAttribute('aria-colcount', String(columns.length));
    this.body.style.height = `${lines.length * ROW_HEIGHT}px`;
    this.layoutColumns();
    this.headerCells = columns.map((c, i) => this.headerCell(c, i, sort));
    this.header.replaceChildren(...this.headerCells);
    this.render();
  }

  /** The line under the keyboard cursor. */
  activeLine(): GridLine | undefined {
    return this.lines[this.selection.active];
  }

  /** Collapses or expands the group of header line `index`; the cursor moves to the header. */
  private setCollapsed(index: number, collapsed: boolean): void {
    const line = this.lines[index];
    if (line?.kind !== 'group' || line.collapsed === collapsed) return;
    this.selection.setActive(index);
    this.events.collapse(line.group.id, collapsed);
  }

  /** Column offsets and the grid's width from the column widths. */
  private layoutColumns(): void {
    let left = 0;
    this.lefts = this.widths.map((w) => {
      const at = left;
      left += w;
      return at;
    });
    this.header.style.width = `${left}px`;
    this.body.style.width = `${left}px`;
  }

  /** A new width while its edge is dragged: header and drawn rows follow at once. */
  private setWidth(index: number, width: number): void {
    this.widths[index] = width;
    this.layoutColumns();
    this.headerCells.forEach((cell, i) => this.place(cell, i));
    this.render();
  }

  /** Scrolls the active row into view and redraws. */
  reveal(): void {
    const i = this.selection.active;
    if (i >= 0) {
      const top = i * ROW_HEIGHT;
      const headerHeight = this.header.offsetHeight;
      const view = this.element.clientHeight - headerHeight;
      if (top < this.element.scrollTop) this.element.scrollTop = top;
      else if (top + ROW_HEIGHT > this.element.scrollTop + view) this.element.scrollTop = top + ROW_HEIGHT - view;
    }
    this.render();
  }

  private headerCell(column: ColumnInfo, index: number, sort: readonly SortKey[]): HTMLElement {
    const mark = sortMark(sort, column.key);
    const key = sort.find((k) => k.column === column.key);
    const sortButton = el('button', { className: 'grid-sort', text: `${column.title}${mark ? ` ${mark}` : ''}`, title: `${column.description}\nClick to sort, Shift+click to add to the sort${column.changed ? '\nThe shown runs differ in this parameter' : ''}` });
    sortButton.addEventListener('click', (e) => this.events.sort(column.key, e.shiftKey));
    const pinned = this.pinned.has(column.key);
    const pin = el('button', { className: `grid-icon${pinned ? ' on' : ''}`, text: '📌', title: pinned ? `Unpin ${column.title}` : `Pin ${column.title} to the left`, attrs: { 'aria-label': pinned ? `Unpin ${column.title}` : `Pin ${column.title}`, 'aria-pressed': String(pinned) } });
    pin.addEventListener('click', () => this.events.pin(column.key));
    const hide = el('button', { className: 'grid-icon', text: '✕', title: `Hide ${column.title}`, attrs: { 'aria-label': `Hide ${column.title}` } });
    hide.addEventListener('click', () => this.events.hide(column.key));
    const cell = el('div', {
      className: `grid-hcell${column.numeric ? ' numeric' : ''}${column.changed ? ' changed' : ''}`,
      attrs: { role: 'columnheader', 'aria-colindex': String(index + 1), 'aria-sort': key === undefined ? 'none' : key.descending ? 'descending' : 'ascending' },
    }, [sortButton, pin, hide, this.resizeHandle(column, index)]);
    sortButton.title += '\nDrag to move the column (Alt+← / Alt+→)';
    this.makeMovable(sortButton, cell, index);
    this.place(cell, index);
    return cell;
  }

  /** The title drags onto another header to move its column there; Alt+arrows move it one place. */
  private makeMovable(handle: HTMLElement, cell: HTMLElement, index: number): void {
    const key = this.columns[index]!.key;
    handle.draggable = true;
    handle.addEventListener('dragstart', (e) => {
      e.dataTransfer?.setData(DRAG_TYPE, key);
      if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
    });
    const side = (e: DragEvent): 'before' | 'after' => {
      const box = cell.getBoundingClientRect();
      return e.clientX < box.left + box.width / 2 ? 'before' : 'after';
    };
    cell.addEventListener('dragover', (e) => {
      if (!e.dataTransfer?.types.includes(DRAG_TYPE)) return;
      e.preventDefault();
      cell.classList.toggle('drop-before', side(e) === 'before');
      cell.classList.toggle('drop-after', side(e) === 'after');
    });
    cell.addEventListener('dragleave', () => cell.classList.remove('drop-before', 'drop-after'));
    cell.addEventListener('drop', (e) => {
      cell.classList.remove('drop-before', 'drop-after');
      const moved = e.dataTransfer?.getData(DRAG_TYPE);
      if (!moved || moved === key) return;
      e.preventDefault();
      this.events.move(moved, side(e) === 'before' ? key : this.columns[index + 1]?.key ?? null);
    });
    handle.addEventListener('keydown', (e) => {
      if (!e.altKey || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
      e.preventDefault();
      e.stopPropagation();
      if (e.key === 'ArrowLeft' && index > 0) this.events.move(key, this.columns[index - 1]!.key);
      if (e.key === 'ArrowRight' && index < this.columns.length - 1) this.events.move(key, this.columns[index + 2]?.key ?? null);
    });
  }

  /** The header's right edge: drag it (or focus it and press ←/→) to resize the column. */
  private resizeHandle(column: ColumnInfo, index: number): HTMLElement {
    const handle = el('div', { className: 'grid-resize', title: `Drag to resize ${column.title} (or ←/→)`, attrs: { role: 'separator', 'aria-orientation': 'vertical', 'aria-label': `Resize ${column.title}`, tabindex: '0' } });
    let drag: { x: number; width: number } | null = null;
    handle.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      e.stopPropagation();
      drag = { x: e.clientX, width: this.widths[index]! };
      handle.setPointerCapture(e.pointerId);
    });
    handle.addEventListener('pointermove', (e) => {
      if (drag !== null) this.setWidth(index, clampWidth(drag.width + e.clientX - drag.x));
    });
    handle.addEventListener('pointerup', () => {
      if (drag === null) return;
      drag = null;
      this.events.resize(column.key, this.widths[index]!);
    });
    handle.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      e.preventDefault();
      e.stopPropagation();
      this.setWidth(index, clampWidth(this.widths[index]! + (e.key === 'ArrowRight' ? WIDTH_STEP : -WIDTH_STEP)));
      this.events.resize(column.key, this.widths[index]!);
    });
    return handle;
  }

  private place(cell: HTMLElement, index: number): void {
    cell.style.width = `${this.widths[index]}px`;
    if (this.pinned.has(this.columns[index]!.key)) {
      cell.classList.add('pinned');
      cell.style.left = `${this.lefts[index]}px`;
    }
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const headerHeight = this.header.offsetHeight;
    const { start, end } = visibleWindow(this.element.scrollTop, this.element.clientHeight - headerHeight, ROW_HEIGHT, this.lines.length);
    const nodes: HTMLElement[] = [];
    for (let i = start; i < end; i++) nodes.push(this.rowNode(i));
    this.body.replaceChildren(...nodes);
    const active = this.selection.active;
    if (active >= start && active < end) this.element.setAttribute('aria-activedescendant', `run-row-${active}`);
    else this.element.removeAttribute('aria-activedescendant');
  }

  private rowNode(index: number): HTMLElement {
    const line = this.lines[index]!;
    if (line.kind === 'group') return this.groupNode(index, line);
    const row = this.rows[line.row]!;
    const selected = this.selection.has(row.key);
    const treeGrid = this.element.getAttribute('role') === 'treegrid';
    const node = el('div', {
      className: `grid-row${line.grouped ? ' grouped' : ''}${selected ? ' selected' : ''}${index === this.selection.active ? ' active' : ''}`,
      attrs: { role: 'row', id: `run-row-${index}`, 'aria-rowindex': String(index + 2), 'aria-selected': String(selected), 'data-index': String(index), ...(treeGrid ? { 'aria-level': line.grouped ? '2' : '1' } : {}) },
    });
    node.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    node.style.height = `${ROW_HEIGHT}px`;
    this.columns.forEach((column, c) => {
      const text = row.cells[c] ?? '';
      const cell = el('div', { className: `grid-cell${column.numeric ? ' numeric' : ''}${column.key === 'star' ? ' star' : ''}${column.key === 'status' ? ` run-${row.status}` : ''}`, text, title: text.length > 20 ? text : undefined, attrs: { role: 'gridcell' } });
      if (column.key === 'star') {
        cell.textContent = row.star ? '★' : '☆';
        cell.title = row.star ? 'Unstar' : 'Star';
      }
      this.place(cell, c);
      node.append(cell);
    });
    return node;
  }

  /** A sweep's header: a chevron that collapses it and what the group holds, over the whole width. */
  private groupNode(index: number, line: Extract<GridLine, { kind: 'group' }>): HTMLElement {
    const selected = this.selection.lineSelected(index);
    const title = groupTitle(line.group);
    const toggle = el('button', {
      className: 'grid-group-toggle',
      text: line.collapsed ? '▸' : '▾',
      title: `${line.collapsed ? 'Expand' : 'Collapse'} the sweep's runs (→ / ←, or double-click the line)`,
      attrs: { tabindex: '-1', 'aria-label': `${line.collapsed ? 'Expand' : 'Collapse'} sweep ${line.group.id}` },
    });
    const text = el('span', { className: 'grid-group-text', text: title });
    const cell = el('div', { className: 'grid-cell grid-group-cell', title: `${title}\nbase spec: ${line.group.base}\nClick to select the sweep's runs`, attrs: { role: 'gridcell', 'aria-colspan': String(Math.max(1, this.columns.length)) } }, [el('span', { className: 'grid-group-label' }, [toggle, text])]);
    cell.style.width = `${this.widths.reduce((a, b) => a + b, 0)}px`;
    const node = el('div', {
      className: `grid-row grid-group${selected ? ' selected' : ''}${index === this.selection.active ? ' active' : ''}`,
      attrs: { role: 'row', id: `run-row-${index}`, 'aria-rowindex': String(index + 2), 'aria-selected': String(selected), 'aria-expanded': String(!line.collapsed), 'aria-level': '1', 'data-index': String(index), 'data-sweep': line.group.id },
    }, [cell]);
    node.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    node.style.height = `${ROW_HEIGHT}px`;
    return node;
  }

  private rowIndexOf(e: MouseEvent): number | undefined {
    const row = (e.target as Element | null)?.closest('.grid-row');
    const index = Number(row?.getAttribute('data-index'));
    return row && Number.isInteger(index) && index < this.lines.length ? index : undefined;
  }

  private onClick(e: MouseEvent): void {
    const index = this.rowIndexOf(e);
    if (index === undefined) return;
    const line = this.lines[index]!;
    if (line.kind === 'group' && (e.target as Element).closest('.grid-group-toggle')) {
      this.element.focus({ preventScroll: true });
      this.setCollapsed(index, !line.collapsed);
      return;
    }
    if (line.kind === 'run' && (e.target as Element).closest('.grid-cell.star')) {
      this.events.toggleStar(this.rows[line.row]!.key);
      return;
    }
    this.selection.click(index, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
    this.element.focus({ preventScroll: true });
    this.changed();
  }

  private changed(): void {
    this.render();
    this.events.selectionChanged();
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor((this.element.clientHeight - this.header.offsetHeight) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    if (e.key in moves) {
      const delta = moves[e.key]!;
      this.selection.move(Number.isFinite(delta) ? delta : delta > 0 ? this.lines.length : -this.lines.length, e.shiftKey);
      this.reveal();
      this.events.selectionChanged();
    } else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && !e.altKey && this.onTreeKey(e.key === 'ArrowRight')) {
      // handled: a group collapsed or expanded, or the cursor moved to a run's group
    } else if (e.key === ' ') {
      this.selection.toggleActive();
      this.changed();
    } else if (e.key === 'a' && (e.ctrlKey || e.metaKey)) {
      this.selection.selectAll();
      this.changed();
    } else if (e.key === 'Enter') {
      this.events.open();
    } else if (e.key === 'Delete') {
      this.events.remove();
    } else if (e.key === '*') {
      const line = this.activeLine();
      if (line?.kind === 'run') this.events.toggleStar(this.rows[line.row]!.key);
    } else return;
    e.preventDefault();
  }

  /**
   * → expands the active group, ← collapses it; ← on a run of a group moves to its header (as in a
   * tree). False when the keys have nothing to do here (the grid then scrolls sideways as before).
   */
  private onTreeKey(expand: boolean): boolean {
    const index = this.selection.active;
    const line = this.lines[index];
    if (line === undefined) return false;
    if (line.kind === 'group') {
      if (line.collapsed !== expand) return false;
      this.setCollapsed(index, !expand);
      return true;
    }
    if (expand || !line.grouped) return false;
    let header = index;
    while (header > 0 && this.lines[header]!.kind !== 'group') header--;
    this.selection.click(header, { shift: false, toggle: false });
    this.reveal();
    this.events.selectionChanged();
    return true;
  }
}
