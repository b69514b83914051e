// Every augmentation op, in the order the schema offers them (tfjs-free).
import type { OptionsOf } from '../declare';
import { affine } from './affine.decl';
import { brightness } from './brightness.decl';
import { contrast } from './contrast.decl';
import { cutout } from './cutout.decl';
import { featureMask } from './featureMask.decl';
import { featureNoise } from './featureNoise.decl';
import { flip } from './flip.decl';
import { gaussianBlur } from './gaussianBlur.decl';
import { gaussianNoise } from './gaussianNoise.decl';
import { grayscale } from './grayscale.decl';
import { hue } from './hue.decl';
import { randomResizedCrop } from './randomResizedCrop.decl';

export const AUGMENTATIONS = [
  randomResizedCrop, flip, affine, brightness, contrast, hue, grayscale, gaussianNoise, gaussianBlur, cutout, featureNoise, featureMask,
] as const;

export type AugmentationOp = OptionsOf<(typeof AUGMENTATIONS)[number]>;
export type AugmentationType = AugmentationOp['type'];
/** The options of one op. */
export type AugmentationOptions<T extends AugmentationType> = Extract<AugmentationOp, { type: T }>;
