// Writes the paired data of a two-tower run for the PyTorch engine (engines/pytorch/contrastive_lab_torch/
// towers.py), exactly as the tfjs trainer's towers see it (pairedSplit.ts, towers.ts):
//   meta.json           { count, sampleShape, trainCount, testCount, classCaptions (how many, or null) }
//   x.f32               side a's samples, scaled (count × prod(sampleShape), float32 LE)
//   tokens-b.i32, mask-b.f32   side b's token ids and 0/1 mask (count × maxLength), by the run's tokenizer
//   class-tokens-b.i32, class-mask-b.f32   the class captions' (zero-shot), when there are any
//   tokenizer-b.json    that tokenizer (built here from the training texts, as the tfjs trainer builds it)
//   texts-b.json        side b's texts (identical texts are one item for recall)
//   labels.i32, train.i32, test.i32, kept.i32   labels (-1 without), the split, the pairs data.limit keeps
//   dataset.json        { source, kind: "pairs", count, ids, classNames, description (the data event's line, as the tfjs trainer says it) }
// The tokenizer is TypeScript's alone: the engine reads ids, never text.
import { writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { Tokenizer, type TokenizerJson } from '../../contrastive/towers/tokenizer';
import type { ResolvedSpec } from '../../spec/types';
import { renderSprite, spriteLayout } from '../sprite';
import { loadPairedSplit } from '../towers/pairedSplit';
import { describeData } from '../towers/describePairs';
import type { SpriteSheet } from './projections';
import { PythonEngineError } from './python';

export interface ExportedTowers {
  /** Rows of the final embeddings: every kept pair's side a, then its side b. */
  readonly embeddingCount: number;
  /** The run's tokenizers by side, written beside spec.json as the tfjs trainer writes them. */
  readonly tokenizers: Readonly<Record<string, TokenizerJson>>;
  /** The thumbnails of the final embeddings (each side-b point shows its partner's image), or null without an image side. */
  sprite(): Promise<SpriteSheet | null>;
}

function littleEndian(values: Float32Array | Int32Array): Buffer {
  if (endianness() === 'LE') return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const bytes = Buffer.alloc(values.length * 4);
  if (values instanceof Float32Array) values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  else values.forEach((v, i) => bytes.writeInt32LE(v, i * 4));
  return bytes;
}

export async function writeTowerSplit(spec: ResolvedSpec, specDir: string, outDir: string): Promise<ExportedTowers> {
  const towers = spec.architecture.towers;
  if (towers === null) throw new PythonEngineError('data.pairs (paired data) needs architecture.towers: say which tower embeds each side.');
  const data = await loadPairedSplit(spec, specDir);
  const { a, b } = data;
  if (a.kind !== 'samples') throw new PythonEngineError(`architecture.towers.a is a network tower but side a of data.pairs holds texts; on the PyTorch engine side a must be images or numbers (or train this spec with run.engine: tfjs).`);
  if (b.kind !== 'text') throw new PythonEngineError(`architecture.towers.b is a text tower but side b of data.pairs holds ${a.what === 'image' ? 'images' : 'numbers'}; make side b the text column.`);
  const text = towers.b;
  // As towers.ts: the vocabulary comes from the training texts only.
  const tokenizer = Tokenizer.fromTexts(Array.from(data.train, (i) => b.texts[i]!), { maxSize: text.vocabularySize, minCount: 1, maxLength: text.maxLength });
  const count = b.texts.length;
  const write = (name: string, values: Float32Array | Int32Array): void => writeFileSync(join(outDir, name), littleEndian(values));
  write('x.f32', a.samples.values);
  const encoded = tokenizer.encode(b.texts);
  write('tokens-b.i32', encoded.ids);
  write('mask-b.f32', encoded.mask);
  if (data.classCaptions !== null) {
    const classes = tokenizer.encode(data.classCaptions);
    write('class-tokens-b.i32', classes.ids);
    write('class-mask-b.f32', classes.mask);
  }
  write('labels.i32', data.labels ?? new Int32Array(count).fill(-1));
  write('train.i32', data.train);
  write('test.i32', data.test);
  write('kept.i32', data.kept);
  writeFileSync(join(outDir, 'tokenizer-b.json'), JSON.stringify(tokenizer.toJSON()));
  writeFileSync(join(outDir, 'texts-b.json'), JSON.stringify(b.texts));
  writeFileSync(join(outDir, 'dataset.json'), JSON.stringify({ source: data.source, kind: 'pairs', count: data.kept.length, ids: data.ids, classNames: data.classNames, description: describeData(data) }));
  // meta.json last: its presence says the folder is complete.
  writeFileSync(join(outDir, 'meta.json'), `${JSON.stringify({ count, sampleShape: [...a.samples.sampleShape], trainCount: data.train.length, testCount: data.test.length, classCaptions: data.classCaptions?.length ?? null })}\n`);
  const kept = data.kept;
  const n = kept.length;
  return {
    embeddingCount: 2 * n,
    tokenizers: { b: tokenizer.toJSON() },
    // towerEmbeddings.ts: an image side's pixels, once for its own points and once for its partners'.
    async sprite() {
      if (a.what !== 'image' || a.pixels === undefined) return null;
      const [size, , channels] = a.samples.sampleShape as [number, number, 1 | 3];
      const per = a.samples.sampleShape.reduce((x, y) => x * y, 1);
      const pixels = new Uint8Array(2 * n * per);
      kept.forEach((pair, i) => {
        const image = a.pixels!.subarray(pair * per, (pair + 1) * per);
        pixels.set(image, i * per);
        pixels.set(image, (n + i) * per);
      });
      const layout = spriteLayout(2 * n, size);
      return { layout, png: await renderSprite(pixels, 2 * n, size, channels, layout) };
    },
  };
}
