// A sweep's record in its runs folder: <runs>/sweeps/<sweep-id>.json — the spec it came from, the
// sweep block as it was expanded, the halving rungs, and each child run with its values. Written by
// `contrastive-lab sweep`, read back to extend the sweep and to make halving decisions.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../shared/atomic';
import { ensureDir, readJsonFile } from '../../shared/files';
import type { Assignment, SweepSpec } from '../../spec/sweep';

export interface SweepChild {
  readonly index: number;
  /** The run folder's name inside the runs folder. */
  readonly run: string;
  readonly assignment: Assignment;
}

export interface SweepManifest {
  readonly formatVersion: 1;
  readonly id: string;
  /** Absolute path of the spec (or *.sweep.yaml) the sweep was expanded from. */
  readonly source: string;
  readonly createdAt: string;
  readonly sweep: Omit<SweepSpec, 'trial'>;
  /** The rung epochs of successive halving (the last is the full run), null without halving. */
  readonly rungs: readonly number[] | null;
  readonly children: readonly SweepChild[];
}

export function sweepsFolder(root: string): string {
  return join(root, 'sweeps');
}

export function manifestPath(root: string, id: string): string {
  return join(sweepsFolder(root), `${id}.json`);
}

export function readManifest(root: string, id: string): SweepManifest {
  const file = manifestPath(root, id);
  if (!existsSync(file)) {
    const known = listSweepIds(root);
    throw new Error(`${file}: no sweep "${id}" in ${root}${known.length > 0 ? `; its sweeps are: ${known.join(', ')}` : ''}.`);
  }
  return readJsonFile<SweepManifest>(file, 'sweep record');
}

export function writeManifest(root: string, manifest: SweepManifest): void {
  ensureDir(sweepsFolder(root), 'sweeps folder');
  writeJsonAtomic(manifestPath(root, manifest.id), manifest);
}

export function listSweepIds(root: string): string[] {
  const folder = sweepsFolder(root);
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
}
