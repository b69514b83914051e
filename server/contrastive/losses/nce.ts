// Binary NCE. With S = similarity/τ (or −D/τ for a distance), c the log-normaliser, and for anchor i
// its k_i negatives (the noise samples) among m_i candidates (positives + negatives; q = 1/m_i):
//   Δ_ij = S_ij − c − log(k_i/m_i)
//   l_ij = −log σ(Δ_ij) − Σ_{n ∈ N(i)} log σ(−Δ_in) = softplus(−Δ_ij) + Σ_n softplus(Δ_in)
// one term per positive pair (i, j), reduced over the positive pairs (default: mean). A row without
// negatives has no noise to tell apart: its terms are 0.
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import type { Distance } from '../distances/types';
import { meanReducer } from '../reducers/mean';
import type { Reducer } from '../reducers/types';
import { maskTensor } from './labelled-batch';
import type { nce } from './nce.decl';
import { PairLoss, type PairBatch } from './pair-loss';

export class NCELoss extends PairLoss {
  readonly type = 'nce';
  readonly supportsReference = true;
  /** The log-normaliser c. */
  readonly logNormalizer: tf.Variable;
  override readonly trainableVariables: readonly tf.Variable[];
  private readonly temperature: number;

  constructor(distance: Distance, { temperature, logNormalizer, learnable }: ParamsOf<typeof nce>, reducer: Reducer = meanReducer) {
    super(distance, reducer);
    if (!(temperature > 0)) throw new Error(`nce loss: temperature must be > 0 (got ${temperature}).`);
    this.temperature = temperature;
    this.logNormalizer = tf.variable(tf.scalar(logNormalizer), learnable);
    this.trainableVariables = learnable ? [this.logNormalizer] : [];
  }

  protected formula({ batch, masks, mat }: PairBatch): tf.Scalar {
    const { rows, cols } = batch;
    // log(k_i·q_i) = log(k_i/m_i) per row, and whether the row has any noise sample, from the host masks.
    const noiseTerm = new Float32Array(rows);
    const hasNoise = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      let k = 0;
      let m = 0;
      for (let j = i * cols; j < (i + 1) * cols; j++) {
        k += masks.neg[j] ?? 0;
        m += (masks.neg[j] ?? 0) + (masks.pos[j] ?? 0);
      }
      if (k > 0) {
        noiseTerm[i] = Math.log(k / m);
        hasNoise[i] = 1;
      }
    }
    const scores = tf.div(this.distance.isInverted ? mat : tf.neg(mat), this.temperature);
    const delta = tf.sub(tf.sub(scores, this.logNormalizer), tf.tensor2d(noiseTerm, [rows, 1]));
    const noiseSum = tf.sum(tf.mul(tf.softplus(delta), maskTensor(masks.neg, batch)), 1, true);
    const terms = tf.mul(tf.add(tf.softplus(tf.neg(delta)), noiseSum), tf.tensor2d(hasNoise, [rows, 1]));
    return this.reducer.reduce(terms, maskTensor(masks.pos, batch), masks.posCount);
  }

  override dispose(): void {
    this.logNormalizer.dispose();
  }
}
