// "1 epoch", "2 epochs": a count with its noun, for messages and progress lines.

/** `count` followed by `singular`, or by `plural` (default: singular + "s") when count ≠ 1. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
