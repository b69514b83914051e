import { BOTH_ENGINES, augmentation, probability, rangePair, type OptionsOf } from '../declare';

export const randomResizedCrop = augmentation('randomResizedCrop', 'Random resized crop: cut a random region (a fraction `scale` of the area, aspect ratio in `ratio`) and resize it back. The single most important augmentation of SimCLR — it forces the network to match parts with wholes. On 28-pixel digits keep `scale` ≥ 0.4 or the digit is cut away.', {
  probability: probability(1),
  scale: rangePair('Fraction of the image area kept by the crop.', [0.5, 1], 0.01, 1, [[0.08, 1], [0.2, 1]]),
  ratio: rangePair('Aspect ratio (width/height) range of the crop.', [0.75, 1.3333333333333333], 0.1, 10, [[1, 1]]),
}, { imageOnly: true, engines: BOTH_ENGINES });

export type RandomResizedCropOptions = OptionsOf<typeof randomResizedCrop>;
