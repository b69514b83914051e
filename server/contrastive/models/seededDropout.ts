// Dropout whose masks come from a seed the caller controls, so a training step can be replayed
// exactly (a resumed run draws the same masks as one that never stopped). tfjs' own dropout layer
// draws from an unseeded global generator. The layer serialises as a standard "Dropout", so an
// exported model loads in plain tfjs; inference never drops, so the two behave identically there.
import { tf } from '../backend';
import { derivedRandom } from '../random';

/** The forward pass's dropout seed, shared by every dropout layer of one model; null draws unseeded. */
export class DropoutSeed {
  current: number | null = null;
}

export interface SeededDropoutArgs {
  readonly rate: number;
  readonly name: string;
  readonly seed: DropoutSeed;
}

export class SeededDropout extends tf.layers.Layer {
  /** Written as class_name in model.json: plain tfjs reads it back as its own Dropout layer. */
  static className = 'Dropout';
  private readonly rate: number;
  private readonly seed: DropoutSeed;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    if (!(args.rate > 0 && args.rate < 1)) throw new RangeError(`dropout rate must be in (0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs['training'] !== true) return x;
    const base = this.seed.current;
    // Each layer gets its own stream of the step's seed, named by the layer's stable name.
    const layerSeed = base === null ? undefined : derivedRandom(base, 'dropout', this.name).nextSeed();
    return tf.tidy(() => {
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', layerSeed), this.rate), 'float32');
      return tf.mul(x, tf.mul(keep, 1 / (1 - this.rate)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, noiseShape: null, seed: null };
  }
}
