// Distinct class labels in a stable, human order (numbers numerically, then text), and each
// sample's position in that list, for colouring and legends.

export interface LabelIndex {
  readonly names: readonly string[];
  /** names[of[i]] is sample i's label. */
  readonly of: Int32Array;
  readonly counts: Int32Array;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function indexLabels(labels: readonly string[]): LabelIndex {
  const names = [...new Set(labels)].sort((a, b) => collator.compare(a, b));
  const position = new Map(names.map((name, i) => [name, i]));
  const of = new Int32Array(labels.length);
  const counts = new Int32Array(names.length);
  labels.forEach((label, i) => {
    const p = position.get(label) ?? 0;
    of[i] = p;
    counts[p]++;
  });
  return { names, of, counts };
}
