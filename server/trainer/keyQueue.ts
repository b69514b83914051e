// The memory queue of negatives (MoCo): a FIFO of the target network's keys from past batches,
// with their labels (-1 for augmentation pairs, the class for labelled data). Newest keys replace
// the oldest once it is full. Its contents and fill state are part of every checkpoint.
import { tf } from '../contrastive/backend';
import type { StoredTensor } from './checkpoint';

export class KeyQueue {
  private keys: Float32Array | null = null;
  private labels: Int32Array;
  private dim = 0;
  /** Rows filled so far (≤ size) and where the next row goes. */
  private filled = 0;
  private next = 0;
  private cached: tf.Tensor2D | null = null;

  constructor(private readonly size: number) {
    this.labels = new Int32Array(size);
  }

  contents(): { embeddings: tf.Tensor2D; labels: Int32Array } | null {
    if (this.filled === 0 || this.keys === null) return null;
    if (this.cached === null) this.cached = tf.keep(tf.tensor2d(this.keys.subarray(0, this.filled * this.dim), [this.filled, this.dim]));
    return { embeddings: this.cached, labels: this.labels.subarray(0, this.filled) };
  }

  push(keys: tf.Tensor2D, labels: Int32Array): void {
    const [n, dim] = keys.shape;
    if (this.keys === null) {
      this.dim = dim;
      this.keys = new Float32Array(this.size * dim);
    }
    const values = keys.dataSync() as Float32Array;
    for (let i = 0; i < n; i++) {
      this.keys.set(values.subarray(i * dim, (i + 1) * dim), this.next * dim);
      this.labels[this.next] = labels[i]!;
      this.next = (this.next + 1) % this.size;
      this.filled = Math.min(this.size, this.filled + 1);
    }
    this.cached?.dispose();
    this.cached = null;
  }

  tensors(): StoredTensor[] {
    if (this.keys === null) return [];
    return [{ shape: [this.size, this.dim], values: this.keys.slice() }, { shape: [this.size], values: Float32Array.from(this.labels) }];
  }

  extra(): Record<string, number> {
    return { filled: this.filled, next: this.next, dim: this.dim };
  }

  restore(tensors: readonly StoredTensor[], extra: unknown): void {
    const e = (extra ?? {}) as { filled?: number; next?: number; dim?: number };
    this.cached?.dispose();
    this.cached = null;
    if (tensors.length < 2 || !e.dim) {
      this.keys = null;
      this.filled = 0;
      this.next = 0;
      return;
    }
    this.dim = e.dim;
    this.keys = Float32Array.from(tensors[0]!.values);
    this.labels = Int32Array.from(tensors[1]!.values);
    this.filled = e.filled ?? 0;
    this.next = e.next ?? 0;
  }

  dispose(): void {
    this.cached?.dispose();
    this.cached = null;
  }
}
