import { BOTH_ENGINES, backbone, bool, int, layerList, type OptionsOf } from '../../declare';
import { activation } from '../activation.decl';

export const convnet = backbone('convnet', 'A small convolutional network (conv → activation → max-pool per stage). Understands spatial structure: better than an MLP on images, slower per step.', {
  channels: layerList('Channels of each conv stage; each stage halves the resolution.', [32, 64], [[16, 32, 64]]),
  kernelSize: int('Convolution kernel size.', 3, { minimum: 1, maximum: 11 }, [3, 5]),
  activation: activation(),
  batchNorm: bool('Batch normalisation after each convolution.', true),
}, { needsImages: true, engines: BOTH_ENGINES });

export type ConvnetOptions = OptionsOf<typeof convnet>;
