// Checkpoints: everything needed to continue a run exactly — weights of every network, optimiser
// slots, EMA target, learnable loss parameters, the negatives queue — plus the loop position.
// Layout: checkpoints/step-<N>/tensors.bin (float32 LE, concatenated) + manifest.json (which tensor
// is where, and the SHA-256 of the other two files) + state.json (loop position). Written to a temp
// folder and renamed, so a killed process never leaves a half-written checkpoint behind; a failed
// write removes the temp folder. Loading verifies sizes and checksums, and falls back to the newest
// intact checkpoint, saying which ones it skipped and why.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { float32ToLittleEndian } from '../runs/embeddings';
import { describeCause, ensureDir, FileError, readBytes, writeFileChecked } from '../shared/files';
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

interface Manifest {
  readonly formatVersion: 1;
  readonly entries: readonly ManifestEntry[];
  /** SHA-256 (hex) of tensors.bin and state.json; missing in checkpoints written before checksums. */
  readonly sha256?: Readonly<Record<string, string>>;
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

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export function saveCheckpoint(runDir: string, state: CheckpointState, groups: TensorGroups): string {
  const root = runPaths(runDir).checkpoints;
  ensureDir(root, 'checkpoints folder');
  const name = checkpointName(state.position.step);
  const temp = join(root, `.${name}.${process.pid}.tmp`);
  const final = join(root, name);
  try {
    rmSync(temp, { recursive: true, force: true });
    ensureDir(temp, 'checkpoint folder');
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
    const tensorBytes = float32ToLittleEndian(all);
    const stateBytes = Buffer.from(JSON.stringify(state, null, 2) + '\n', 'utf8');
    writeFileChecked(join(temp, 'tensors.bin'), tensorBytes);
    writeFileChecked(join(temp, 'state.json'), stateBytes);
    // manifest.json last: it vouches for the other two.
    const manifest: Manifest = { formatVersion: 1, entries, sha256: { 'tensors.bin': sha256(tensorBytes), 'state.json': sha256(stateBytes) } };
    writeFileChecked(join(temp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    rmSync(final, { recursive: true, force: true });
    try {
      renameSync(temp, final);
    } catch (e) {
      throw new FileError(final, `could not be written: ${describeCause(e)}`);
    }
  } catch (e) {
    // Never leave a half-written checkpoint folder behind; the older checkpoints are untouched.
    rmSync(temp, { recursive: true, force: true });
    // Name the file as the user will look for it, not the temp folder that is gone now.
    if (e instanceof FileError && e.file.startsWith(temp)) throw new FileError(final + e.file.slice(temp.length), e.message.split(temp).join(final));
    throw e;
  }
  // Older checkpoints are dropped; the newest few are enough to resume.
  const all_ = listCheckpoints(runDir);
  for (const old of all_.slice(0, Math.max(0, all_.length - KEEP))) rmSync(join(root, old), { recursive: true, force: true });
  return `checkpoints/${name}`;
}

/** Checkpoint folders (step-<N>, intact or not), oldest first. */
export function listCheckpoints(runDir: string): string[] {
  const root = runPaths(runDir).checkpoints;
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((n) => {
      if (!/^step-\d+$/.test(n)) return false;
      try {
        return statSync(join(root, n)).isDirectory();
      } catch {
        return false;
      }
    })
    .sort();
}

export interface LoadedCheckpoint {
  readonly name: string;
  readonly state: CheckpointState;
  readonly groups: TensorGroups;
}

export interface SkippedCheckpoint {
  /** `checkpoints/step-<N>` */
  readonly name: string;
  /** Why it cannot be used; starts with the damaged file's path. */
  readonly reason: string;
}

function parseJson<T>(file: string, bytes: Buffer, what: string): T {
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw new FileError(file, `is empty; the ${what} is damaged`);
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SyntaxError('not a JSON object');
    return value as T;
  } catch (e) {
    throw new FileError(file, `not valid JSON (${(e as Error).message}); the ${what} is damaged`);
  }
}

/** Reads and verifies one checkpoint folder; any damage is a FileError naming the damaged file. */
export function loadCheckpoint(runDir: string, name: string): LoadedCheckpoint {
  const dir = join(runPaths(runDir).checkpoints, name);
  const manifestFile = join(dir, 'manifest.json');
  const stateFile = join(dir, 'state.json');
  const tensorsFile = join(dir, 'tensors.bin');
  const manifest = parseJson<Manifest>(manifestFile, readBytes(manifestFile, 'checkpoint manifest'), 'checkpoint manifest');
  if (!Array.isArray(manifest.entries)) throw new FileError(manifestFile, 'has no "entries" list; the checkpoint manifest is damaged');
  const stateBytes = readBytes(stateFile, 'checkpoint state');
  const tensorBytes = readBytes(tensorsFile, 'checkpoint tensors');
  const sums = manifest.sha256 ?? {};
  let floats = 0;
  for (const e of manifest.entries) {
    if (!e || typeof e.group !== 'string' || !Number.isInteger(e.offset) || !Number.isInteger(e.length) || !Number.isInteger(e.index) || !Array.isArray(e.shape)) throw new FileError(manifestFile, 'has a malformed tensor entry; the checkpoint manifest is damaged');
    if (!e.shape.every((d: number) => Number.isInteger(d) && d >= 0) || e.shape.reduce((a: number, d: number) => a * d, 1) !== e.length) throw new FileError(manifestFile, `lists tensor ${e.group}[${e.index}] with shape [${e.shape.join(', ')}] but ${e.length} values; the checkpoint manifest is damaged`);
    floats = Math.max(floats, e.offset + e.length);
  }
  // The tensors tile tensors.bin end to end: an entry that overlaps another or leaves a gap is damage.
  let next = 0;
  for (const e of [...manifest.entries].sort((a, b) => a.offset - b.offset)) {
    if (e.offset !== next) throw new FileError(manifestFile, `lists tensor ${e.group}[${e.index}] at offset ${e.offset} where ${next} was expected (entries overlap or leave a gap); the checkpoint manifest is damaged`);
    next = e.offset + e.length;
  }
  if (tensorBytes.length !== floats * 4) throw new FileError(tensorsFile, `is ${tensorBytes.length} bytes but manifest.json lists ${floats * 4}; the checkpoint is damaged${tensorBytes.length < floats * 4 ? ' (cut short?)' : ''}`);
  if (sums['tensors.bin'] !== undefined && sums['tensors.bin'] !== sha256(tensorBytes)) throw new FileError(tensorsFile, 'does not match the checksum in manifest.json; the checkpoint is damaged');
  if (sums['state.json'] !== undefined && sums['state.json'] !== sha256(stateBytes)) throw new FileError(stateFile, 'does not match the checksum in manifest.json; the checkpoint is damaged');
  const state = parseJson<CheckpointState>(stateFile, stateBytes, 'checkpoint state');
  const p = state.position as Partial<LoopPosition> | undefined;
  if (!p || !Number.isInteger(p.step) || !Number.isInteger(p.epoch) || !Number.isInteger(p.batchInEpoch)) throw new FileError(stateFile, 'has no valid "position" (step, epoch, batchInEpoch); the checkpoint state is damaged');
  const all = new Float32Array(floats);
  for (let i = 0; i < floats; i++) all[i] = tensorBytes.readFloatLE(i * 4);
  const groups: Record<string, StoredTensor[]> = {};
  for (const e of manifest.entries) (groups[e.group] ??= [])[e.index] = { shape: e.shape, values: all.slice(e.offset, e.offset + e.length) };
  return { name, state, groups };
}

/**
 * The newest checkpoint that reads back intact, and the newer ones skipped on the way (with the
 * damaged file and why). `checkpoint` is null when there is none, or none intact.
 */
export function loadNewestIntactCheckpoint(runDir: string): { checkpoint: LoadedCheckpoint | null; skipped: SkippedCheckpoint[] } {
  const skipped: SkippedCheckpoint[] = [];
  const names = listCheckpoints(runDir);
  for (let i = names.length - 1; i >= 0; i--) {
    try {
      return { checkpoint: loadCheckpoint(runDir, names[i]!), skipped };
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      skipped.push({ name: `checkpoints/${names[i]}`, reason: e.message });
    }
  }
  return { checkpoint: null, skipped };
}

/** One line per skipped checkpoint, for events and the terminal. */
export function describeSkipped(skipped: readonly SkippedCheckpoint[]): string[] {
  return skipped.map((s) => `skipped ${s.name}: ${s.reason}`);
}

/** The newest intact checkpoint; throws (naming every damaged file) when checkpoints exist but none is intact. */
export function loadLatestCheckpoint(runDir: string): LoadedCheckpoint | null {
  const { checkpoint, skipped } = loadNewestIntactCheckpoint(runDir);
  if (checkpoint === null && skipped.length > 0) throw new FileError(runPaths(runDir).checkpoints, `no intact checkpoint: ${skipped.map((s) => s.reason).join('; ')}`);
  return checkpoint;
}

/**
 * Puts a checkpoint's tensors into networks built from the run's spec.json. A mismatch (spec.json
 * edited after training, e.g. another architecture) is a FileError naming spec.json and the
 * checkpoint's tensors.bin, not a bare tensor-shape error.
 */
export function restoreChecked(runDir: string, checkpoint: LoadedCheckpoint, restore: () => void): void {
  try {
    restore();
  } catch (e) {
    if (e instanceof FileError) throw e;
    const reason = ((e as Error).message ?? String(e)).replace(/^setWeights: /, '').replace(/;? ?the weights come from a different architecture\.?$/, '');
    const paths = runPaths(runDir);
    throw new FileError(paths.specJson, `does not build the network stored in ${join(paths.checkpoints, checkpoint.name, 'tensors.bin')} (${reason}); spec.json was changed after training: restore the architecture the run was trained with`);
  }
}
