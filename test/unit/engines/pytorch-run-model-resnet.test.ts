// embed, new samples and export --format tfjs of a PyTorch run (pytorchRunModel.ts): a resnet (stem,
// two stages of two blocks, the stride-2 block with its 1×1 shortcut, global pooling), no projection head.
import { testRunModel } from './pytorchRunModel';

testRunModel('resnet (two stages, two blocks each)', `  backbone: { type: resnet, channels: [4, 6], blocksPerStage: 2 }
  representationSize: 12
  projection: null`);
