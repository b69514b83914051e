// The run directory's search/ folder: items added to the run's index after training
// (`contrastive-lab index <run> --add`) and the approximate (HNSW) index built on demand.
//   search/added.f32           float32 little-endian, count × dim: the added items' embeddings
//   search/added.json          { formatVersion, dim, layer, step, checkpoint, ids }: one id (source path) per row
//   search/hnsw-<metric>.usearch   the HNSW graph (usearch's format), rows numbered as the index
//   search/hnsw-<metric>.json      what it was built from (see HnswHeader)
// Rows of the run's index: the stored embeddings (embeddings/vectors.f32) first, then the added items.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../shared/atomic';
import { ensureDir, FileError, readFloat32File, readJsonObject } from '../shared/files';
import { float32ToLittleEndian } from '../runs/embeddings';
import type { SearchMetric } from '../contrastive/eval/search';

export interface SearchPaths {
  readonly dir: string;
  readonly addedVectors: string;
  readonly addedHeader: string;
  hnswIndex(metric: SearchMetric): string;
  hnswHeader(metric: SearchMetric): string;
}

export function searchPaths(runDir: string): SearchPaths {
  const dir = join(runDir, 'search');
  return {
    dir,
    addedVectors: join(dir, 'added.f32'),
    addedHeader: join(dir, 'added.json'),
    hnswIndex: (metric) => join(dir, `hnsw-${metric}.usearch`),
    hnswHeader: (metric) => join(dir, `hnsw-${metric}.json`),
  };
}

export interface AddedHeader {
  readonly formatVersion: 1;
  readonly dim: number;
  readonly layer: 'representation' | 'projection';
  /** The training step of the checkpoint that embedded them. */
  readonly step: number;
  readonly checkpoint: string;
  /** One per row: the source file, or `file:N` for line N of a CSV/JSONL file. */
  readonly ids: readonly string[];
}

export interface AddedItems {
  readonly header: AddedHeader;
  readonly vectors: Float32Array;
}

/** The items added to a run's index, or null when none were. */
export function readAddedItems(runDir: string): AddedItems | null {
  const p = searchPaths(runDir);
  if (!existsSync(p.addedHeader)) return null;
  const header = readJsonObject<AddedHeader>(p.addedHeader, 'added items header');
  if (!Number.isInteger(header.dim) || header.dim < 1 || !Array.isArray(header.ids)) {
    throw new FileError(p.addedHeader, `needs a positive whole "dim" and an "ids" list; the added items header is damaged: delete ${p.dir} and add the items again`);
  }
  const vectors = readFloat32File(p.addedVectors, header.ids.length * header.dim, 'added items file');
  return { header, vectors };
}

/** Writes the added items (vectors first, the header last: a reader that sees the header sees complete vectors). */
export function writeAddedItems(runDir: string, items: AddedItems): void {
  const p = searchPaths(runDir);
  ensureDir(p.dir, 'search folder');
  if (items.vectors.length !== items.header.ids.length * items.header.dim) throw new Error(`added items: ${items.vectors.length} values do not make ${items.header.ids.length} × ${items.header.dim} vectors`);
  writeFileAtomic(p.addedVectors, float32ToLittleEndian(items.vectors));
  writeJsonAtomic(p.addedHeader, items.header);
}
