import { BOTH_ENGINES, backbone, int, layerList, type OptionsOf } from '../../declare';
import { activation } from '../activation.decl';

export const resnet = backbone('resnet', 'A small residual network (He et al. 2016): stages of residual blocks with skip connections. The most capable backbone here and the slowest.', {
  channels: layerList('Channels of each stage; each stage after the first halves the resolution.', [16, 32, 64], [[32, 64]]),
  blocksPerStage: int('Residual blocks per stage.', 1, { minimum: 1, maximum: 8 }, [1, 2]),
  activation: activation(),
}, { needsImages: true, engines: BOTH_ENGINES });

export type ResnetOptions = OptionsOf<typeof resnet>;
