// The final embeddings of a two-tower run, in the run directory's usual embeddings/ files: both towers'
// points in one space — every pair's side a (ids `a/<pair id>`) then its side b (`b/<pair id>`), L2-
// normalised as the losses compare them — with the pair's class and split, PCA (and UMAP) maps, and
// for an image side a sprite in which each side-b point shows its partner's image. So the map draws
// the two towers in one picture and the gallery finds captions near images and images near captions.
import { writeEmbeddings } from '../../runs/embeddings';
import { tf } from '../../contrastive/backend';
import { normalizeRows } from '../../contrastive/tensor-utils';
import type { ResolvedSpec } from '../../spec/types';
import { projections2d, writeSprite, type WrittenEmbeddings } from '../embed';
import { pause, type Cooperation } from '../umap';
import type { PairedSplit } from './pairedSplit';
import { embedPairs } from './towerEvaluation';
import type { TowerParts } from './towerParts';

export async function writeTowerEmbeddings(runDir: string, parts: TowerParts, data: PairedSplit, spec: ResolvedSpec, position: { step: number; epoch: number; umap: boolean; cooperation?: Cooperation }): Promise<WrittenEmbeddings> {
  const coop = position.cooperation;
  // The pairs data.limit keeps, as a one-tower run's embeddings hold its kept samples.
  const pairs = data.kept;
  const sides = [parts.towers.a, parts.towers.b].map((tower) => {
    const embedded = embedPairs(tower, pairs);
    const unit = tf.tidy(() => normalizeRows(embedded));
    const values = unit.dataSync() as Float32Array;
    tf.dispose([embedded, unit]);
    return values;
  });
  await pause(coop);
  const n = pairs.length;
  const count = 2 * n;
  const dim = parts.towers.a.outputSize;
  const vectors = new Float32Array(count * dim);
  vectors.set(sides[0]!, 0);
  vectors.set(sides[1]!, n * dim);
  const labels = data.labels === null ? null : Int32Array.from({ length: count }, (_, i) => data.labels![pairs[i % n]!]!);
  const files = ['vectors.f32', 'samples.json', 'pca.f32'];
  const { pca, umap } = await projections2d(vectors, count, dim, { seed: spec.strategy.seed, umap: position.umap, labels, ...(coop ? { cooperation: coop } : {}) });
  if (umap) files.push('umap.f32');
  // Thumbnails: an image side's pixels, once for its own points and once for its partners'.
  const imageSide = data.a.kind === 'samples' && data.a.pixels !== undefined ? data.a : data.b.kind === 'samples' && data.b.pixels !== undefined ? data.b : null;
  let sprite = null;
  if (imageSide !== null && imageSide.kind === 'samples' && imageSide.pixels !== undefined) {
    const per = imageSide.samples.sampleShape.reduce((x, y) => x * y, 1);
    const pixels = new Uint8Array(count * per);
    pairs.forEach((pair, i) => {
      const image = imageSide.pixels!.subarray(pair * per, (pair + 1) * per);
      pixels.set(image, i * per);
      pixels.set(image, (n + i) * per);
    });
    sprite = await writeSprite(runDir, { kind: 'images', source: data.source, sampleShape: imageSide.samples.sampleShape, count, x: new Float32Array(0), labels, classNames: data.classNames, ids: [], pixels }, coop);
    if (sprite) files.push('sprite.png');
  }
  const test = new Set(data.test);
  writeEmbeddings(
    runDir,
    {
      meta: { formatVersion: 1, count, dim, layer: 'projection', dtype: 'float32', byteOrder: 'little-endian', labelled: labels !== null, classNames: data.classNames, epoch: position.epoch, step: position.step, projections: umap ? ['pca', 'umap'] : ['pca'], sprite },
      vectors,
      samples: {
        ids: [...Array.from(pairs, (p) => `a/${data.ids[p]}`), ...Array.from(pairs, (p) => `b/${data.ids[p]}`)],
        labels: labels !== null ? Array.from(labels) : new Array<null>(count).fill(null),
        split: Array.from({ length: count }, (_, i) => (test.has(pairs[i % n]!) ? 'test' : 'train')),
      },
    },
    { pca, ...(umap ? { umap } : {}) },
  );
  files.push('meta.json');
  return { count, dim, files };
}
