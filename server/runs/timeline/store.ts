// timeline/: probe.json (which samples, TimelineProbe) and one step-<8 digits>.f32 per evaluation
// (the probe samples' embeddings, count × dim float32 little-endian). Step files are written whole
// (temp file + rename), so a reader lists only complete ones; a step redone after a resume is
// rewritten with the same name.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../shared/atomic';
import { ensureDir, FileError, readFloat32File, readJsonObject } from '../../shared/files';
import { float32ToLittleEndian } from '../embeddings';
import type { TimelineProbe } from '../format';
import { runPaths } from '../paths';
import { RunDirectoryError } from '../record';

const STEP_FILE = /^step-(\d{8})\.f32$/;

export function timelineStepFile(runDir: string, step: number): string {
  return join(runPaths(runDir).timeline, `step-${String(step).padStart(8, '0')}.f32`);
}

/** probe.json, written once: the probe set does not change during a run. */
export function writeTimelineProbe(runDir: string, probe: TimelineProbe): void {
  const p = runPaths(runDir);
  if (existsSync(p.timelineProbe)) return;
  ensureDir(p.timeline, 'timeline folder');
  writeJsonAtomic(p.timelineProbe, probe);
}

export function writeTimelineStep(runDir: string, step: number, vectors: Float32Array): void {
  ensureDir(runPaths(runDir).timeline, 'timeline folder');
  writeFileAtomic(timelineStepFile(runDir, step), float32ToLittleEndian(vectors));
}

export function hasTimeline(runDir: string): boolean {
  return existsSync(runPaths(runDir).timelineProbe);
}

export function readTimelineProbe(runDir: string): TimelineProbe {
  const file = runPaths(runDir).timelineProbe;
  if (!existsSync(file)) throw new RunDirectoryError(`${file}: missing, so this run has no timeline; runs keep their probe set's embeddings at every evaluation since the timeline was added: train it again to get one.`);
  try {
    const probe = readJsonObject<TimelineProbe>(file, 'timeline probe set');
    if (!Number.isInteger(probe.count) || !Number.isInteger(probe.dim) || probe.count < 1 || probe.dim < 1) throw new FileError(file, `"count" and "dim" must be positive whole numbers (got ${JSON.stringify(probe.count)} and ${JSON.stringify(probe.dim)}); the probe set is damaged`);
    for (const key of ['rows', 'ids', 'labels'] as const) {
      if (!Array.isArray(probe[key]) || probe[key].length !== probe.count) throw new FileError(file, `"${key}" should list ${probe.count} samples but ${Array.isArray(probe[key]) ? `lists ${probe[key].length}` : 'is missing'}; the probe set is damaged`);
    }
    return probe;
  } catch (e) {
    if (e instanceof FileError) throw new RunDirectoryError(`${e.message}.`);
    throw e;
  }
}

/** The steps that have a step file, ascending. */
export function listTimelineSteps(runDir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(runPaths(runDir).timeline);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const m = STEP_FILE.exec(n);
    return m ? [Number(m[1])] : [];
  }).sort((a, b) => a - b);
}

export function readTimelineStep(runDir: string, probe: TimelineProbe, step: number): Float32Array {
  try {
    return readFloat32File(timelineStepFile(runDir, step), probe.count * probe.dim, `timeline step ${step}`);
  } catch (e) {
    if (e instanceof FileError) throw new RunDirectoryError(`${e.message}; delete it to drop that step from the timeline.`);
    throw e;
  }
}
