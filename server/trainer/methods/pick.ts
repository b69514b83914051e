// The one place that reads the spec's method flags (positives, negatives queue, EMA, stop-gradient,
// prediction head, target temperature) and the loss's input form, and picks the training method:
//   queue of negatives              → MoCo (on two views, or on labelled batches)
//   labelled positives              → supervised (SupCon and the labelled pair losses, with miners)
//   two views, labelled loss        → SimCLR (InfoNCE and friends with batch negatives)
//   two views, online/target loss   → BYOL with an EMA target, else SimSiam
//   two views, two-view loss        → SigLIP, or Barlow Twins / VICReg
//   a classifying loss              → classifier (crossEntropy on the representation, one view)
// The plan says what the trainer must build for it (EMA network, queue, one or two views).
import type { ClassifierHead } from '../../contrastive/heads/classifier';
import type { Loss } from '../../contrastive/losses/types';
import type { Miner } from '../../contrastive/miners/types';
import { collapseGuards, type EmaOptions } from '../../contrastive/strategies';
import type { ResolvedSpec } from '../../spec/types';
import { detachedTarget, emaTarget, noTargetTemperature, sharedTarget, targetTemperature, type TargetBranch } from './branches';
import { byol } from './byol';
import { classifier } from './classifier';
import { mocoOnLabels, mocoOnViews } from './moco';
import { redundancyReduction } from './redundancy-reduction';
import { siglip } from './siglip';
import { simclr } from './simclr';
import { simsiam } from './simsiam';
import { supervised } from './supervised';
import type { Forward, Method, MethodFamily, NegativesQueue } from './types';

/** The networks and queue the trainer built as the plan asked. */
export interface MethodNetworks {
  readonly online: Forward;
  /** The EMA target network: present exactly when the plan's `ema` is. */
  readonly ema: Forward | null;
  /** Present exactly when the plan's `queueSize` is. */
  readonly queue: NegativesQueue | null;
  /** The classifier head on the representation: present exactly when the plan's `classifier` is true. */
  readonly classifier: ClassifierHead | null;
}

export interface MethodPlan {
  readonly family: MethodFamily;
  /** The EMA target network's τ schedule, or null when the target shares the online weights. */
  readonly ema: EmaOptions | null;
  /** Size of the memory queue of negatives, or null for batch negatives only. */
  readonly queueSize: number | null;
  /** 'two': two augmented views of each sample; 'one': the (weakly augmented) batch. */
  readonly views: 'one' | 'two';
  /** A classifier head on the representation, one output per class (the loss classifies). */
  readonly classifier: boolean;
  /** Collapse risks of the recipe, for the run's events. */
  readonly warnings: readonly string[];
  build(networks: MethodNetworks): Method;
}

function present<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`the method needs ${what}, but the trainer built none`);
  return value;
}

export function planMethod(spec: ResolvedSpec, loss: Loss, miner: Miner | null): MethodPlan {
  const guards = collapseGuards(spec);
  const ema = spec.strategy.ema;
  const queueSize = spec.pairs.negatives.type === 'queue' ? spec.pairs.negatives.size : null;
  // A classifier sees one (weakly augmented) view of each labelled sample.
  const views = spec.pairs.positives === 'augmentation' && loss.input !== 'classes' ? 'two' : 'one';
  // A prediction head or an EMA target makes the branches asymmetric: the loss is symmetrised.
  const symmetric = spec.architecture.prediction !== null || ema !== null;
  const tt = spec.strategy.targetTemperature === null ? noTargetTemperature : targetTemperature(spec.strategy.targetTemperature);
  const minerFor = loss.supportsMining ? miner : null;
  const target = (n: MethodNetworks): TargetBranch => (n.ema !== null ? emaTarget(n.ema) : guards.stopGradient ? detachedTarget : sharedTarget);
  const classifies = loss.input === 'classes';
  const plan = (family: MethodFamily, build: (n: MethodNetworks) => Method): MethodPlan => ({ family, ema, queueSize, views, classifier: classifies, warnings: guards.warnings, build });

  if (classifies) return plan('classifier', (n) => classifier({ online: n.online, head: present(n.classifier, 'a classifier head'), loss }));
  if (queueSize !== null) {
    const moco = views === 'two' ? mocoOnViews : mocoOnLabels;
    return plan('moco', (n) => moco({ online: n.online, target: target(n), loss, queue: present(n.queue, 'a negatives queue') }));
  }
  if (views === 'one') return plan('supervised', (n) => supervised({ online: n.online, target: target(n), loss, miner: minerFor, targetTemperature: tt }));
  switch (loss.input) {
    case 'labelled':
      return plan('simclr', (n) => simclr({ online: n.online, target: target(n), symmetric, loss, miner: minerFor, targetTemperature: tt }));
    case 'onlineTarget':
      return ema !== null
        ? plan('byol', (n) => byol({ online: n.online, ema: present(n.ema, 'an EMA target network'), loss, targetTemperature: tt }))
        : plan('simsiam', (n) => simsiam({ online: n.online, symmetric, loss, targetTemperature: tt }));
    case 'twoView':
      return loss.type === 'siglip'
        ? plan('siglip', (n) => siglip({ online: n.online, target: target(n), symmetric, loss, targetTemperature: tt }))
        : plan('redundancyReduction', (n) => redundancyReduction({ online: n.online, target: target(n), symmetric, loss, targetTemperature: tt }));
  }
}
