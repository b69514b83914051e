// The MoCo memory queue (He et al. 2020): a fixed-size FIFO of keys from the target network that
// serve as extra negatives. The newest keys replace the oldest; each key carries its label (class,
// or -1 for self-supervised runs) and sample id, so a loss can tell positives from negatives.
// Keys live in one non-trainable tf.Variable used as a ring buffer; each enqueue assigns it the
// buffer with the oldest slots overwritten (slices and one concat on the backend, no host copy).
import { tf } from '../backend';

export interface QueueContents {
  /** [count, dim], a new tensor the caller owns (oldest-first order is not promised). */
  readonly keys: tf.Tensor2D;
  readonly labels: Int32Array;
  readonly ids: Int32Array;
  readonly count: number;
}

/** Everything needed to restore a queue exactly (stored in checkpoints). */
export interface MemoryQueueState {
  readonly size: number;
  readonly dim: number;
  /** Next ring slot to write. */
  readonly pointer: number;
  /** How many slots hold keys (size once the queue has filled). */
  readonly filled: number;
  readonly keys: Float32Array;
  readonly labels: Int32Array;
  readonly ids: Int32Array;
}

export class MemoryQueue {
  private readonly keys: tf.Variable<tf.Rank.R2>;
  private readonly labels: Int32Array;
  private readonly ids: Int32Array;
  private pointer = 0;
  private filled = 0;

  constructor(readonly size: number, readonly dim: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`pairs.negatives.size must be a positive integer, got ${size}`);
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`memory queue: key dimension must be a positive integer, got ${dim}`);
    this.keys = tf.tidy(() => tf.variable(tf.zeros([size, dim]), false, undefined, 'float32') as tf.Variable<tf.Rank.R2>);
    this.labels = new Int32Array(size).fill(-1);
    this.ids = new Int32Array(size).fill(-1);
  }

  get count(): number {
    return this.filled;
  }

  /**
   * Adds a batch of keys [n, dim] (not disposed; copied, so no gradient flows back), dropping the
   * oldest keys once full. With more keys than the queue holds, only the newest `size` are kept.
   */
  enqueue(batchKeys: tf.Tensor2D, labels?: ArrayLike<number>, ids?: ArrayLike<number>): void {
    const [n, dim] = batchKeys.shape;
    if (dim !== this.dim) throw new Error(`memory queue holds keys of dimension ${this.dim} but got [${n}, ${dim}]; the queue must be fed from the same layer`);
    if (labels !== undefined && labels.length !== n) throw new Error(`memory queue: ${labels.length} labels for ${n} keys`);
    if (ids !== undefined && ids.length !== n) throw new Error(`memory queue: ${ids.length} ids for ${n} keys`);
    if (n === 0) return;
    const skip = Math.max(0, n - this.size); // rows too old to survive this enqueue
    const count = n - skip;
    const start = this.pointer;
    const firstPart = Math.min(count, this.size - start); // rows before the ring wraps
    tf.tidy(() => {
      const incoming = tf.slice(batchKeys, [skip, 0], [count, dim]);
      const pieces: tf.Tensor2D[] = [];
      if (count === this.size) {
        // The whole ring is replaced: slot (start + i) % size gets incoming row i.
        pieces.push(tf.slice(incoming, [firstPart, 0], [count - firstPart, dim]), tf.slice(incoming, [0, 0], [firstPart, dim]));
      } else if (firstPart === count) {
        pieces.push(tf.slice(this.keys, [0, 0], [start, dim]), incoming, tf.slice(this.keys, [start + count, 0], [this.size - start - count, dim]));
      } else {
        const wrapped = count - firstPart;
        pieces.push(tf.slice(incoming, [firstPart, 0], [wrapped, dim]), tf.slice(this.keys, [wrapped, 0], [start - wrapped, dim]), tf.slice(incoming, [0, 0], [firstPart, dim]));
      }
      this.keys.assign(tf.concat(pieces.filter((p) => p.shape[0] > 0), 0));
    });
    for (let i = 0; i < count; i++) {
      const slot = (start + i) % this.size;
      this.labels[slot] = labels === undefined ? -1 : (labels[skip + i] as number);
      this.ids[slot] = ids === undefined ? -1 : (ids[skip + i] as number);
    }
    this.pointer = (start + count) % this.size;
    this.filled = Math.min(this.size, this.filled + count);
  }

  /** The stored keys with their labels and ids (empty [0, dim] before the first enqueue). */
  contents(): QueueContents {
    // Until the queue is full, slots fill from 0 upward, so the keys are the first `filled` rows.
    const keys = this.filled === this.size ? tf.clone(this.keys) : tf.slice(this.keys, [0, 0], [this.filled, this.dim]);
    return { keys: keys as tf.Tensor2D, labels: this.labels.slice(0, this.filled), ids: this.ids.slice(0, this.filled), count: this.filled };
  }

  getState(): MemoryQueueState {
    return {
      size: this.size,
      dim: this.dim,
      pointer: this.pointer,
      filled: this.filled,
      keys: Float32Array.from(this.keys.dataSync() as Float32Array),
      labels: this.labels.slice(),
      ids: this.ids.slice(),
    };
  }

  setState(state: MemoryQueueState): void {
    if (state.size !== this.size || state.dim !== this.dim) {
      throw new Error(`checkpointed memory queue is ${state.size} × ${state.dim} but this run's queue is ${this.size} × ${this.dim}; resume with the same pairs.negatives.size and output size`);
    }
    if (state.keys.length !== this.size * this.dim || state.labels.length !== this.size || state.ids.length !== this.size) {
      throw new Error('checkpointed memory queue is truncated (its arrays do not match its size); the checkpoint file is damaged');
    }
    tf.tidy(() => this.keys.assign(tf.tensor2d(state.keys, [this.size, this.dim])));
    this.labels.set(state.labels);
    this.ids.set(state.ids);
    this.pointer = state.pointer;
    this.filled = state.filled;
  }

  static fromState(state: MemoryQueueState): MemoryQueue {
    const queue = new MemoryQueue(state.size, state.dim);
    queue.setState(state);
    return queue;
  }

  dispose(): void {
    this.keys.dispose();
  }
}
