// The backbone registry, keyed by the schema's `type` strings.
import type { BackboneSpec, BackboneType } from '../../../spec/types';
import type { Symbolic } from '../layerParts';
import type { DropoutSeed } from '../seededDropout';
import { convnetBackbone } from './convnet';
import { mlpBackbone } from './mlp';
import { resnetBackbone } from './resnet';

/** Whether a backbone needs image input ([h, w, c]) rather than any shape. */
export const BACKBONE_NEEDS_IMAGES: Readonly<Record<BackboneType, boolean>> = { mlp: false, convnet: true, resnet: true };

export const BACKBONE_TYPES: readonly BackboneType[] = ['mlp', 'convnet', 'resnet'];

/** `dropoutSeed` is the model's per-forward seed holder, read by its dropout layers. */
export function buildBackbone(spec: BackboneSpec, input: Symbolic, dropoutSeed: DropoutSeed): Symbolic {
  switch (spec.type) {
    case 'mlp': return mlpBackbone(spec, input, dropoutSeed);
    case 'convnet': return convnetBackbone(spec, input);
    case 'resnet': return resnetBackbone(spec, input);
  }
}
