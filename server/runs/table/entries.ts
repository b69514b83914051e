// Runs as table rows, read through the one run reader: each entry joins a run's summary with its
// flattened spec.json, its results (metrics.jsonl followed incrementally, so a live run's refresh
// parses only the appended lines) and its annotations. The CLI reads once; the editor keeps one
// RunEntries between refreshes.
import { statSync } from 'node:fs';
import { readAnnotations, type Annotations, NO_ANNOTATIONS } from '../annotations';
import { runPaths } from '../paths';
import { MetricsTail, type RunSummary } from '../reader';
import { readJsonObject } from '../../shared/files';
import { tableRow, type RunEntry, type TableRow } from './columns';
import { ResultsAccumulator } from './results';
import { flattenSpec, type CellValue } from './values';

interface Cached {
  readonly tail: MetricsTail;
  readonly results: ResultsAccumulator;
  params: ReadonlyMap<string, CellValue>;
  swept: readonly string[];
  specStamp: string;
  annotations: Annotations;
  annotationsStamp: string;
}

function stamp(file: string): string {
  try {
    const s = statSync(file);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return 'absent';
  }
}

/** The paths a sweep child's spec.json says its sweep varies (`sweep.parameters`), in its order. */
function sweptPaths(spec: unknown): string[] {
  const sweep = typeof spec === 'object' && spec !== null ? (spec as { sweep?: unknown }).sweep : undefined;
  const parameters = typeof sweep === 'object' && sweep !== null ? (sweep as { parameters?: unknown }).parameters : undefined;
  return typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters) ? Object.keys(parameters) : [];
}

export class RunEntries {
  private readonly cache = new Map<string, Cached>();

  /** @param warn told once per change about a file that cannot be read (the row still shows). */
  constructor(private readonly warn: (message: string) => void = () => undefined) {}

  /** The row of a run, re-reading only what changed since its last read. */
  row(key: string, summary: RunSummary): TableRow {
    return tableRow(this.entry(key, summary));
  }

  entry(key: string, summary: RunSummary): RunEntry {
    const paths = runPaths(summary.dir);
    let cached = this.cache.get(summary.dir);
    if (cached === undefined) {
      cached = { tail: new MetricsTail(paths.metrics), results: new ResultsAccumulator(), params: new Map(), swept: [], specStamp: '', annotations: NO_ANNOTATIONS, annotationsStamp: '' };
      this.cache.set(summary.dir, cached);
    }
    const read = cached.tail.readNew();
    if (read.reset) cached.results.reset();
    cached.results.add(read.lines);
    const specStamp = stamp(paths.specJson);
    if (specStamp !== cached.specStamp) {
      cached.specStamp = specStamp;
      const spec = specStamp === 'absent' ? { params: new Map(), swept: [] } : this.readParams(paths.specJson);
      cached.params = spec.params;
      cached.swept = spec.swept;
    }
    const annotationsStamp = stamp(paths.annotations);
    if (annotationsStamp !== cached.annotationsStamp) {
      cached.annotationsStamp = annotationsStamp;
      try {
        cached.annotations = readAnnotations(summary.dir);
      } catch (e) {
        cached.annotations = NO_ANNOTATIONS;
        this.warn((e as Error).message);
      }
    }
    return { key, summary, params: cached.params, swept: cached.swept, results: cached.results.results(), annotations: cached.annotations };
  }

  /** Forgets a run (its folder is gone). */
  forget(dir: string): void {
    this.cache.delete(dir);
  }

  private readParams(file: string): { params: ReadonlyMap<string, CellValue>; swept: readonly string[] } {
    try {
      const spec = readJsonObject<unknown>(file, 'resolved spec');
      return { params: flattenSpec(spec), swept: sweptPaths(spec) };
    } catch (e) {
      this.warn((e as Error).message);
      return { params: new Map(), swept: [] };
    }
  }
}
