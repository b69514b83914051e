// EMA (momentum) target network, as in BYOL and MoCo: after each optimiser step
// θt ← τ·θt + (1 − τ)·θo, with τ rising from tauStart to tauEnd along a cosine over training
// (BYOL: τ = 1 − (1 − τ₀)·(cos(π·k/K) + 1)/2). Batch-norm statistics are averaged the same way.
// The target's variables are updated in place (assign), so no tensors accumulate across steps.
import { tf } from '../backend';
import { LERP_KERNEL } from '../kernels/binary/wasmBroadcastBinary';
import type { ContrastiveModel, NamedVariable } from '../models/contrastiveModel';

/** strategy.ema: τ at the first and at the last step. */
export interface EmaOptions {
  readonly tauStart: number;
  readonly tauEnd: number;
}

/** τ at `step` (0-based) of `totalSteps`: tauStart at step 0, tauEnd at the last step. */
export function emaTau(step: number, totalSteps: number, spec: EmaOptions): number {
  const progress = totalSteps <= 1 ? 1 : Math.min(1, Math.max(0, step / (totalSteps - 1)));
  return spec.tauEnd - (spec.tauEnd - spec.tauStart) * (Math.cos(Math.PI * progress) + 1) / 2;
}

export class EmaTarget {
  private readonly pairs: Array<{ readonly target: NamedVariable; readonly online: NamedVariable }>;

  /** Builds the target as a copy of `online` (same architecture and weights). */
  constructor(readonly online: ContrastiveModel, readonly target: ContrastiveModel = online.clone()) {
    const onlineVars = online.namedVariables();
    const targetVars = target.namedVariables();
    if (onlineVars.length !== targetVars.length) throw new Error('The EMA target has a different architecture from the online model.');
    this.pairs = targetVars.map((t, i) => {
      const o = onlineVars[i]!;
      if (t.name !== o.name) throw new Error(`The EMA target's weight ${t.name} does not match the online weight ${o.name}.`);
      return { target: t, online: o };
    });
  }

  /** Moves the target towards the online weights with the τ for this step; returns τ. */
  update(step: number, totalSteps: number, spec: EmaOptions): number {
    const tau = emaTau(step, totalSteps, spec);
    this.updateWithTau(tau);
    return tau;
  }

  updateWithTau(tau: number): void {
    if (!(tau >= 0 && tau <= 1)) throw new Error(`EMA τ is ${tau}; it must lie in [0, 1] (check strategy.ema.tauStart and tauEnd).`);
    // On wasm one pass per weight (kernels/binary: the same float32 products and sum, so the same bits).
    const fused = tf.getKernel(LERP_KERNEL, tf.getBackend()) !== undefined;
    const [s, t] = [Math.fround(tau), Math.fround(1 - tau)];
    tf.tidy(() => {
      for (const { target, online } of this.pairs) {
        const moved = fused && target.variable.dtype === 'float32'
          ? (tf.engine().runKernel(LERP_KERNEL, { a: target.variable, b: online.variable }, { s, t }) as tf.Tensor)
          : tf.add(tf.mul(target.variable, tau), tf.mul(online.variable, 1 - tau));
        target.variable.assign(moved);
      }
    });
  }

  dispose(): void {
    this.target.dispose();
  }
}
