// Re-run and "edit and run": a new queued run of the spec an existing run trained (its spec.json),
// with some values changed, checked as a whole spec by the one spec pipeline before any folder is
// created. The new run sits beside the old one, records where it came from (run.json `origin`) and
// keeps the old run's spec path, so relative data paths resolve as they did; the queue starts it.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readJsonObject } from '../shared/files';
import { checkSpecText } from '../spec/check';
import { probeDatasetOnDisk } from '../spec/dataset';
import type { SpecProblem } from '../spec/problems';
import { showPath } from '../spec/report';
import { isRecord } from '../spec/schema';
import { applyAssignment, sweepablePaths, sweptSchema, valueProblems, type Assignment } from '../spec/sweep';
import type { ResolvedSpec } from '../spec/types';
import { createRunDirectory } from '../trainer/runDirectory';
import { enqueue, newEntry } from './queue/queueFile';
import { runPaths } from './paths';
import { readRunRecord, updateRunRecord } from './record';

export class RerunError extends Error {
  constructor(message: string, readonly problems: readonly SpecProblem[] = []) {
    super(message);
  }
}

/** What a run can be run again from: the spec value it trained and the spec file it was started from. */
export interface RerunSource {
  readonly runDir: string;
  readonly runId: string;
  /** spec.json as written by the trainer (every default filled in). */
  readonly value: Record<string, unknown>;
  /** The spec file the run was started from; relative data paths are resolved beside it. */
  readonly specPath: string;
}

export function readRerunSource(runDir: string): RerunSource {
  const record = readRunRecord(runDir);
  const file = runPaths(runDir).specJson;
  if (!existsSync(file)) throw new RerunError(`${file}: the run has no spec.json, so there is no spec to run again; start its spec file instead.`);
  const value = readJsonObject<Record<string, unknown>>(file, 'resolved spec');
  // Runs written before specPath was recorded: data paths resolve beside the runs folder.
  return { runDir, runId: record.id, value, specPath: record.specPath !== '' ? record.specPath : join(dirname(runDir), 'spec.json') };
}

/** The spec value of the new run: the old one with the changes at their paths and no sweep block (the new run is not a child of the sweep). */
export function editedSpec(source: RerunSource, changes: Assignment): Record<string, unknown> {
  return applyAssignment(source.value, changes);
}

/** Paths whose value the user may change: every path the schema offers for this spec (the sweep's own paths excepted). */
export function editablePaths(source: RerunSource, changes: Assignment = {}): string[] {
  return sweepablePaths(editedSpec(source, changes));
}

/** The value at a dotted path of a spec value, undefined when it is not written. */
export function valueAt(value: unknown, dotted: string): unknown {
  let node: unknown = value;
  for (const segment of dotted.split('.')) node = isRecord(node) || Array.isArray(node) ? (node as Record<string, unknown>)[segment] : undefined;
  return node;
}

/** A value as the user types it: YAML flow syntax, so `0.2`, `true`, `infoNCE`, `[32, 64]` and `{type: cosine}` all read as they look. */
export function parseValueText(text: string): { value: unknown } | { error: string } {
  if (text.trim() === '') return { error: 'Type a value (a number, true/false, a word, [a, list] or {an: object}).' };
  try {
    return { value: parseYaml(text) as unknown };
  } catch (e) {
    return { error: `Not a value: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** A value written the way parseValueText reads it back. */
export function valueAsText(value: unknown): string {
  if (typeof value === 'string') {
    const back = parseValueText(value);
    // A word stays a word; text that would read as something else (`true`, `0.5`, '') is quoted.
    return 'value' in back && back.value === value ? value : JSON.stringify(value);
  }
  return JSON.stringify(value) ?? 'null';
}

/** How a path's value is chosen: from a fixed list (an enum, true/false) with what each means, else typed; with the schema's description. */
export interface PathChoice {
  readonly description: string;
  readonly values: readonly { readonly value: unknown; readonly description: string }[] | null;
}

export function pathChoice(source: RerunSource, changes: Assignment, dotted: string): PathChoice {
  const schema = sweptSchema(dotted, editedSpec(source, changes));
  const description = schema?.markdownDescription ?? '';
  if (schema?.enum !== undefined) return { description, values: schema.enum.map((value, i) => ({ value, description: schema.markdownEnumDescriptions?.[i] ?? '' })) };
  if (schema?.type === 'boolean') return { description, values: [{ value: true, description: '' }, { value: false, description: '' }] };
  return { description, values: null };
}

/** What the schema says about one changed value (the other changes applied first); empty when it fits. */
export function changeProblems(source: RerunSource, changes: Assignment, dotted: string, value: unknown): string[] {
  return valueProblems(editedSpec(source, changes), dotted, value);
}

/** The problems' messages, one per line, each with the path it is about. */
export function describeProblems(problems: readonly SpecProblem[]): string {
  return problems.map((p) => `${p.path.length > 0 ? `${showPath(p.path)}: ` : ''}${p.message}`).join('\n');
}

export interface CheckedRerun {
  readonly spec: ResolvedSpec;
  /** The spec text the run is created from (its specHash). */
  readonly text: string;
  /** Warnings of the spec pipeline (the run still starts). */
  readonly warnings: readonly SpecProblem[];
}

/** The edited spec through the spec pipeline, as if it were a file beside the original spec; errors are a RerunError with the pipeline's messages. */
export function checkRerun(source: RerunSource, changes: Assignment): CheckedRerun {
  const text = JSON.stringify(editedSpec(source, changes), null, 2);
  const check = checkSpecText(text, join(dirname(source.specPath), `${basename(source.specPath)}.rerun.json`), { datasetInfo: probeDatasetOnDisk });
  const errors = check.problems.filter((p) => p.severity === 'error');
  if (check.spec === null || errors.length > 0) {
    throw new RerunError(`The ${Object.keys(changes).length === 0 ? 'spec' : 'edited spec'} of run ${source.runId} is not valid:\n${describeProblems(errors)}`, errors);
  }
  return { spec: check.spec, text, warnings: check.problems.filter((p) => p.severity !== 'error') };
}

export interface QueuedRerun {
  readonly dir: string;
  readonly id: string;
  readonly warnings: readonly SpecProblem[];
}

/** Checks the edited spec, creates its run folder (queued) beside the original run and adds it to that folder's queue. */
export function queueRerun(source: RerunSource, changes: Assignment, now = new Date()): QueuedRerun {
  const checked = checkRerun(source, changes);
  const root = dirname(source.runDir);
  const { dir, record } = createRunDirectory(root, checked.spec, source.specPath, checked.text, checked.spec.strategy.epochs, now);
  // No trainer yet: the queue starts it.
  updateRunRecord(dir, { pid: null, origin: { run: source.runId, changes: { ...changes } } });
  enqueue(root, [newEntry(record.id)]);
  return { dir, id: record.id, warnings: checked.warnings };
}
