import { BOTH_ENGINES, augmentation, bool, probability, type OptionsOf } from '../declare';

export const flip = augmentation('flip', 'Mirror the image. Horizontal flips suit natural images and most shapes; do **not** flip digits or text (a mirrored 2 is not a 2).', {
  probability: probability(0.5),
  horizontal: bool('Allow left–right mirroring.', true),
  vertical: bool('Allow top–bottom mirroring (rarely right for photos; fine for textures, cells, satellite images).', false),
}, { imageOnly: true, engines: BOTH_ENGINES });

export type FlipOptions = OptionsOf<typeof flip>;
