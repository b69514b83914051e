// Sorting the runs table by several columns: `-knn,loss.temperature` is kNN descending, then
// temperature ascending. Runs without a value sort last whichever the direction.
import { closest } from '../../spec/suggest';
import type { TableRow } from './columns';
import { compareValues } from './values';

export interface SortKey {
  readonly column: string;
  readonly descending: boolean;
}

/** Parses `key[,key]...`, a leading `-` making a key descending; unknown columns are errors with the closest name. */
export function parseSort(text: string, columns: readonly string[]): SortKey[] {
  const keys: SortKey[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') throw new Error(`sort "${text}": an empty key; write column names separated by commas, e.g. -knn,loss.temperature`);
    const descending = part.startsWith('-');
    const column = descending ? part.slice(1) : part.replace(/^\+/, '');
    if (!columns.includes(column)) {
      const suggestion = closest(column, columns);
      throw new Error(`sort "${text}": no run has a column "${column}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
    }
    keys.push({ column, descending });
  }
  return keys;
}

export function formatSort(keys: readonly SortKey[]): string {
  return keys.map((k) => `${k.descending ? '-' : ''}${k.column}`).join(',');
}

/** A sorted copy; rows equal under every key keep their order (newest first from the listing). */
export function sortRows(rows: readonly TableRow[], keys: readonly SortKey[]): TableRow[] {
  if (keys.length === 0) return [...rows];
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      for (const { column, descending } of keys) {
        const x = a.row.cells.get(column);
        const y = b.row.cells.get(column);
        if (x === undefined || y === undefined) {
          if (x !== y) return x === undefined ? 1 : -1;
          continue;
        }
        const order = compareValues(x, y);
        if (order !== 0) return descending ? -order : order;
      }
      return a.index - b.index;
    })
    .map((x) => x.row);
}
