// Label checks shared by the evaluation metrics.

/** Number of classes (largest label + 1), checking that labels match the rows and are class indices. */
export function classCount(labels: Int32Array, rows: number, what: string): number {
  if (labels.length !== rows) throw new Error(`${what}: ${labels.length} labels for ${rows} embeddings; they must be one per row`);
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (label < 0) throw new Error(`${what}: label ${label} at row ${i} is negative; labels must be class indices 0, 1, 2, …`);
    if (label > max) max = label;
  }
  return max + 1;
}
