// SupCon (Khosla et al. 2020) and the labelled pair losses (contrastive, triplet, circle, …): the
// (weakly augmented) batch through the online network once; same-class samples are the positives,
// the other classes the negatives, mined when a miner is given. With a target temperature the
// target branch gives the batch's targets too.
import type { Loss } from '../../contrastive/losses/types';
import type { Miner } from '../../contrastive/miners/types';
import { lossView, type TargetBranch, type TargetTemperatureTerm } from './branches';
import type { Forward, Method, StepBatch } from './types';

export interface SupervisedParts {
  readonly online: Forward;
  readonly target: TargetBranch;
  readonly loss: Loss;
  readonly miner: Miner | null;
  readonly targetTemperature: TargetTemperatureTerm;
}

/** The batch's labels, or the reason there are none to train on. */
export function batchLabels(batch: StepBatch, loss: Loss): Int32Array {
  if (batch.labels === null) throw new Error('pairs.positives is "labels" but this data has no labels; use pairs.positives: augmentation.');
  if (loss.input !== 'labelled') throw new Error(`loss ${loss.type} compares two views of each sample; set pairs.positives: augmentation to train it.`);
  return batch.labels;
}

export function supervised(p: SupervisedParts): Method {
  const mining = p.miner !== null ? { miner: p.miner } : {};
  return {
    family: 'supervised',
    step(batch) {
      const labels = batchLabels(batch, p.loss);
      const o = p.online(batch.view1, true);
      const z = lossView(o);
      const base = p.loss.compute({ embeddings: z, labels, ...mining });
      const loss = p.targetTemperature.add(base, () => {
        const t = p.target.of(batch.view1, () => o);
        return [[z, t, t]];
      });
      return { loss, keys: null, keyLabels: null };
    },
  };
}
