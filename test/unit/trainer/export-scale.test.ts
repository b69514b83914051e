// Exports that scale: the TensorBoard projector export keeps to the projector's 100,000 points with
// a stratified, seeded sample (and a re-cut sprite sheet), and says so; the Arrow export writes every
// sample's embedding and metadata in one IPC file that an Arrow reader (pandas, polars, pyarrow;
// here apache-arrow) reads back with the documented schema.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { tableFromIPC } from 'apache-arrow';
import { exportCommand } from '../../../server/cli/commands/export';
import { writeEmbeddings } from '../../../server/runs/embeddings';
import type { EmbeddingsMeta, SpriteLayout } from '../../../server/runs/format';
import { runPaths } from '../../../server/runs/paths';
import { exportArrow } from '../../../server/trainer/exportArrow';
import { exportProjector, PROJECTOR_MAX_POINTS } from '../../../server/trainer/exportProjector';
import { tempDir } from './helpers';

const CLASSES = ['ant', 'bee', 'cat', 'dog', 'eel'];

/** Label of sample i: shares 40/30/15/10/4 % and 1 % unlabelled. */
function labelOf(i: number): number | null {
  const p = i % 100;
  return p < 40 ? 0 : p < 70 ? 1 : p < 85 ? 2 : p < 95 ? 3 : p < 99 ? 4 : null;
}

/** A run folder holding only embeddings: count × dim vectors (row i is [i, i/2, -i, i % 7]), PCA, and optionally a sprite of 2 × 2 px tiles (tile i has grey value i % 251). */
async function syntheticRun(dir: string, count: number, sprite: boolean): Promise<string> {
  const runDir = join(dir, `run-${count}`);
  const dim = 4;
  const vectors = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) vectors.set([i, i / 2, -i, i % 7], i * dim);
  let layout: SpriteLayout | null = null;
  if (sprite) {
    const columns = Math.ceil(Math.sqrt(count));
    const rows = Math.ceil(count / columns);
    layout = { file: 'sprite.png', thumbWidth: 2, thumbHeight: 2, columns, rows };
    const width = columns * 2;
    const pixels = Buffer.alloc(width * rows * 2, 255);
    for (let i = 0; i < count; i++) {
      const x0 = (i % columns) * 2, y0 = Math.floor(i / columns) * 2;
      for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) pixels[(y0 + y) * width + x0 + x] = i % 251;
    }
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(runDir, 'embeddings'), { recursive: true });
    writeFileSync(runPaths(runDir).sprite, await sharp(pixels, { raw: { width, height: rows * 2, channels: 1 } }).png().toBuffer());
  }
  const meta: EmbeddingsMeta = { formatVersion: 1, count, dim, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: true, classNames: CLASSES, epoch: 3, step: 30, projections: ['pca'], sprite: layout };
  const labels = Array.from({ length: count }, (_, i) => labelOf(i));
  const pca = Float32Array.from({ length: count * 2 }, (_, k) => (k % 2 === 0 ? k / 2 : -k));
  writeEmbeddings(runDir, { meta, vectors, samples: { ids: Array.from({ length: count }, (_, i) => `s${i}`), labels, split: labels.map((_, i) => (i % 5 === 0 ? 'test' : 'train')) } }, { pca });
  return runDir;
}

const tsvRows = (file: string): string[][] => readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));

async function captureStderr<T>(work: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const original = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { value: await work(), stderr };
  } finally {
    process.stderr.write = original;
  }
}

test('projector export above 100,000 points: a stratified, seeded sample of exactly 100,000, a warning, and a sprite re-cut to the sampled thumbnails', async () => {
  const dir = tempDir('export-scale');
  const count = PROJECTOR_MAX_POINTS + 2_500;
  const runDir = await syntheticRun(dir, count, true);
  const out = join(dir, 'projector');
  const { value: code, stderr } = await captureStderr(() => exportCommand.run([runDir, '--format', 'projector', '--out', out]));
  assert.equal(code, 0);
  assert.match(stderr, /warning: TensorBoard's projector loads at most 100,000 points: wrote a stratified sample of 100,000 of the run's 102,500 .*seed 0/);

  const tensors = tsvRows(join(out, 'tensors.tsv'));
  const metadata = tsvRows(join(out, 'metadata.tsv'));
  assert.equal(tensors.length, PROJECTOR_MAX_POINTS);
  assert.deepEqual(metadata[0], ['label', 'id', 'split', 'index']);
  assert.equal(metadata.length, PROJECTOR_MAX_POINTS + 1);
  const index = metadata.slice(1).map((r) => Number(r[3]));
  assert.ok(index.every((r, i) => i === 0 || r > index[i - 1]!), 'rows ascending, none twice');
  // each line is its sample: vector, label, id and split agree with the row
  for (const at of [0, 4_321, 99_999]) {
    const r = index[at]!;
    assert.deepEqual(tensors[at], [r, r / 2, -r, r % 7].map(String));
    assert.deepEqual(metadata[at + 1], [labelOf(r) === null ? '' : CLASSES[labelOf(r)!]!, `s${r}`, r % 5 === 0 ? 'test' : 'train', String(r)]);
  }
  // every label keeps its share (largest remainders: within one point)
  for (const [g, name] of [...CLASSES, ''].entries()) {
    const inRun = Array.from({ length: count }, (_, i) => i).filter((i) => (labelOf(i) ?? 5) === g).length;
    const inExport = metadata.slice(1).filter((r) => r[0] === name).length;
    assert.ok(Math.abs(inExport - (inRun * PROJECTOR_MAX_POINTS) / count) < 1, `${name || '(no label)'}: ${inExport} of ${inRun}`);
  }
  const config = readFileSync(join(out, 'projector_config.pbtxt'), 'utf8');
  assert.match(config, /tensor_shape: 100000\n  tensor_shape: 4\n/);
  assert.match(config, /single_image_dim: 2\n    single_image_dim: 2\n/);
  // the sprite holds the sampled thumbnails in the export's order
  const { data, info } = await sharp(join(out, 'sprite.png')).raw().toBuffer({ resolveWithObject: true });
  const columns = Math.ceil(Math.sqrt(PROJECTOR_MAX_POINTS));
  assert.equal(info.width, columns * 2);
  for (const at of [0, 1, 777, 50_000, 99_999]) {
    const x = (at % columns) * 2 + 1, y = Math.floor(at / columns) * 2 + 1;
    assert.equal(data[(y * info.width + x) * info.channels], index[at]! % 251, `thumbnail ${at} is sample ${index[at]}`);
  }

  // the same seed draws the same sample; another seed another
  const again = await exportProjector(runDir, join(dir, 'again'), { seed: 0 });
  assert.equal(again.written, PROJECTOR_MAX_POINTS);
  assert.equal(readFileSync(join(dir, 'again', 'metadata.tsv'), 'utf8'), readFileSync(join(out, 'metadata.tsv'), 'utf8'));
  await exportProjector(runDir, join(dir, 'other'), { seed: 9 });
  assert.notEqual(readFileSync(join(dir, 'other', 'metadata.tsv'), 'utf8'), readFileSync(join(out, 'metadata.tsv'), 'utf8'));
});

test('projector export at or under the limit writes every sample, in order, without a warning', async () => {
  const dir = tempDir('export-small');
  const runDir = await syntheticRun(dir, 300, true);
  const result = await exportProjector(runDir, join(dir, 'out'));
  assert.equal(result.warning, null);
  assert.deepEqual([result.written, result.total], [300, 300]);
  const metadata = tsvRows(join(dir, 'out', 'metadata.tsv'));
  assert.deepEqual(metadata.slice(1).map((r) => Number(r[3])), Array.from({ length: 300 }, (_, i) => i));
  assert.deepEqual(readFileSync(join(dir, 'out', 'sprite.png')), readFileSync(runPaths(runDir).sprite), 'the run\'s own sprite sheet');
});

test('arrow export: one IPC file with every sample\'s index, id, label, class, split, embedding and PCA, and the run in the schema metadata', async () => {
  const dir = tempDir('export-arrow');
  const count = 70_000; // more than one record batch
  const runDir = await syntheticRun(dir, count, false);
  const out = join(dir, 'arrow');
  const { value: code, stderr } = await captureStderr(() => exportCommand.run([runDir, '--format', 'arrow', '--out', out]));
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const table = tableFromIPC(readFileSync(join(out, 'embeddings.arrow')));
  assert.equal(table.numRows, count);
  assert.deepEqual(table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`), [
    'index: Int32', 'id: Utf8', 'label: Int32', 'class: Utf8', 'split: Utf8', 'embedding: FixedSizeList[4]<Float32>', 'pca_x: Float32', 'pca_y: Float32',
  ]);
  assert.ok(table.batches.length >= 2, 'written in record batches');
  const about = JSON.parse(table.schema.metadata.get('contrastive-lab')!) as Record<string, unknown>;
  assert.deepEqual(about, { formatVersion: 1, runId: `run-${count}`, layer: 'representation', dim: 4, step: 30, epoch: 3, classNames: CLASSES });
  for (const r of [0, 99, 65_535, 65_536, count - 1]) {
    const row = table.get(r)!;
    assert.equal(row['index'], r);
    assert.equal(row['id'], `s${r}`);
    assert.equal(row['label'], labelOf(r));
    assert.equal(row['class'], labelOf(r) === null ? null : CLASSES[labelOf(r)!]);
    assert.equal(row['split'], r % 5 === 0 ? 'test' : 'train');
    assert.deepEqual(Array.from((row['embedding'] as { toArray(): Float32Array }).toArray()), [r, r / 2, -r, r % 7].map(Math.fround));
    assert.deepEqual([row['pca_x'], row['pca_y']], [Math.fround(r), Math.fround(-(2 * r + 1))]);
  }
  const direct = await exportArrow(runDir, join(dir, 'direct'));
  assert.deepEqual(direct, { files: ['embeddings.arrow'], written: count, total: count, warning: null });
});

test('export says what is wrong with --format and --seed', async () => {
  const dir = tempDir('export-usage');
  const runDir = await syntheticRun(dir, 10, false);
  await assert.rejects(exportCommand.run([runDir, '--format', 'parquet']), /--format must be projector, arrow or tfjs, got "parquet"/);
  await assert.rejects(exportCommand.run([runDir, '--format', 'projector', '--seed', '-1']), /--seed must be a whole number ≥ 0, got "-1"/);
  await assert.rejects(exportCommand.run([runDir, '--format', 'arrow', '--seed', '3']), /--seed chooses the projector's sample; --format arrow writes every sample/);
});
