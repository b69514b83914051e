// The EMA target network (BYOL, MoCo): θt ← τ·θt + (1 − τ)·θo after every step, with τ rising from
// tauStart to tauEnd on a cosine schedule (BYOL's τ = 1 − (1 − τ0)(cos(πk/K) + 1)/2).
import { tf } from '../contrastive/backend';
import type { EmaSpec } from '../spec/types';
import type { Network } from './network';

export function emaTauAt(ema: EmaSpec, step: number, totalSteps: number): number {
  const progress = Math.min(1, Math.max(0, step / Math.max(1, totalSteps)));
  return ema.tauEnd - (ema.tauEnd - ema.tauStart) * (Math.cos(Math.PI * progress) + 1) / 2;
}

export function updateEma(target: Network, online: Network, tau: number): void {
  const next = tf.tidy(() => {
    const t = target.getWeights();
    const o = online.getWeights();
    return t.map((w, i) => tf.add(tf.mul(w, tau), tf.mul(o[i]!, 1 - tau)));
  });
  target.setWeights(next);
  tf.dispose(next);
}
