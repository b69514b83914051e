// Checkpoints: everything needed to continue a run exactly — weights of every network, optimiser
// slots, EMA target, learnable loss parameters, the negatives queue — plus the loop position.
// Layout: checkpoints/step-<N>/tensors.bin (float32 LE, concatenated) + manifest.json (which tensor
// is where) + state.json (loop position). Written to a temp folder and renamed, so a killed
// process never leaves a half-written checkpoint behind.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../runs/atomic';
import { float32ToLittleEndian, littleEndianToFloat32 } from '../runs/embeddings';
import { runPaths } from '../runs/paths';

export interface StoredTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** Named groups of tensors, each an ordered list (e.g. model weights in getWeights() order). */
export type TensorGroups = Readonly<Record<string, readonly StoredTensor[]>>;

export interface LoopPosition {
  /** Steps completed so far. */
  readonly step: number;
  /** 1-based epoch to continue in. */
  readonly epoch: number;
  /** Index of the next batch of that epoch (0 = start of the epoch). */
  readonly batchInEpoch: number;
  /** Seconds of training time so far (metrics' `time` continues from it). */
  readonly elapsedSec: number;
  readonly bestKnnAccuracy: number | null;
}

export interface CheckpointState {
  readonly formatVersion: 1;
  readonly position: LoopPosition;
  /** Small JSON-able extras (queue fill pointer, optimiser iteration count, ...). */
  readonly extra: Readonly<Record<string, unknown>>;
}

interface ManifestEntry {
  readonly group: string;
  readonly index: number;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly length: number;
}

const KEEP = 2;

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

export function saveCheckpoint(runDir: string, state: CheckpointState, groups: TensorGroups): string {
  const root = runPaths(runDir).checkpoints;
  mkdirSync(root, { recursive: true });
  const name = checkpointName(state.position.step);
  const temp = join(root, `.${name}.${process.pid}.tmp`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp);
  const entries: ManifestEntry[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const [group, tensors] of Object.entries(groups)) {
    tensors.forEach((t, index) => {
      entries.push({ group, index, shape: [...t.shape], offset, length: t.values.length });
      chunks.push(t.values);
      offset += t.values.length;
    });
  }
  const all = new Float32Array(offset);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  writeFileAtomic(join(temp, 'tensors.bin'), float32ToLittleEndian(all));
  writeJsonAtomic(join(temp, 'manifest.json'), { formatVersion: 1, entries });
  writeJsonAtomic(join(temp, 'state.json'), state);
  const final = join(root, name);
  rmSync(final, { recursive: true, force: true });
  renameSync(temp, final);
  // Older checkpoints are dropped; the newest few are enough to resume.
  const all_ = listCheckpoints(runDir);
  for (const old of all_.slice(0, Math.max(0, all_.length - KEEP))) rmSync(join(root, old), { recursive: true, force: true });
  return `checkpoints/${name}`;
}

/** Complete checkpoints, oldest first. */
export function listCheckpoints(runDir: string): string[] {
  const root = runPaths(runDir).checkpoints;
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((n) => /^step-\d+$/.test(n) && existsSync(join(root, n, 'state.json')))
    .sort();
}

export interface LoadedCheckpoint {
  readonly name: string;
  readonly state: CheckpointState;
  readonly groups: TensorGroups;
}

export function loadLatestCheckpoint(runDir: string): LoadedCheckpoint | null {
  const names = listCheckpoints(runDir);
  const name = names[names.length - 1];
  if (name === undefined) return null;
  const dir = join(runPaths(runDir).checkpoints, name);
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as CheckpointState;
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { entries: ManifestEntry[] };
  const all = littleEndianToFloat32(readFileSync(join(dir, 'tensors.bin')));
  const groups: Record<string, StoredTensor[]> = {};
  for (const e of manifest.entries) {
    if (e.offset + e.length > all.length) throw new Error(`${dir}: tensors.bin is shorter than manifest.json says; the checkpoint is damaged.`);
    (groups[e.group] ??= [])[e.index] = { shape: e.shape, values: all.slice(e.offset, e.offset + e.length) };
  }
  return { name, state, groups };
}
