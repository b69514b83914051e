// Every augmentation op, keyed by the schema's `type` string (the mapped type makes a missing or
// extra entry a compile error when the spec types change).
import type { AugmentationOp, AugmentationType } from './declarations';
import { affine } from './affine';
import type { Augmentation } from './augmentation';
import { brightness } from './brightness';
import { contrast } from './contrast';
import { cutout } from './cutout';
import { featureMask } from './featureMask';
import { featureNoise } from './featureNoise';
import { flip } from './flip';
import { gaussianBlur } from './gaussianBlur';
import { gaussianNoise } from './gaussianNoise';
import { grayscale } from './grayscale';
import { hue } from './hue';
import { randomResizedCrop } from './randomResizedCrop';

export const augmentations: { readonly [K in AugmentationType]: Augmentation<Extract<AugmentationOp, { type: K }>> } = {
  randomResizedCrop,
  flip,
  affine,
  brightness,
  contrast,
  hue,
  grayscale,
  gaussianNoise,
  gaussianBlur,
  cutout,
  featureNoise,
  featureMask,
};

export const augmentationTypes = Object.keys(augmentations) as AugmentationType[];

export function augmentationFor<Op extends AugmentationOp>(op: Op): Augmentation<Op> {
  const found = (augmentations as Record<string, Augmentation<AugmentationOp> | undefined>)[op.type];
  if (found === undefined) {
    throw new Error(`unknown augmentation type '${op.type}'; known types: ${augmentationTypes.join(', ')}`);
  }
  return found as unknown as Augmentation<Op>;
}
