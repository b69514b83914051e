// The text tower: token embeddings → mean over the text's tokens → a linear projection into the
// shared embedding space. Its tokenizer's vocabulary comes from the training texts (tokenizer.ts).
import { tf } from '../backend';
import { Random } from '../random';
import type { Tokenizer } from './tokenizer';

export class TextTower {
  readonly embeddings: tf.Variable;
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    readonly tokenizer: Tokenizer,
    tokenSize: number,
    readonly embeddingSize: number,
    seed: number,
  ) {
    const random = new Random(seed);
    const normal = (n: number, std: number) => Float32Array.from({ length: n }, () => random.normal() * std);
    const v = tokenizer.vocabulary.length;
    // In tidy: a variable keeps its own reference to the initial values, which would otherwise stay allocated.
    this.embeddings = tf.tidy(() => tf.variable(tf.tensor2d(normal(v * tokenSize, 0.1), [v, tokenSize])));
    this.kernel = tf.tidy(() => tf.variable(tf.tensor2d(normal(tokenSize * embeddingSize, Math.sqrt(1 / tokenSize)), [tokenSize, embeddingSize])));
    this.bias = tf.tidy(() => tf.variable(tf.zeros([embeddingSize])));
  }

  get variables(): tf.Variable[] {
    return [this.embeddings, this.kernel, this.bias];
  }

  /** Embeds texts: each text's mean token embedding, projected. */
  embedTexts(texts: readonly string[]): tf.Tensor2D {
    const { ids, mask } = this.tokenizer.encode(texts);
    return this.forward(ids, mask, texts.length);
  }

  /**
   * count × maxLength token ids and their 0/1 mask → count × embeddingSize. The mean pooling is one
   * product: a bag of words (count × vocabulary, each token 1/length) times the embedding table —
   * no gather, whose gradient (a segment sum) the wasm backend lacks.
   */
  forward(ids: Int32Array, mask: Float32Array, count: number): tf.Tensor2D {
    const L = this.tokenizer.maxLength;
    const v = this.tokenizer.vocabulary.length;
    const bag = new Float32Array(count * v);
    for (let i = 0; i < count; i++) {
      let length = 0;
      for (let k = 0; k < L; k++) length += mask[i * L + k]!;
      for (let k = 0; k < L; k++) if (mask[i * L + k] === 1) bag[i * v + ids[i * L + k]!]! += 1 / length;
    }
    return tf.tidy(() => tf.add(tf.matMul(tf.matMul(tf.tensor2d(bag, [count, v]), this.embeddings), this.kernel), this.bias) as tf.Tensor2D);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
