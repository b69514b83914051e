import { BOTH_ENGINES, augmentation, num, probability, type OptionsOf } from '../declare';

export const hue = augmentation('hue', 'Rotate the colours of an RGB image about the grey axis by a random angle: greys stay grey, brightness and saturation are kept, hues change (red can become green). With `grayscale`, the colour distortion SimCLR needs on colour images: without it the network can match views by colour alone and never learn shape. Greyscale images pass unchanged.', {
  probability: probability(0.8),
  delta: num('Maximum rotation as a fraction of the full hue circle, either way (0.5 = any hue).', 0.5, { minimum: 0, maximum: 0.5 }, [0.5, 0.1]),
}, { imageOnly: true, engines: BOTH_ENGINES });

export type HueOptions = OptionsOf<typeof hue>;
