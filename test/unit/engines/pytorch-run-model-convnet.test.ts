// embed, new samples and export --format tfjs of a PyTorch run (pytorchRunModel.ts): a convnet with
// biased convolutions (no batch norm), kernel 5, two pooled stages, its feature map flattened into the
// representation (the conversion reorders that kernel's rows: torch flattens [C, H, W], tfjs [H, W, C]).
import { testRunModel } from './pytorchRunModel';

testRunModel('convnet (kernel 5, no batch norm)', `  backbone: { type: convnet, channels: [4, 6], kernelSize: 5, batchNorm: false }
  representationSize: 12
  projection: { layers: [8] }`);
