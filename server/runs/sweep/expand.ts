// Expanding a sweep into child runs: read the spec (or a *.sweep.yaml naming a base spec), draw the
// children's values, check each child as a whole spec with the one spec pipeline, and only when
// every child is valid create their run folders — queued, each spec.json carrying `sweep.trial`
// (the sweep id and its values) and run.json the sweep id — and the sweep's record.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkSpecFile, checkSpecText } from '../../spec/check';
import { probeDatasetOnDisk } from '../../spec/dataset';
import type { SpecProblem } from '../../spec/problems';
import { isRecord } from '../../spec/schema';
import { applyAssignment, asParameter, assignments, sweepRunCount, type Assignment, type SweepSpec } from '../../spec/sweep';
import type { ResolvedSpec } from '../../spec/types';
import { createRunDirectory, slug } from '../../trainer/runDirectory';
import { updateRunRecord } from '../record';
import { rungEpochs } from './halving';
import { readManifest, writeManifest, type SweepChild, type SweepManifest } from './manifest';

export class SweepError extends Error {
  constructor(message: string, readonly problems: readonly SpecProblem[] = []) {
    super(message);
  }
}

/** What a sweep is expanded from: the spec's parsed value, its text and path, and the checked base spec. */
export interface SweepSource {
  /** The file named on the command line (a spec, or a *.sweep.yaml). */
  readonly file: string;
  /** The spec the children are made from (the file itself, or the base a *.sweep.yaml names). */
  readonly specPath: string;
  readonly specText: string;
  /** The spec's value with the sweep block in it. */
  readonly value: Record<string, unknown>;
  readonly spec: ResolvedSpec & { readonly sweep: SweepSpec };
}

const SWEEP_FILE = /\.sweep\.(ya?ml|json)$/i;

export function isSweepFile(file: string): boolean {
  return SWEEP_FILE.test(file);
}

/** Reads and checks the sweep's source; a spec with errors, or without a sweep block, is a SweepError with its problems. */
export function loadSweepSource(file: string): SweepSource {
  const path = resolve(file);
  if (!isSweepFile(path)) {
    const check = checkSpecFile(path, { datasetInfo: probeDatasetOnDisk });
    if (check.spec === null) throw new SweepError(`${file}: the spec has errors; fix them and sweep again (\`contrastive-lab validate ${file}\` lists them).`, check.problems);
    return withSweep(file, path, readFileSync(path, 'utf8'), check.document.value, check.spec);
  }
  // A *.sweep.yaml: `base: <spec>` and a `sweep:` block, checked as if the block were in the base spec.
  const sweepFile = parseYaml(readFileSync(path, 'utf8')) as unknown;
  if (!isRecord(sweepFile) || typeof sweepFile.base !== 'string') throw new SweepError(`${file}: a sweep file names its base spec (\`base: experiment.contrastive.yaml\`, relative to this file) and holds a \`sweep:\` block.`);
  const unknown = Object.keys(sweepFile).filter((k) => k !== 'base' && k !== 'sweep');
  if (unknown.length > 0) throw new SweepError(`${file}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; a sweep file has only \`base:\` and \`sweep:\`.`);
  const specPath = resolve(dirname(path), sweepFile.base);
  const base = checkSpecFile(specPath, { datasetInfo: probeDatasetOnDisk });
  if (base.spec === null) throw new SweepError(`${specPath}: the base spec of ${file} has errors; fix them and sweep again.`, base.problems);
  const value = { ...(isRecord(base.document.value) ? base.document.value : {}), sweep: sweepFile.sweep ?? null };
  // Checked as JSON beside the base spec, so data paths resolve as they do for the base.
  const combined = checkSpecText(JSON.stringify(value, null, 2), join(dirname(specPath), `${basename(path)}.json`), { datasetInfo: probeDatasetOnDisk });
  if (combined.spec === null) throw new SweepError(`${file}: the sweep block has errors.`, combined.problems);
  return withSweep(file, specPath, readFileSync(specPath, 'utf8'), value, combined.spec);
}

function withSweep(file: string, specPath: string, specText: string, value: unknown, spec: ResolvedSpec): SweepSource {
  if (spec.sweep === null) throw new SweepError(`${file}: the spec has no \`sweep:\` block; add one (e.g. \`sweep: {parameters: {loss.temperature: {values: [0.05, 0.1, 0.2]}}}\`) or write a *.sweep.yaml that names this spec as its base.`);
  return { file: resolve(file), specPath, specText, value: isRecord(value) ? value : {}, spec: spec as SweepSource['spec'] };
}

/** One child as planned: its index, its values and its checked spec. */
export interface PlannedChild {
  readonly index: number;
  readonly assignment: Assignment;
  readonly spec: ResolvedSpec;
}

export interface SweepPlan {
  readonly id: string;
  readonly source: SweepSource;
  readonly rungs: readonly number[] | null;
  /** Children already in the sweep (when extending it). */
  readonly existing: readonly SweepChild[];
  /** When the sweep was first expanded. */
  readonly createdAt: string;
  readonly children: readonly PlannedChild[];
}

function sweepId(source: SweepSource, now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${stamp}-${slug(source.spec.sweep.name || source.spec.experiment)}`;
}

/** The sweep block as children record it: every parameter in its full form (range ends, `log` and `steps` written out). */
function normalised(sweep: SweepSpec): Omit<SweepSpec, 'trial'> {
  const { trial: _trial, ...rest } = sweep;
  return { ...rest, parameters: Object.fromEntries(Object.entries(sweep.parameters).map(([k, p]) => [k, asParameter(p) ?? p])) };
}

/**
 * The children to create: a new sweep's every child, or, extending `extend`, the next `add` random
 * draws (or, for a grid, the combinations the sweep does not have yet). Every child is checked as a
 * whole spec; any problem is a SweepError naming the child's values.
 */
export function planSweep(source: SweepSource, options: { readonly extend?: { readonly root: string; readonly id: string }; readonly add?: number; readonly now?: Date } = {}): SweepPlan {
  const sweep = source.spec.sweep;
  const previous = options.extend ? readManifest(options.extend.root, options.extend.id) : null;
  const existing = previous?.children ?? [];
  const id = options.extend?.id ?? sweepId(source, options.now ?? new Date());
  let drawn: { index: number; assignment: Assignment }[];
  if (sweep.strategy === 'random') {
    const from = existing.length;
    const to = options.extend ? from + (options.add ?? sweep.count) : sweep.count;
    drawn = assignments(sweep, source.value, from, to).map((assignment, i) => ({ index: from + i, assignment }));
  } else {
    const have = new Set(existing.map((c) => JSON.stringify(c.assignment)));
    const all = assignments(sweep, source.value, 0, sweepRunCount(sweep, source.value)).filter((a) => !have.has(JSON.stringify(a)));
    drawn = all.map((assignment, i) => ({ index: existing.length + i, assignment }));
  }
  const name = source.spec.run.name;
  const record = normalised(sweep);
  const problems: SpecProblem[] = [];
  const failures: string[] = [];
  const children: PlannedChild[] = [];
  for (const { index, assignment } of drawn) {
    const value = applyAssignment(source.value, assignment, { ...record, trial: { sweepId: id, index, assignment } });
    if (!('run.name' in assignment)) value.run = { ...(isRecord(value.run) ? value.run : {}), name: `${name}-${index}` };
    const check = checkSpecText(JSON.stringify(value, null, 2), join(dirname(source.specPath), `${basename(source.specPath)}.sweep-${index}.json`), { datasetInfo: probeDatasetOnDisk });
    if (check.spec === null) {
      const errors = check.problems.filter((p) => p.severity === 'error');
      problems.push(...errors);
      failures.push(`child ${index} (${describeAssignment(assignment)}): ${errors.map((p) => p.message).join(' ')}`);
      continue;
    }
    children.push({ index, assignment, spec: check.spec });
  }
  if (failures.length > 0) throw new SweepError(`${source.file}: ${failures.length} of ${drawn.length} children are not valid specs; nothing was created.\n${failures.join('\n')}`, problems);
  const rungs = sweep.halving === null ? null : rungEpochs(sweep.halving.minEpochs, sweep.halving.eta, source.spec.strategy.epochs);
  return { id, source, rungs, existing, children, createdAt: previous?.createdAt ?? (options.now ?? new Date()).toISOString() };
}

export function describeAssignment(assignment: Assignment): string {
  return Object.entries(assignment).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
}

/** Creates the planned children's run folders (queued, waiting for the queue) and writes the sweep's record; returns the new children. */
export function createSweepRuns(plan: SweepPlan, root: string): SweepChild[] {
  const created: SweepChild[] = [];
  for (const child of plan.children) {
    const { dir, record } = createRunDirectory(root, child.spec, plan.source.specPath, plan.source.specText, child.spec.strategy.epochs);
    // No trainer yet: the queue starts it (waitsInQueue).
    updateRunRecord(dir, { pid: null, sweep: { id: plan.id, index: child.index } });
    created.push({ index: child.index, run: record.id, assignment: child.assignment });
  }
  const manifest: SweepManifest = {
    formatVersion: 1,
    id: plan.id,
    source: plan.source.file,
    createdAt: plan.createdAt,
    sweep: normalised(plan.source.spec.sweep),
    rungs: plan.rungs,
    children: [...plan.existing, ...created],
  };
  writeManifest(root, manifest);
  return created;
}
