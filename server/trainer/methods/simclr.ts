// InfoNCE / SimCLR (Chen et al. 2020) with batch negatives: both augmented views through the online
// network; the target of a view is the other view's projection (shared weights, or under
// stop-gradient / an EMA network when the spec asks for one); a labelled loss sees the 2n outputs
// with pair ids as labels, so every other sample of the batch is a negative — mined when a miner is
// given.
import type { Loss } from '../../contrastive/losses/types';
import type { Miner } from '../../contrastive/miners/types';
import type { TargetBranch, TargetTemperatureTerm } from './branches';
import { oneWayTwoView, symmetricTwoView } from './two-view';
import type { Forward, Method } from './types';

export interface SimclrParts {
  readonly online: Forward;
  readonly target: TargetBranch;
  /** Both directions (a prediction head or an EMA target make the branches asymmetric). */
  readonly symmetric: boolean;
  readonly loss: Loss;
  readonly miner: Miner | null;
  readonly targetTemperature: TargetTemperatureTerm;
}

export function simclr(p: SimclrParts): Method {
  const mining = p.miner !== null ? { miner: p.miner } : {};
  const shape = p.symmetric ? symmetricTwoView : oneWayTwoView;
  return shape({ family: 'simclr', online: p.online, target: p.target, targetTemperature: p.targetTemperature, pairLoss: (o, t) => p.loss.compute({ views: { view1: o, view2: t }, ...mining }) });
}
