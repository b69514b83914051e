// A fraction of the labels as people write it: 0.01 → "1%", 0.005 → "0.5%", 1 → "100%". Names the
// label-efficiency points on the terminal and in the runs table's columns (linear@1%, knn@10%).

export function labelPercent(fraction: number): string {
  // Rounded to 6 significant digits: 0.07 × 100 is 7.000000000000001 in binary floating point.
  return `${Number((fraction * 100).toPrecision(6))}%`;
}
