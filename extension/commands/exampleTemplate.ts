// Turning a bundled example into the user's new experiment: pure text helpers.

/** The example's one-line summary: its `description:` field, else its first comment line. */
export function exampleSummary(text: string): string {
  const description = /^description:\s*["']?(.+?)["']?\s*$/m.exec(text)?.[1];
  if (description) return description;
  return /^#\s*(.+)$/m.exec(text)?.[1] ?? '';
}

/** Renames the experiment in the copied text (the `experiment:` field), keeping everything else. */
export function renameExperiment(text: string, name: string): string {
  return /^experiment:.*$/m.test(text) ? text.replace(/^experiment:.*$/m, `experiment: ${name}`) : `experiment: ${name}\n${text}`;
}

export const EXPERIMENT_NAME = /^[A-Za-z0-9][\w.-]*$/;
