// The backbone registry, keyed by the schema's `type` strings.
import { typesOf } from '../../declare';
import type { Symbolic } from '../layerParts';
import type { DropoutSeed } from '../seededDropout';
import { convnetBackbone } from './convnet';
import { BACKBONES, type BackboneOptions, type BackboneType } from './declarations';
import { mlpBackbone } from './mlp';
import { resnetBackbone } from './resnet';

/** Whether a backbone needs image input ([h, w, c]) rather than any shape. */
export const BACKBONE_NEEDS_IMAGES: Readonly<Record<BackboneType, boolean>> = Object.fromEntries(BACKBONES.map((b) => [b.type, b.facts.needsImages])) as Record<BackboneType, boolean>;

export const BACKBONE_TYPES: readonly BackboneType[] = typesOf(BACKBONES);

/** `dropoutSeed` is the model's per-forward seed holder, read by its dropout layers. */
export function buildBackbone(spec: BackboneOptions, input: Symbolic, dropoutSeed: DropoutSeed): Symbolic {
  switch (spec.type) {
    case 'mlp': return mlpBackbone(spec, input, dropoutSeed);
    case 'convnet': return convnetBackbone(spec, input);
    case 'resnet': return resnetBackbone(spec, input);
  }
}
