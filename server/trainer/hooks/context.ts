// What the hooks that read the model and the data share: the run's folder and state, what it trains
// with, the held-out split, the spec and the reporter. Each hook adds only what is its own.
import type { SplitDataset } from '../../contrastive/data/types';
import type { ResolvedSpec } from '../../spec/types';
import type { TrainingParts } from '../parts';
import type { Reporter } from '../reporter';
import type { RunState } from '../trainer';

export interface RunContext {
  readonly runDir: string;
  readonly parts: TrainingParts;
  readonly data: SplitDataset;
  readonly spec: ResolvedSpec;
  readonly run: RunState;
  readonly reporter: Reporter;
  readonly epochs: number;
}
