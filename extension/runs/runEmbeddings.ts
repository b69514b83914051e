// A run's stored embeddings as the gallery and the map need them: display labels, ids, the sprite
// layout (not the vectors). Neighbour queries go to the library's search in a child process
// (neighbourService.ts): the extension host never loads a tensor library.
import * as fs from 'node:fs';
import type { EmbeddingsMeta, SampleIndex } from '../../server/runs/format';
import { readEmbeddingsIndex } from '../../server/runs/embeddings';
import { runPaths } from '../../server/runs/paths';

export interface LoadedEmbeddings {
  readonly meta: EmbeddingsMeta;
  readonly samples: SampleIndex;
  /** Display label per row: the class name, else the label number, else ''. */
  readonly labels: readonly string[];
}

export function displayLabels(meta: EmbeddingsMeta, samples: SampleIndex): string[] {
  return samples.labels.map((label) => (label === null ? '' : meta.classNames?.[label] ?? String(label)));
}

/** Labels and ids only: the vectors stay in the search process (at 1M × 128 they are 512 MB this host would hold for nothing). */
export function loadEmbeddings(runDir: string): LoadedEmbeddings {
  const { meta, samples } = readEmbeddingsIndex(runDir);
  return { meta, samples, labels: displayLabels(meta, samples) };
}

/** Cache keyed by run folder; reloaded when meta.json changes (a re-embed). */
export class EmbeddingsCache {
  private readonly entries = new Map<string, { mtimeMs: number; value: LoadedEmbeddings }>();

  get(runDir: string): LoadedEmbeddings {
    const mtimeMs = fs.statSync(runPaths(runDir).embeddingsMeta).mtimeMs;
    const hit = this.entries.get(runDir);
    if (hit && hit.mtimeMs === mtimeMs) return hit.value;
    const value = loadEmbeddings(runDir);
    this.entries.clear(); // one run's embeddings at a time: they can be large
    this.entries.set(runDir, { mtimeMs, value });
    return value;
  }
}
