// embed, new samples and export --format tfjs of a PyTorch run (pytorchRunModel.ts): an MLP over
// flattened [28, 28, 1] images (the conversion reorders the first kernel's rows), batch norm and
// dropout, batch-norm projection and prediction heads.
import { testRunModel } from './pytorchRunModel';

testRunModel('mlp (batch norm, dropout) with batch-norm projection and prediction heads', `  backbone: { type: mlp, layers: [24], batchNorm: true, dropout: 0.1 }
  representationSize: 16
  projection: { layers: [16, 8], batchNorm: true }
  prediction: { layers: [12, 8], batchNorm: true }`);
