// The spec differences between compared runs: flatten each resolved spec (spec.json) to dotted
// paths and keep the paths whose values are not all equal.
import type { SpecDiffRow } from '../../webview/protocol';

export function flattenSpec(value: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (Array.isArray(value) && value.some((v) => typeof v === 'object' && v !== null)) {
    value.forEach((v, i) => flattenSpec(v, prefix ? `${prefix}.${i}` : String(i), out));
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) flattenSpec(v, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out.set(prefix, Array.isArray(value) ? `[${value.map((v) => JSON.stringify(v)).join(', ')}]` : typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

/** Rows for the fields that differ; a field missing from a run counts as a difference. Empty for fewer than two runs. */
export function specDifferences(specs: ReadonlyMap<string, unknown>): SpecDiffRow[] {
  if (specs.size < 2) return [];
  const flat = new Map([...specs].map(([id, spec]) => [id, flattenSpec(spec)] as const));
  const paths = new Set<string>();
  for (const f of flat.values()) for (const p of f.keys()) paths.add(p);
  const rows: SpecDiffRow[] = [];
  for (const p of [...paths].sort()) {
    const values: Record<string, string> = {};
    const seen = new Set<string | undefined>();
    for (const [id, f] of flat) {
      const v = f.get(p);
      seen.add(v);
      if (v !== undefined) values[id] = v;
    }
    if (seen.size > 1) rows.push({ path: p, values });
  }
  return rows;
}
