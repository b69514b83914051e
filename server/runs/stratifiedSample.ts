// A seeded, stratified sample: every group (class, or "unlabelled") keeps its share of the rows
// (largest remainders), and the same rows, seed and size always give the same sample. Used for the
// timeline's probe set and to cut an export down to a viewer's limit.
import { seededPermutation } from '../contrastive/data/permutation';

/**
 * Positions (ascending) of `size` rows of `groups` (one group number per row) drawn so that each
 * group keeps its share; all rows when `size` is at least their count.
 */
export function stratifiedSample(groups: ArrayLike<number>, size: number, seed: number): Int32Array {
  const n = groups.length;
  if (size >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(groups[i]!, (counts.get(groups[i]!) ?? 0) + 1);
  // Largest remainders: floor of each exact share, then one more to the largest fractions (ties by group order).
  const quota = new Map<number, number>();
  const remainders: { group: number; fraction: number }[] = [];
  let given = 0;
  for (const [group, count] of [...counts].sort((a, b) => a[0] - b[0])) {
    const exact = (count * size) / n;
    quota.set(group, Math.floor(exact));
    given += Math.floor(exact);
    remainders.push({ group, fraction: exact - Math.floor(exact) });
  }
  remainders.sort((a, b) => b.fraction - a.fraction || a.group - b.group);
  for (let r = 0; given < size; r++, given++) quota.set(remainders[r]!.group, quota.get(remainders[r]!.group)! + 1);
  const taken: number[] = [];
  for (const i of seededPermutation(n, seed)) {
    const left = quota.get(groups[i]!)!;
    if (left === 0) continue;
    quota.set(groups[i]!, left - 1);
    taken.push(i);
    if (taken.length === size) break;
  }
  return Int32Array.from(taken.sort((a, b) => a - b));
}
