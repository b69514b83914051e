// What a user says about a run: a star, free-text notes and tags, kept in the run directory
// (annotations.json) so they travel with the run and the CLI and the editor see the same.
// Written atomically; a run without the file has no star, notes or tags.
import { existsSync } from 'node:fs';
import { writeJsonAtomic } from '../shared/atomic';
import { FileError, readJsonObject } from '../shared/files';
import { runPaths } from './paths';

export interface Annotations {
  readonly star: boolean;
  readonly notes: string;
  /** Distinct, trimmed, non-empty, in the order given. */
  readonly tags: readonly string[];
}

export const NO_ANNOTATIONS: Annotations = { star: false, notes: '', tags: [] };

/** Trims tags, drops empty and repeated ones; a tag may not hold a comma (it separates tags where they are typed). */
export function normaliseTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag === '' || out.includes(tag)) continue;
    if (tag.includes(',')) throw new Error(`tag "${tag}" holds a comma; commas separate tags, so write them as separate tags`);
    out.push(tag);
  }
  return out;
}

/** A run's annotations; none when the file is absent. A damaged file is a FileError naming it and the field. */
export function readAnnotations(runDir: string): Annotations {
  const file = runPaths(runDir).annotations;
  if (!existsSync(file)) return NO_ANNOTATIONS;
  const raw = readJsonObject<Record<string, unknown>>(file, 'annotations file');
  const { star = false, notes = '', tags = [] } = raw;
  if (typeof star !== 'boolean') throw new FileError(file, `"star" must be true or false, got ${JSON.stringify(star)}; fix or delete the file`);
  if (typeof notes !== 'string') throw new FileError(file, `"notes" must be text, got ${JSON.stringify(notes)}; fix or delete the file`);
  if (!Array.isArray(tags) || !tags.every((t): t is string => typeof t === 'string')) throw new FileError(file, `"tags" must be a list of strings, got ${JSON.stringify(tags)}; fix or delete the file`);
  return { star, notes, tags: normaliseTags(tags) };
}

/** Changes some annotations of a run and returns them all; the file is replaced atomically. */
export function updateAnnotations(runDir: string, change: Partial<Annotations>): Annotations {
  if (!existsSync(runPaths(runDir).runJson)) throw new FileError(runDir, 'is not a run directory (no run.json); annotations are kept beside a run');
  const next: Annotations = { ...readAnnotations(runDir), ...change, ...(change.tags ? { tags: normaliseTags(change.tags) } : {}) };
  writeJsonAtomic(runPaths(runDir).annotations, { formatVersion: 1, ...next });
  return next;
}
