// The 2-D maps of a run's stored embeddings at any size, computed outside the webview (the CLI's
// `project` command, which the map panel starts, and the benches): PCA of every point and UMAP of
// a stratified sample with the rest placed by their nearest sampled neighbours (projectionUmap.ts),
// both streaming vectors.f32 in blocks. pca.f32 / umap.f32 are written atomically and meta.json's
// `projections` last, so a reader never sees a map that is not complete.
import { writeFileAtomic, writeJsonAtomic } from '../shared/atomic';
import { readJsonObject } from '../shared/files';
import { float32ToLittleEndian } from './embeddings';
import type { EmbeddingsMeta, SampleIndex } from './format';
import { runPaths } from './paths';
import { streamedPca, type Progress } from './projectionPca';
import { sampledUmap } from './projectionUmap';
import type { RunDistance } from './runDistance';
import { VectorFile } from './vectorBlocks';

export type { Progress } from './projectionPca';
export type ProjectionName = 'pca' | 'umap';

/** UMAP's sample by default: about what umap-js lays out in tens of seconds. */
export const DEFAULT_UMAP_SAMPLE = 20_000;

export interface ProjectOptions {
  readonly methods: readonly ProjectionName[];
  readonly distance: RunDistance;
  readonly sampleSize?: number;
  readonly seed?: number;
  readonly epochs?: number;
  readonly progress?: Progress;
}

export interface ProjectResult {
  readonly count: number;
  readonly seconds: Readonly<Partial<Record<ProjectionName, number>>>;
}

export async function projectRun(runDir: string, options: ProjectOptions): Promise<ProjectResult> {
  const p = runPaths(runDir);
  const meta = readJsonObject<EmbeddingsMeta>(p.embeddingsMeta, 'embeddings header');
  const vectors = new VectorFile(p.vectors, meta.count, meta.dim);
  const seconds: Partial<Record<ProjectionName, number>> = {};
  const done = new Set(meta.projections);
  try {
    for (const method of options.methods) {
      const t0 = performance.now();
      let xy: Float32Array;
      if (method === 'pca') {
        xy = streamedPca(vectors, options.progress);
      } else {
        const labels = readJsonObject<SampleIndex>(p.samples, 'sample index').labels;
        xy = await sampledUmap(vectors, labels, { sampleSize: options.sampleSize ?? DEFAULT_UMAP_SAMPLE, seed: options.seed ?? 0, distance: options.distance, ...(options.epochs !== undefined ? { epochs: options.epochs } : {}) }, options.progress);
      }
      writeFileAtomic(method === 'pca' ? p.pca : p.umap, float32ToLittleEndian(xy));
      done.add(method);
      seconds[method] = (performance.now() - t0) / 1000;
    }
  } finally {
    vectors.close();
  }
  // Re-read: the header may have been rewritten (a sprite added) while the maps were computed.
  const latest = readJsonObject<EmbeddingsMeta>(p.embeddingsMeta, 'embeddings header');
  writeJsonAtomic(p.embeddingsMeta, { ...latest, projections: (['pca', 'umap'] as const).filter((m) => done.has(m) || latest.projections.includes(m)) });
  return { count: meta.count, seconds };
}
