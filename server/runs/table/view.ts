// What a runs table shows: the rows that pass the filters, in the chosen order, and the columns:
// the chosen ones, or by default the run's own brief columns, every parameter whose value differs
// between the shown runs ("changed") and the brief results.
import { closest } from '../../spec/suggest';
import { allColumns, type ColumnDef, type TableRow } from './columns';
import { applyFilters, parseFilter, type FilterClause } from './filter';
import { parseSort, sortRows, type SortKey } from './sort';
import { sameValue } from './values';

/** The spec path the run column already shows. */
const RUN_NAME_PATH = 'run.name';

export interface TableColumn extends ColumnDef {
  /** For parameters: the shown runs do not all have the same value. */
  readonly changed: boolean;
}

export interface ViewOptions {
  readonly filters?: readonly FilterClause[];
  readonly sort?: readonly SortKey[];
  /** Exactly these columns, in this order. */
  readonly columns?: readonly string[];
  /** Every column, not only the changed parameters and brief results. */
  readonly allColumns?: boolean;
}

export interface TableView {
  /** The shown columns, in order. */
  readonly columns: readonly TableColumn[];
  /** Every column some shown run has, marked changed or not (what a column chooser offers). */
  readonly available: readonly TableColumn[];
  readonly rows: readonly TableRow[];
  /** Runs before filtering. */
  readonly total: number;
}

/** Whether the rows hold different values at `key` (a run without it differs from one with it). */
export function isChanged(rows: readonly TableRow[], key: string): boolean {
  if (rows.length < 2) return false;
  const first = rows[0]!.cells.get(key);
  return rows.some((r) => !sameValue(r.cells.get(key), first));
}

export function buildView(rows: readonly TableRow[], options: ViewOptions = {}): TableView {
  const shown = sortRows(applyFilters(rows, options.filters ?? []), options.sort ?? []);
  const available = allColumns(shown.length > 0 ? shown : rows).map((c): TableColumn => ({ ...c, changed: c.kind === 'param' && isChanged(shown, c.key) }));
  let columns: TableColumn[];
  if (options.columns !== undefined) {
    const all = allColumns(rows);
    columns = options.columns.map((key) => {
      const shownColumn = available.find((c) => c.key === key);
      if (shownColumn !== undefined) return shownColumn;
      // A column only filtered-out runs have: no shown run holds it, so it does not differ among them.
      const column = all.find((c) => c.key === key);
      if (column === undefined) {
        const suggestion = closest(key, all.map((c) => c.key));
        throw new Error(`no run has a column "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
      }
      return { ...column, changed: false };
    });
  } else if (options.allColumns === true) {
    columns = available;
  } else {
    // run.name is what the run column shows (run.json's name comes from it): not a parameter to list again.
    columns = available.filter((c) => (c.kind === 'param' ? c.changed && c.key !== RUN_NAME_PATH : c.brief));
  }
  return { columns, available, rows: shown, total: rows.length };
}

/** Every column name the rows have: what filters, sorts and --columns may use. */
export function columnKeys(rows: readonly TableRow[]): string[] {
  return allColumns(rows).map((c) => c.key);
}

/** Parses filter expressions and a sort against the rows' columns (errors say which part is wrong). */
export function parseViewQuery(rows: readonly TableRow[], filters: readonly string[], sort: string | undefined): { filters: FilterClause[]; sort: SortKey[] } {
  const keys = columnKeys(rows);
  return { filters: filters.flatMap((f) => parseFilter(f, keys)), sort: sort === undefined || sort.trim() === '' ? [] : parseSort(sort, keys) };
}
