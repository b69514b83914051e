// Writes the data a run trains on, exactly as the trainer sees it, for another engine (the
// PyTorch mirror in engines/pytorch) to train the same recipe on the same split:
//   meta.json   { count, sampleShape, classes, trainCount, testCount }
//   x.f32       count × prod(sampleShape) float32 LE: dataset.x (after normalisation, as fed to the network)
//   labels.i32  count int32 LE, -1 where unlabelled
//   train.i32, test.i32   the trainer's split indices (int32 LE)
//   probe.i32   the timeline's probe rows (probeSet.ts), whose embeddings every evaluation keeps
import { mkdirSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { loadData } from '../contrastive/data/load';
import type { SplitDataset } from '../contrastive/data/types';
import type { ResolvedSpec } from '../spec/types';
import { probeRows } from './probeSet';

function littleEndianBytes(values: Float32Array | Int32Array): Buffer {
  if (endianness() === 'LE') return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const bytes = Buffer.alloc(values.length * 4);
  if (values instanceof Float32Array) values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  else values.forEach((v, i) => bytes.writeInt32LE(v, i * 4));
  return bytes;
}

export async function writeSplit(spec: ResolvedSpec, specDir: string, outDir: string): Promise<void> {
  writeLoadedSplit(await loadData(spec.data, { specDir, cacheDir: null }), outDir);
}

/** The same files from a split already in memory (the PyTorch engine's launcher loads it once for the run). */
export function writeLoadedSplit(split: SplitDataset, outDir: string): void {
  const { dataset, train, test } = split;
  mkdirSync(outDir, { recursive: true });
  const labels = dataset.labels ?? new Int32Array(dataset.count).fill(-1);
  const meta = {
    count: dataset.count,
    sampleShape: [...dataset.sampleShape],
    classes: dataset.classNames !== null ? dataset.classNames.length : null,
    trainCount: train.length,
    testCount: test.length,
  };
  writeFileSync(join(outDir, 'x.f32'), littleEndianBytes(dataset.x));
  writeFileSync(join(outDir, 'labels.i32'), littleEndianBytes(labels));
  writeFileSync(join(outDir, 'train.i32'), littleEndianBytes(train));
  writeFileSync(join(outDir, 'test.i32'), littleEndianBytes(test));
  writeFileSync(join(outDir, 'probe.i32'), littleEndianBytes(probeRows(split).rows));
  // meta.json last: its presence says the folder is complete.
  writeFileSync(join(outDir, 'meta.json'), `${JSON.stringify(meta)}\n`);
}
