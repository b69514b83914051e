// The runs table's filter language: clauses `<column> <operator> <value>` joined by `and` (or a
// comma). Operators: = ≠ < ≤ > ≥ contains (ASCII: == != <= >= ~ too). A value is a number (`80%`
// is 0.8), true/false/null, a quoted string, or a bare word. A run without the column matches only
// `≠` and `= null`. Errors name the clause and the character where it goes wrong, with a caret.
import { closest } from '../../spec/suggest';
import type { TableRow } from './columns';
import { compareValues, valueText, type CellValue, type Scalar } from './values';

export type FilterOperator = '=' | '≠' | '<' | '≤' | '>' | '≥' | 'contains';

export interface FilterClause {
  readonly column: string;
  readonly operator: FilterOperator;
  readonly value: Scalar;
}

export class FilterError extends Error {
  constructor(
    readonly filter: string,
    /** 0-based character offset of the offending part, and its length. */
    readonly offset: number,
    readonly length: number,
    readonly reason: string,
  ) {
    // The caret lines come before the reason, so a caller may append to the message's last line.
    super(`filter "${filter}", at character ${offset + 1}:\n  ${filter}\n  ${' '.repeat(offset)}${'^'.repeat(Math.max(1, length))}\n${reason}`);
    this.name = 'FilterError';
  }
}

const OPERATORS: readonly (readonly [string, FilterOperator])[] = [
  ['contains', 'contains'], ['==', '='], ['!=', '≠'], ['<=', '≤'], ['>=', '≥'], ['=', '='], ['≠', '≠'], ['≤', '≤'], ['≥', '≥'], ['<', '<'], ['>', '>'], ['~', 'contains'],
];
const OPERATOR_LIST = '=, ≠ (!=), <, ≤ (<=), >, ≥ (>=), contains (~)';
const COLUMN = /[A-Za-z_][\w.@]*/y;
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?%?(?=$|[\s,])/iy;
const BARE = /[^\s,"']+/y;
const SPACE = /\s*/y;

function match(re: RegExp, text: string, at: number): string | null {
  re.lastIndex = at;
  const m = re.exec(text);
  return m === null || m[0].length === 0 ? null : m[0];
}

/**
 * Parses a filter into clauses (all must hold). `columns` are the names a clause may use; an
 * unknown one is an error with the closest name.
 */
export function parseFilter(filter: string, columns: readonly string[]): FilterClause[] {
  const clauses: FilterClause[] = [];
  let at = 0;
  const skip = (): void => {
    SPACE.lastIndex = at;
    SPACE.exec(filter);
    at = SPACE.lastIndex;
  };
  const fail = (offset: number, length: number, reason: string): never => {
    throw new FilterError(filter, offset, length, reason);
  };
  skip();
  if (at >= filter.length) fail(0, 0, 'the filter is empty; write <column> <operator> <value>, e.g. knn > 80%');
  for (;;) {
    const columnAt = at;
    const column = match(COLUMN, filter, at) ?? fail(at, 1, `expected a column name, found "${filter.slice(at, at + 12)}"`);
    if (!columns.includes(column)) {
      const suggestion = closest(column, columns);
      fail(columnAt, column.length, `no run has a column "${column}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
    }
    at += column.length;
    skip();
    const opAt = at;
    const op = OPERATORS.find(([spelling]) => filter.startsWith(spelling, at));
    if (op === undefined) fail(opAt, Math.max(1, (/\S+/.exec(filter.slice(at))?.[0] ?? '').length), `expected an operator after "${column}" (${OPERATOR_LIST}), found ${at >= filter.length ? 'the end' : `"${/\S+/.exec(filter.slice(at))![0]}"`}`);
    at += op![0].length;
    skip();
    const valueAt = at;
    let value: Scalar;
    if (at >= filter.length || filter[at] === ',') {
      value = fail(valueAt, 1, `expected a value after "${op![0]}"`);
    } else if (filter[at] === '"' || filter[at] === "'") {
      const quote = filter[at]!;
      const end = filter.indexOf(quote, at + 1);
      if (end < 0) fail(at, filter.length - at, `the string starting here has no closing ${quote}`);
      value = filter.slice(at + 1, end);
      at = end + 1;
    } else {
      const number = match(NUMBER, filter, at);
      if (number !== null) {
        value = number.endsWith('%') ? Number(number.slice(0, -1)) / 100 : Number(number);
        at += number.length;
      } else {
        const word = match(BARE, filter, at) ?? fail(at, 1, `expected a value after "${op![0]}", found "${filter[at]}"`);
        if (OPERATORS.some(([spelling]) => word.startsWith(spelling) && spelling !== 'contains')) fail(at, word.length, `expected a value after "${op![0]}", found the operator "${word}"`);
        value = word === 'true' ? true : word === 'false' ? false : word === 'null' ? null : word;
        at += word.length;
      }
    }
    if ((op![1] === '<' || op![1] === '≤' || op![1] === '>' || op![1] === '≥') && (value === null || typeof value === 'boolean')) {
      fail(valueAt, at - valueAt, `"${op![0]}" orders values; compare ${String(value)} with = or ≠`);
    }
    clauses.push({ column, operator: op![1], value });
    skip();
    if (at >= filter.length) return clauses;
    const joiner = filter[at] === ',' ? ',' : filter.startsWith('&&', at) ? '&&' : /^and(?=\s|$)/i.exec(filter.slice(at))?.[0];
    if (joiner === undefined) fail(at, (/\S+/.exec(filter.slice(at))?.[0] ?? '').length, `expected "and" or "," before the next condition, found "${/\S+/.exec(filter.slice(at))![0]}" (a value with spaces needs quotes)`);
    at += joiner!.length;
    skip();
    if (at >= filter.length) fail(at - joiner!.length, joiner!.length, `"${joiner}" is not followed by a condition`);
  }
}

const lower = (v: Scalar): string => (typeof v === 'string' ? v.toLowerCase() : valueText(v));

function equals(cell: CellValue, value: Scalar): boolean {
  if (typeof cell === 'number' && typeof value === 'number') return cell === value || Math.abs(cell - value) <= 1e-12 * Math.max(1, Math.abs(value));
  if (Array.isArray(cell)) return valueText(cell).toLowerCase() === lower(value) || valueText(cell).toLowerCase() === `[${lower(value)}]`;
  return lower(cell as Scalar) === lower(value);
}

/** Whether a row satisfies one clause. */
export function matchesClause(row: TableRow, clause: FilterClause): boolean {
  const cell = row.cells.get(clause.column);
  const { operator, value } = clause;
  if (cell === undefined) {
    if (operator === '=') return value === null;
    return operator === '≠' ? value !== null : false;
  }
  switch (operator) {
    case '=':
      return equals(cell, value);
    case '≠':
      return !equals(cell, value);
    case 'contains': {
      const needle = lower(value);
      return Array.isArray(cell) ? cell.some((v) => lower(v).includes(needle)) : lower(cell as Scalar).includes(needle);
    }
    default: {
      // Ordering compares like with like: a number with a number, text with text.
      if (Array.isArray(cell) || typeof cell === 'boolean' || cell === null) return false;
      if ((typeof cell === 'number') !== (typeof value === 'number')) return false;
      const order = compareValues(cell, value);
      return operator === '<' ? order < 0 : operator === '≤' ? order <= 0 : operator === '>' ? order > 0 : order >= 0;
    }
  }
}

/** The rows that satisfy every clause of every filter. */
export function applyFilters(rows: readonly TableRow[], clauses: readonly FilterClause[]): TableRow[] {
  return clauses.length === 0 ? [...rows] : rows.filter((row) => clauses.every((c) => matchesClause(row, c)));
}
