// The spec differences between compared runs: flatten each resolved spec (spec.json) to dotted
// paths (the runs table's flattening) and keep the paths whose values are not all equal.
import { flattenSpec as flattenSpecValues, valueText } from '../../server/runs/table/values';
import type { SpecDiffRow } from '../../webview/protocol';

/** The resolved spec flattened to dotted paths (server/runs/table/values.ts), each value as display text. */
export function flattenSpec(value: unknown): Map<string, string> {
  return new Map([...flattenSpecValues(value)].map(([path, v]) => [path, valueText(v)]));
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
