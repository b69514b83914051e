// The `eval.fewShot` block: N-way K-shot episodes on the held-out split (fewShot.ts computes them,
// engines/pytorch/contrastive_lab_torch/fewshot.py too). Composed into the eval group by server/spec/experiment.ts.
import { Array as ArrayType, Integer } from '@sinclair/typebox';
import { int, optional } from '../declare';

export const FEW_SHOT = optional(
  'Few-shot evaluation (Prototypical Networks, Snell et al. 2017): N-way K-shot episodes drawn from the held-out split; each class\'s prototype is the mean of its K support embeddings and each query takes the class of the nearest prototype under the run\'s distance. Reports the mean accuracy over the episodes and its 95 % confidence interval (1.96·sd/√episodes) per shot count, as `fewShot` in metrics.jsonl (`5way-1shot`: `{accuracy, ci95, episodes}`). Answers "how good is this with 1 or 5 labels per class?". Cheap: 600 episodes of each shot count take about 0.2 s of CPU on 2,000 held-out digits, so it runs at every evaluation.',
  {
    ways: int('N: classes per episode. Must not exceed the classes of the held-out split (each needs `max(shots) + queries` held-out samples).', 5, { minimum: 2, maximum: 1000 }, [5, 10, 20]),
    shots: ArrayType(Integer({ minimum: 1, maximum: 1000 }), { markdownDescription: 'K: labelled (support) samples per class; one figure per value.', minItems: 1, uniqueItems: true, default: [1, 5], examples: [[1, 5], [1], [1, 5, 10]] }),
    episodes: int('Episodes per shot count: more narrow the confidence interval (as 1/√episodes). 600 is the usual figure.', 600, { minimum: 1, maximum: 100000 }, [600, 1000, 100]),
    queries: int('Q: query samples per class in an episode.', 15, { minimum: 1, maximum: 1000 }, [15, 5]),
    seed: int('Seed of the episodes. The same seed draws the same episodes at every evaluation, in every run with the same split, and on both engines, so figures compare.', 0, { minimum: 0, maximum: 4294967295 }, [0, 1]),
  },
  null,
  { ways: 5, shots: [1, 5], episodes: 600, queries: 15, seed: 0 },
);
