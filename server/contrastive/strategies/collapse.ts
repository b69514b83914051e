// Collapse-safe defaults: which guards a recipe needs so that its embeddings do not collapse to a
// constant. A loss that a constant output already minimises (declared `minimisedByCollapse`: the
// BYOL/SimSiam negative cosine) needs an asymmetry — a prediction head plus stop-gradient or an EMA
// target; the trainer applies stopGradient whenever the spec asks for it or the loss is such a loss,
// and reports the remaining risks as warnings.
import { lossFacts, type LossType } from '../losses/declarations';
import type { EmaOptions } from './ema';

export interface CollapseGuards {
  /** Stop gradients through the target branch. */
  readonly stopGradient: boolean;
  /** Messages for the run's event log: each names the field to change. */
  readonly warnings: readonly string[];
}

/** The parts of a recipe the guards read. */
export interface CollapseRecipe {
  readonly loss: { readonly type: LossType };
  readonly architecture: { readonly prediction: object | null };
  readonly strategy: { readonly stopGradient: boolean; readonly ema: EmaOptions | null };
}

export function collapseGuards(spec: CollapseRecipe): CollapseGuards {
  const warnings: string[] = [];
  const collapsible = lossFacts(spec.loss.type).minimisedByCollapse;
  if (collapsible) {
    if (spec.architecture.prediction === null) {
      warnings.push(`loss ${spec.loss.type} has no negatives: without architecture.prediction (a prediction head) the two branches are symmetric and the embeddings can collapse. Add architecture.prediction: {}.`);
    }
    if (!spec.strategy.stopGradient && spec.strategy.ema === null) {
      warnings.push(`loss ${spec.loss.type} has no negatives: stop-gradient is applied to the target branch anyway, since training through both branches collapses. Set strategy.stopGradient: true (or add strategy.ema) to make this explicit.`);
    }
  }
  if (spec.strategy.ema !== null && spec.strategy.ema.tauEnd < spec.strategy.ema.tauStart) {
    warnings.push(`strategy.ema.tauEnd (${spec.strategy.ema.tauEnd}) is below tauStart (${spec.strategy.ema.tauStart}): the target speeds up as training goes on, which destabilises it. Make tauEnd ≥ tauStart.`);
  }
  return { stopGradient: spec.strategy.stopGradient || collapsible, warnings };
}
