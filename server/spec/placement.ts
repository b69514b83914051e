// run.device and run.processes belong to the PyTorch engine: the tfjs engine trains in one process
// on the CPU. One check, used by the language server (rule engine-unsupported) and by `train`.
import type { FieldPath } from './problems';

export interface PlacementProblem {
  readonly path: FieldPath;
  readonly message: string;
}

interface Placement {
  readonly engine: string;
  readonly processes: number;
  readonly device: string;
}

/** What a tfjs run cannot do of `run`'s placement; empty on the PyTorch engine. */
export function tfjsPlacementProblems(run: Placement): PlacementProblem[] {
  if (run.engine !== 'tfjs') return [];
  const problems: PlacementProblem[] = [];
  if (run.processes > 1) {
    problems.push({ path: ['run', 'processes'], message: `run.processes is ${run.processes}, but the TensorFlow.js engine (run.engine: tfjs) trains in one process; several processes (DistributedDataParallel) need run.engine: pytorch (\`--engine pytorch\`), or set run.processes: 1.` });
  }
  if (run.device !== 'auto' && run.device !== 'cpu') {
    problems.push({ path: ['run', 'device'], message: `run.device is ${run.device}, but the TensorFlow.js engine (run.engine: tfjs) trains on the CPU; GPUs need run.engine: pytorch (\`--engine pytorch\`), or set run.device: auto.` });
  }
  return problems;
}
