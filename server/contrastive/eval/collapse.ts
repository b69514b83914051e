// Collapse monitor (as in SimSiam, Chen & He 2021): the standard deviation over the batch of the
// L2-normalised outputs, per dimension, averaged over dimensions. Outputs that all point the same
// way give 0; outputs spread over the unit sphere give about 1/√d.
import { tf } from '../backend';
import type { EmbeddingMatrix } from './embeddingMatrix';

export type CollapseVerdict = 'collapsed' | 'partial' | 'healthy';

export interface CollapseReport {
  /** Mean over dimensions of the (population) std over the batch of the L2-normalised outputs. */
  readonly std: number;
  /** 1/√d: the value for outputs spread evenly over the sphere. */
  readonly healthyStd: number;
  readonly verdict: CollapseVerdict;
  /** One sentence for logs and the events file. */
  readonly message: string;
}

/** Below this fraction of 1/√d the outputs have (nearly) one direction. */
const COLLAPSED_BELOW = 0.1;
/** Below this fraction the outputs use only part of the space (dimensional collapse). */
const PARTIAL_BELOW = 0.5;

export function collapseVerdict(std: number, dim: number): CollapseReport {
  const healthyStd = 1 / Math.sqrt(dim);
  const ratio = std / healthyStd;
  const verdict: CollapseVerdict = ratio < COLLAPSED_BELOW ? 'collapsed' : ratio < PARTIAL_BELOW ? 'partial' : 'healthy';
  const figures = `output std ${std.toPrecision(3)} vs ${healthyStd.toPrecision(3)} (1/√${dim}) for spread-out outputs`;
  const message =
    verdict === 'collapsed'
      ? `Representation collapse: ${figures}; the outputs barely depend on the input. Check stop-gradient/EMA, the predictor, the learning rate, or the loss's variance term.`
      : verdict === 'partial'
        ? `Partial collapse suspected: ${figures}; the outputs occupy only part of the space.`
        : `No collapse: ${figures}.`;
  return { std, healthyStd, verdict, message };
}

/** Measures a batch of outputs, given as a [N, d] tensor (not disposed) or stored embeddings. */
export function measureCollapse(outputs: tf.Tensor2D | EmbeddingMatrix): CollapseReport {
  const isTensor = outputs instanceof tf.Tensor;
  const [rows, dim] = isTensor ? outputs.shape : [outputs.rows, outputs.dim];
  if (rows < 2) throw new Error(`collapse monitor: needs at least 2 outputs to measure a spread, got ${rows}`);
  const std = tf.tidy(() => {
    const x = isTensor ? outputs : tf.tensor2d(outputs.data, [rows, dim]);
    const norms = tf.maximum(tf.sqrt(tf.sum(tf.square(x), 1, true)), 1e-12);
    const { variance } = tf.moments(tf.div(x, norms), 0);
    return tf.mean(tf.sqrt(variance)).dataSync()[0] as number;
  });
  return collapseVerdict(std, dim);
}
