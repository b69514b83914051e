// What the map page gets first about a run: its per-point columns as typed arrays (the label, the
// split, and any other per-sample array samples.json holds: text → categories, numbers → numbers),
// read from meta.json and samples.json only — the vectors stay on disk (the map process streams them).
import * as fs from 'node:fs';
import type { EmbeddingsMeta } from '../../server/runs/format';
import { runPaths } from '../../server/runs/paths';
import { readJsonObject } from '../../server/shared/files';
import type { MapColumn } from '../../webview/protocol';

export interface MapPoints {
  readonly meta: EmbeddingsMeta;
  readonly ids: readonly string[];
  readonly columns: readonly MapColumn[];
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Text values as a category column: distinct names in a human order, a code per point. */
export function categoryColumn(name: string, values: readonly string[]): MapColumn {
  const names = [...new Set(values)].sort((a, b) => collator.compare(a, b));
  const position = new Map(names.map((n, i) => [n, i]));
  return { name, kind: 'category', names, codes: Uint16Array.from(values, (v) => position.get(v) ?? 0) };
}

export function mapColumns(meta: EmbeddingsMeta, samples: Readonly<Record<string, unknown>>): MapColumn[] {
  const count = meta.count;
  const labels = samples.labels as readonly (number | null)[];
  const columns: MapColumn[] = [categoryColumn('label', labels.map((l) => (l === null ? '' : meta.classNames?.[l] ?? String(l))))];
  for (const [key, value] of Object.entries(samples)) {
    if (key === 'labels' || key === 'ids' || !Array.isArray(value) || value.length !== count) continue;
    if (value.every((v) => typeof v === 'string')) {
      const distinct = new Set(value as string[]).size;
      // A column of (nearly) unique strings would colour every point differently: no use on a map.
      if (distinct <= 65_535 && distinct < Math.max(2, count / 2)) columns.push(categoryColumn(key, value as string[]));
    } else if (value.every((v) => v === null || typeof v === 'number')) {
      columns.push({ name: key, kind: 'number', values: Float32Array.from(value as (number | null)[], (v) => (v === null ? NaN : v)) });
    }
  }
  return columns;
}

/** Cache keyed by run folder; reloaded when meta.json changes (a re-embed, a new projection). */
export class MapPointsCache {
  private entry: { dir: string; mtimeMs: number; value: MapPoints } | undefined;

  get(runDir: string): MapPoints {
    const p = runPaths(runDir);
    const mtimeMs = fs.statSync(p.embeddingsMeta).mtimeMs;
    if (this.entry && this.entry.dir === runDir && this.entry.mtimeMs === mtimeMs) return this.entry.value;
    const meta = readJsonObject<EmbeddingsMeta>(p.embeddingsMeta, 'embeddings header');
    const samples = readJsonObject<Record<string, unknown>>(p.samples, 'sample index');
    for (const key of ['ids', 'labels'] as const) {
      if (!Array.isArray(samples[key]) || (samples[key] as unknown[]).length !== meta.count) throw new Error(`${p.samples}: "${key}" should list ${meta.count} samples (meta.json's count); rewrite the embeddings with \`contrastive-lab embed ${runDir}\``);
    }
    const value: MapPoints = { meta, ids: samples.ids as string[], columns: mapColumns(meta, samples) };
    this.entry = { dir: runDir, mtimeMs, value };
    return value;
  }
}
