// Reading a run's timeline: which steps have the probe set's embeddings (with the evaluation figures
// of that step), the collapse / chance / NaN events to mark on a step slider, the aligned 2-D maps
// of every step, and how one probe sample's nearest neighbours changed between two steps.
import { existsSync } from 'node:fs';
import { readJsonObject } from '../../shared/files';
import { metricForSpec, type SpecSearchMetric } from '../../spec/searchMetric';
import type { ResolvedSpec } from '../../spec/types';
import type { EvalMetric, MetricLine, RunEvent, TimelineProbe } from '../format';
import { readJsonLines } from '../jsonl';
import { runPaths } from '../paths';
import { RunDirectoryError } from '../record';
import { alignedMaps } from './align';
import { listTimelineSteps, readTimelineProbe, readTimelineStep } from './store';

export interface TimelineFrame {
  readonly step: number;
  /** The evaluation of that step (null when its metric line is missing). */
  readonly epoch: number | null;
  readonly knnAccuracy: number | null;
  readonly collapseStd: number | null;
}

export type TimelineMarkKind = 'nan' | 'collapse' | 'chance';

/** An event worth seeing on the slider: a NaN (the run failed there), a collapse or chance-level kNN. */
export interface TimelineMark {
  readonly kind: TimelineMarkKind;
  readonly step: number;
  readonly epoch: number | null;
  readonly message: string;
}

export interface Timeline {
  readonly probe: TimelineProbe;
  readonly frames: readonly TimelineFrame[];
  readonly marks: readonly TimelineMark[];
  /** How the run compares embeddings (its spec's distance): neighbours use the same. */
  readonly metric: SpecSearchMetric;
}

const MARKED: readonly string[] = ['nan', 'collapse', 'chance'] satisfies readonly TimelineMarkKind[];

export function readTimeline(runDir: string): Timeline {
  const probe = readTimelineProbe(runDir);
  const paths = runPaths(runDir);
  const evals = new Map<number, EvalMetric>();
  for (const line of readJsonLines<MetricLine>(paths.metrics).lines) if (line.kind === 'eval') evals.set(line.step, line);
  const frames = listTimelineSteps(runDir).map((step): TimelineFrame => {
    const e = evals.get(step);
    return { step, epoch: e?.epoch ?? null, knnAccuracy: e?.knnAccuracy ?? null, collapseStd: e?.collapseStd ?? null };
  });
  const marks = readJsonLines<RunEvent>(paths.events).lines.flatMap((e): TimelineMark[] =>
    MARKED.includes(e.event) && typeof e.step === 'number' ? [{ kind: e.event as TimelineMarkKind, step: e.step, epoch: e.epoch ?? null, message: e.message }] : [],
  );
  const metric = existsSync(paths.specJson) ? metricForSpec(readJsonObject<ResolvedSpec>(paths.specJson, 'recorded spec')) : 'cosine';
  return { probe, frames, marks, metric };
}

/** Every frame's aligned 2-D map (count × 2), in frame order. */
export function readTimelineMaps(runDir: string, timeline: Timeline): Float32Array[] {
  const { probe, frames } = timeline;
  return alignedMaps(frames.length, probe.count, probe.dim, (i) => readTimelineStep(runDir, probe, frames[i]!.step));
}

export interface ProbeNeighbour {
  /** Position in the probe set. */
  readonly position: number;
  readonly distance: number;
}

/** A probe sample's k nearest other probe samples at two steps, and which entered or left. */
export interface NeighbourChange {
  readonly query: number;
  readonly from: { readonly step: number; readonly neighbours: readonly ProbeNeighbour[] };
  readonly to: { readonly step: number; readonly neighbours: readonly ProbeNeighbour[] };
  /** Probe positions among the k nearest at `to` but not at `from`, nearest first. */
  readonly entered: readonly number[];
  /** Probe positions among the k nearest at `from` but not at `to`, in their `from` order. */
  readonly left: readonly number[];
}

/** The k nearest other rows of row `query` (count × dim), by the run's metric; exact (every row is compared). */
export function nearestRows(vectors: Float32Array, count: number, dim: number, query: number, k: number, metric: SpecSearchMetric): ProbeNeighbour[] {
  const norm = (r: number): number => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += vectors[r * dim + d]! ** 2;
    return Math.sqrt(s);
  };
  const qn = norm(query);
  const found: ProbeNeighbour[] = [];
  for (let r = 0; r < count; r++) {
    if (r === query) continue;
    let distance: number;
    if (metric === 'cosine') {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += vectors[query * dim + d]! * vectors[r * dim + d]!;
      const denominator = qn * norm(r);
      distance = 1 - (denominator > 0 ? dot / denominator : 0);
    } else {
      let s = 0;
      for (let d = 0; d < dim; d++) s += (vectors[query * dim + d]! - vectors[r * dim + d]!) ** 2;
      distance = Math.sqrt(s);
    }
    found.push({ position: r, distance });
  }
  found.sort((a, b) => a.distance - b.distance || a.position - b.position);
  return found.slice(0, k);
}

export function neighbourChange(runDir: string, timeline: Timeline, query: number, fromStep: number, toStep: number, k: number): NeighbourChange {
  const { probe, metric } = timeline;
  if (!Number.isInteger(query) || query < 0 || query >= probe.count) throw new RangeError(`probe sample ${query} does not exist; the probe set has ${probe.count} samples (0 to ${probe.count - 1}).`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k ${k} must be a positive whole number.`);
  for (const step of [fromStep, toStep]) {
    if (!timeline.frames.some((f) => f.step === step)) throw new RunDirectoryError(`step ${step} has no timeline embeddings in ${runPaths(runDir).timeline}; the timeline has steps ${timeline.frames.map((f) => f.step).join(', ') || '(none)'}.`);
  }
  const at = (step: number): ProbeNeighbour[] => nearestRows(readTimelineStep(runDir, probe, step), probe.count, probe.dim, query, Math.min(k, probe.count - 1), metric);
  const before = at(fromStep);
  const after = at(toStep);
  const had = new Set(before.map((n) => n.position));
  const has = new Set(after.map((n) => n.position));
  return {
    query,
    from: { step: fromStep, neighbours: before },
    to: { step: toStep, neighbours: after },
    entered: after.filter((n) => !had.has(n.position)).map((n) => n.position),
    left: before.filter((n) => !has.has(n.position)).map((n) => n.position),
  };
}
