// File names inside a run directory, in one place so writers and readers cannot drift apart.
import { join } from 'node:path';

export interface RunPaths {
  readonly dir: string;
  readonly runJson: string;
  readonly specJson: string;
  readonly metrics: string;
  readonly events: string;
  /** The user's star, notes and tags (server/runs/annotations.ts). */
  readonly annotations: string;
  readonly checkpoints: string;
  readonly embeddings: string;
  readonly vectors: string;
  readonly embeddingsMeta: string;
  readonly samples: string;
  readonly pca: string;
  readonly umap: string;
  readonly sprite: string;
  /** The probe set's embeddings at every evaluation (server/runs/timeline/). */
  readonly timeline: string;
  readonly timelineProbe: string;
}

export function runPaths(dir: string): RunPaths {
  const embeddings = join(dir, 'embeddings');
  return {
    dir,
    runJson: join(dir, 'run.json'),
    specJson: join(dir, 'spec.json'),
    metrics: join(dir, 'metrics.jsonl'),
    events: join(dir, 'events.jsonl'),
    annotations: join(dir, 'annotations.json'),
    checkpoints: join(dir, 'checkpoints'),
    embeddings,
    vectors: join(embeddings, 'vectors.f32'),
    embeddingsMeta: join(embeddings, 'meta.json'),
    samples: join(embeddings, 'samples.json'),
    pca: join(embeddings, 'pca.f32'),
    umap: join(embeddings, 'umap.f32'),
    sprite: join(embeddings, 'sprite.png'),
    timeline: join(dir, 'timeline'),
    timelineProbe: join(dir, 'timeline', 'probe.json'),
  };
}
