// A supervised classifier (pretrain, then fine-tune): the (weakly augmented) batch through the
// online network once; the classifier head turns the representation into class logits and the loss
// (crossEntropy) compares them with the labels. Projection and prediction heads, if the spec has
// them, are not on the loss's path.
import type { ClassifierHead } from '../../contrastive/heads/classifier';
import type { Loss } from '../../contrastive/losses/types';
import type { Forward, Method } from './types';

export interface ClassifierParts {
  readonly online: Forward;
  readonly head: ClassifierHead;
  readonly loss: Loss;
}

export function classifier(p: ClassifierParts): Method {
  return {
    family: 'classifier',
    step(batch) {
      if (batch.labels === null) throw new Error(`loss ${p.loss.type} trains a classifier on the labels, but training sees none; use labelled data with data.useLabels: true.`);
      const o = p.online(batch.view1, true);
      return { loss: p.loss.compute({ embeddings: p.head.logits(o.representation), labels: batch.labels }), keys: null, keyLabels: null };
    },
  };
}
