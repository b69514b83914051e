// Creating a run directory: a unique id, run.json (queued), spec.json, an empty metrics.jsonl and
// events.jsonl holding the `created` event.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ResolvedSpec } from '../spec/types';
import { writeJsonAtomic } from '../shared/atomic';
import { describeCause, ensureDir, FileError, writeFileChecked } from '../shared/files';
import type { RunEvent, RunRecord } from '../runs/format';
import { runPaths } from '../runs/paths';
import { writeRunRecord } from '../runs/record';

export function slug(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return s === '' ? 'run' : s;
}

function timestamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
}

export function specHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Makes runs/<timestamp>-<name>[-N]/ atomically (several runs may start in the same second). */
function makeUniqueDir(root: string, base: string): { id: string; dir: string } {
  ensureDir(root, 'runs folder');
  for (let n = 1; n < 1000; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const dir = join(root, id);
    try {
      mkdirSync(dir);
      return { id, dir };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new FileError(dir, `the run folder cannot be created: ${describeCause(e)}`);
    }
  }
  throw new Error(`${root}: could not find a free run id for ${base}; clean up old runs.`);
}

export interface CreatedRun {
  readonly dir: string;
  readonly record: RunRecord;
}

export function createRunDirectory(root: string, spec: ResolvedSpec, specPath: string, specText: string, epochs: number, now = new Date()): CreatedRun {
  const { id, dir } = makeUniqueDir(root, `${timestamp(now)}-${slug(spec.run.name || spec.experiment)}`);
  const paths = runPaths(dir);
  ensureDir(paths.checkpoints, 'checkpoints folder');
  writeJsonAtomic(paths.specJson, spec);
  writeFileChecked(paths.metrics, '');
  // The first event: the moment the run folder appeared (before the trainer has loaded anything).
  const created: RunEvent = { kind: 'event', time: now.toISOString(), level: 'info', event: 'created', message: `run directory created: ${id}`, data: { id } };
  writeFileChecked(paths.events, JSON.stringify(created) + '\n');
  const record: RunRecord = {
    formatVersion: 1,
    id,
    name: spec.run.name || spec.experiment,
    experiment: spec.experiment,
    specPath,
    specHash: specHash(specText),
    status: 'queued',
    pid: process.pid,
    hostname: hostname(),
    engine: spec.run.engine,
    backend: null,
    seed: spec.strategy.seed,
    epochs,
    stepsPerEpoch: null,
    createdAt: now.toISOString(),
    startedAt: null,
    endedAt: null,
    step: 0,
    epoch: 0,
    bestKnnAccuracy: null,
    lastCheckpoint: null,
    error: null,
  };
  writeRunRecord(dir, record);
  return { dir, record };
}
