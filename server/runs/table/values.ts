// The values of a runs-table cell: a resolved spec flattened to dotted paths (`loss.temperature`,
// `pairs.views.strong.0.type`; arrays of plain values stay one value), and the one ordering and
// display text every view (CLI, editor table, compare) shares.

export type Scalar = string | number | boolean | null;
/** A cell; `undefined` (absent from the row) means the run has no such field or result. */
export type CellValue = Scalar | readonly Scalar[];

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * Flattens a resolved spec (spec.json) into dotted paths. Objects nest with `.`; an array of plain
 * values is one value (`scale: [0.9, 1.1]`); an array holding objects (an augmentation list) nests
 * by index, so `pairs.views.strong.0.type` can differ between runs like any other field.
 */
export function flattenSpec(value: unknown, prefix = '', out: Map<string, CellValue> = new Map()): Map<string, CellValue> {
  if (prefix === 'sweep') return out; // a sweep child's block: the values it sets are already at their paths, and the sweep has its own column
  if (Array.isArray(value)) {
    if (value.every(isScalar)) {
      if (prefix) out.set(prefix, value);
    } else {
      value.forEach((v, i) => flattenSpec(v, prefix ? `${prefix}.${i}` : String(i), out));
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) flattenSpec(v, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix && isScalar(value)) {
    out.set(prefix, value);
  }
  return out;
}

/** Plain text of a value as the spec says it: strings bare, arrays as `[0.9, 1.1]`, null as `null`. */
export function valueText(value: CellValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}]`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** True when two cells hold the same value (arrays element by element); absent equals only absent. */
export function sameValue(a: CellValue | undefined, b: CellValue | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

// Mixed types sort in this order, so a column that is mostly numbers stays readable.
const TYPE_RANK = { number: 0, boolean: 1, string: 2, object: 3 } as const;

function rank(value: CellValue): number {
  if (value === null) return 4;
  return TYPE_RANK[typeof value as keyof typeof TYPE_RANK] ?? 3;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Ascending order of two present values: numbers by size, text naturally (`run-2` before `run-10`), false before true. */
export function compareValues(a: CellValue, b: CellValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return collator.compare(valueText(a), valueText(b));
}
