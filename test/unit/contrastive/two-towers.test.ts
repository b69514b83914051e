// Two towers on paired data (issue 14, library level): the tokenizer, CLIP's symmetric InfoNCE
// against a float64 loop with its gradients, cross-modal recall and zero-shot accuracy on known
// embeddings, and an image tower (backbone → representation → projection) with a text tower
// (token embeddings → mean pooling → projection) trained on builtin:digits-captions with CLIP's loss
// and with SigLIP: zero-shot classification and retrieval far above chance on held-out pairs.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { DIGITS_CAPTIONS_SOURCE, loadPairs, type PairedData } from '../../../server/contrastive/data/pairs';
import { crossModalRecall, zeroShotAccuracy } from '../../../server/contrastive/eval/crossModal';
import { SigLIPLoss } from '../../../server/contrastive/losses/siglip';
import { ContrastiveModel } from '../../../server/contrastive/models';
import { Random } from '../../../server/contrastive/random';
import { symmetricInfoNCE } from '../../../server/contrastive/towers/crossLoss';
import { TextTower } from '../../../server/contrastive/towers/textTower';
import { Tokenizer, UNKNOWN } from '../../../server/contrastive/towers/tokenizer';
import * as ref from './losses-float64-reference';

before(async () => {
  await initBackend('wasm');
});

describe('tokenizer', () => {
  test('a vocabulary from the training texts, most frequent first; unknown words and padding', () => {
    const t = Tokenizer.fromTexts(['A cat, a dog.', 'a Cat'], { maxSize: 10, minCount: 1, maxLength: 8 });
    assert.deepEqual(t.vocabulary, [UNKNOWN, 'a', 'cat', 'dog']);
    assert.equal(t.maxLength, 4);
    const { ids, mask } = t.encode(['dog a bird', '']);
    assert.deepEqual([...ids], [3, 1, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([...mask], [1, 1, 1, 0, 1, 0, 0, 0], 'an empty text is one unknown token');
    assert.deepEqual(Tokenizer.fromJSON(JSON.parse(JSON.stringify(t.toJSON()))).encode(['cat dog']), t.encode(['cat dog']), 'stored and read back, the same ids');
  });
});

describe('symmetric InfoNCE between towers', () => {
  const a = ref.randomMatrix(5, 4, 3);
  const b = ref.randomMatrix(5, 4, 4);
  const reference = (x: ref.M, y: ref.M, t: number) => {
    const s = ref.cosine(x, y).map((r) => r.map((v) => v / t));
    const lse = (xs: number[]) => Math.log(xs.reduce((acc, v) => acc + Math.exp(v), 0));
    let total = 0;
    s.forEach((row, i) => (total += lse(row) - row[i]! + lse(s.map((r) => r[i]!)) - row[i]!));
    return total / (2 * x.length);
  };

  test('value and gradients for both towers match a float64 loop', () => {
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => symmetricInfoNCE(x as tf.Tensor2D, y as tf.Tensor2D, 0.3))([tf.tensor2d(a), tf.tensor2d(b)]);
    assert.ok(Math.abs(value.dataSync()[0]! - reference(a, b, 0.3)) < 1e-5);
    const numeric = ref.numericalGradients((xs) => reference(xs[0]!, xs[1]!, 0.3), [a, b]);
    grads.forEach((g, k) => {
      const got = g.dataSync();
      numeric[k]!.flat().forEach((v, i) => assert.ok(Math.abs(got[i]! - v) < 1e-3, `tower ${k === 0 ? 'a' : 'b'} gradient [${i}]: ${got[i]} vs ${v}`));
    });
  });

  test('towers of different sizes are refused with both shapes', () => {
    assert.throws(() => symmetricInfoNCE(tf.zeros([4, 3]), tf.zeros([4, 5]), 0.1), /tower a gives 4×3 but tower b 4×5/);
  });
});

describe('cross-modal evaluation', () => {
  test('recall@k both ways, identical items counted as one, and zero-shot accuracy', () => {
    const a = tf.tensor2d([[1, 0], [0, 1], [-1, 0]]);
    const b = tf.tensor2d([[1, 0.1], [-1, 0.05], [0.1, 1]]); // a0→b0 right; a1's nearest are b2 then b0, a2's b1 then b2
    const exact = crossModalRecall(a, b, [1, 2], null, null);
    assert.deepEqual(exact.map((r) => [r.k, r.aToB]), [[1, 1 / 3], [2, 2 / 3]]);
    // b1 and b2 hold the same caption: retrieving either is right
    const grouped = crossModalRecall(a, b, [1], null, [0, 1, 1]);
    assert.equal(grouped[0]!.aToB, 1);
    // b1 and b2 are one caption, nearest to a0, whose own b0 comes next: the 2nd distinct item, 3rd row
    const dup = crossModalRecall(tf.tensor2d([[1, 0], [0, 1], [1, 0.01]]), tf.tensor2d([[0.5, 0.5], [1, 0.01], [1, 0.01]]), [1, 2], null, [0, 1, 1]);
    assert.deepEqual(dup.map((r) => r.aToB), [1 / 3, 1]);
    assert.equal(zeroShotAccuracy(a, tf.tensor2d([[1, 0], [0, 1]]), new Int32Array([0, 1, 0])), 2 / 3, 'a2 is nearest to class 1');
  });
});

describe('two towers learn on builtin:digits-captions', () => {
  const TRAIN = 3000;
  const TEST = 1000;
  let pairs: PairedData & { classCaptions: readonly string[] };
  let order: number[];
  before(async () => {
    pairs = (await loadPairs({ builtin: DIGITS_CAPTIONS_SOURCE, seed: 0 }, { size: 28, channels: 1 })) as typeof pairs;
    order = new Random(1).permutation(pairs.count);
  });

  const captions = (): readonly string[] => {
    assert.ok(pairs.b.kind === 'text');
    return pairs.b.texts;
  };

  /** Rows `rows` of the image side (0..1) and their captions. */
  const batch = (rows: readonly number[]): { images: tf.Tensor4D; texts: string[] } => {
    assert.ok(pairs.a.kind === 'image' && pairs.b.kind === 'text');
    const per = 28 * 28;
    const values = new Float32Array(rows.length * per);
    const { pixels } = pairs.a;
    const texts = pairs.b.texts;
    rows.forEach((r, i) => {
      for (let p = 0; p < per; p++) values[i * per + p] = pixels[r * per + p]! / 255;
    });
    return { images: tf.tensor4d(values, [rows.length, 28, 28, 1]), texts: rows.map((r) => texts[r]!) };
  };

  async function train(loss: 'clip' | 'siglip') {
    assert.ok(pairs.b.kind === 'text');
    const trainRows = order.slice(0, TRAIN);
    const testRows = order.slice(TRAIN, TRAIN + TEST);
    const tokenizer = Tokenizer.fromTexts(trainRows.map((r) => captions()[r]!), { maxSize: 1000, minCount: 1, maxLength: 16 });
    const image = ContrastiveModel.build({ backbone: { type: 'mlp', layers: [256], activation: 'relu', batchNorm: false, dropout: 0 } as never, representationSize: 64, projection: { layers: [64], batchNorm: false, activation: 'relu' }, prediction: null, normalizeOutput: false }, [28, 28, 1]);
    const text = new TextTower(tokenizer, 32, 64, 2);
    const siglip = new SigLIPLoss({ logitScale: Math.log(10), logitBias: -10, learnable: true });
    const optimizer = tf.train.adam(0.002);
    const variables = [...image.trainableVariables, ...text.variables, ...siglip.trainableVariables];
    const size = 128;
    const random = new Random(3);
    const losses: number[] = [];
    for (let step = 0; step < 120; step++) {
      const rows = Array.from({ length: size }, () => trainRows[random.nextInt(trainRows.length)]!);
      const { images, texts } = batch(rows);
      const value = optimizer.minimize(() => {
        const a = image.forward(images, { training: true }).projection;
        const b = text.embedTexts(texts);
        return loss === 'clip' ? symmetricInfoNCE(a, b, 0.1) : siglip.compute({ views: { view1: a, view2: b } });
      }, true, variables);
      losses.push(value!.dataSync()[0]!);
      value!.dispose();
      images.dispose();
    }
    const { images, texts } = batch(testRows);
    const [a, b, classes] = tf.tidy(() => [image.forward(images, { training: false }).projection, text.embedTexts(texts), text.embedTexts(pairs.classCaptions)]);
    const result = { recall: crossModalRecall(a, b, [1, 5, 10], null, texts), zeroShot: zeroShotAccuracy(a, classes, Int32Array.from(testRows, (r) => pairs.labels![r]!)) };
    tf.dispose([a, b, classes, images]);
    image.dispose();
    text.dispose();
    siglip.dispose();
    optimizer.dispose();
    return { ...result, first: losses.slice(0, 10).reduce((x, y) => x + y) / 10, last: losses.slice(-10).reduce((x, y) => x + y) / 10 };
  }

  for (const loss of ['clip', 'siglip'] as const) {
    test(`${loss === 'clip' ? 'CLIP symmetric InfoNCE' : 'SigLIP'}: the loss falls; zero-shot and retrieval far above chance on held-out pairs`, async (t) => {
      const r = await train(loss);
      const at = (k: number) => r.recall.find((x) => x.k === k)!;
      t.diagnostic(`${loss}: loss ${r.first.toFixed(3)} → ${r.last.toFixed(3)}; zero-shot ${(r.zeroShot * 100).toFixed(1)} %; image→caption R@1/5/10 ${[1, 5, 10].map((k) => at(k).aToB.toFixed(3)).join('/')}; caption→image R@1/5/10 ${[1, 5, 10].map((k) => at(k).bToA.toFixed(3)).join('/')}`);
      assert.ok(r.last < r.first, `the loss went from ${r.first} to ${r.last}`);
      assert.ok(r.zeroShot > 0.5, `zero-shot accuracy ${r.zeroShot} is not well above chance (0.1)`);
      // 100 distinct captions (10 templates × 10 digits), drawn at random per image: the right class's
      // 10 captions ranked first give R@10 = 1; chance is 0.1
      assert.ok(at(10).aToB > 0.5, `image→caption recall@10 ${at(10).aToB}`);
      // a caption names a digit, not one image: at best ~10 of the ~100 test images of its class are
      // found in 10; chance is 10/1000
      assert.ok(at(10).bToA > 0.03, `caption→image recall@10 ${at(10).bToA}`);
    });
  }
});
