// The `sweep:` block of a spec (and of a `*.sweep.yaml` file): which spec paths vary, over which
// values, with which strategy, and whether successive halving stops the weaker runs early. Composed
// into the experiment by experiment.ts like every declaration; server/runs/sweep expands it.
import { Unsafe, type TUnsafe } from '@sinclair/typebox';
import { choice, int, optional, str } from '../contrastive/declare';

/** One varied path: a list of values, or a numeric range (sampled by `random`, `steps` points by `grid`). */
export type SweepParameter =
  | { readonly values: readonly unknown[] }
  | { readonly range: { readonly min: number; readonly max: number; readonly log?: boolean; readonly steps?: number } };

/** The results successive halving can rank runs by (an evaluation line's field, or the last epoch's mean loss). */
export const HALVING_METRICS = [
  ['knnAccuracy', 'Weighted kNN accuracy on the held-out split (higher is better; needs `eval.knn`).'],
  ['linearProbeAccuracy', 'Linear-probe accuracy (higher is better; needs `eval.linearProbe`).'],
  ['precisionAt1', 'Precision@1 (higher is better; needs `eval.retrieval`).'],
  ['mapAtR', 'MAP@R (higher is better; needs `eval.retrieval`).'],
  ['loss', 'The training loss, averaged over the rung\'s last epoch (lower is better).'],
] as const;
export type HalvingMetric = (typeof HALVING_METRICS)[number][0];

const rangeSchema = {
  type: 'object',
  markdownDescription: 'A numeric interval: `random` draws from it (log-uniformly with `log: true`), `grid` takes `steps` evenly spaced points (geometrically spaced with `log: true`). Integer paths get rounded values.',
  additionalProperties: false,
  properties: {
    min: { type: 'number', markdownDescription: 'The low end (included).', examples: [0.0001] },
    max: { type: 'number', markdownDescription: 'The high end (included).', examples: [0.01] },
    log: { type: 'boolean', default: false, markdownDescription: 'Space the values on a log scale (learning rates, temperatures); both ends must then be above 0.', examples: [true, false] },
    steps: { type: 'integer', default: 3, minimum: 2, maximum: 100, markdownDescription: 'Points a `grid` takes from the range, ends included.', examples: [3, 5] },
  },
  examples: [{ min: 0.0001, max: 0.01, log: true }],
};

/** Either `values` or `range`, never both: two closed objects. */
const parameter = {
  markdownDescription: 'The values of one spec path: `values: [...]` (any values that path accepts) or `range: {min, max, log}` for a number.',
  oneOf: [
    {
      type: 'object',
      markdownDescription: 'A list of values.',
      additionalProperties: false,
      properties: { values: { type: 'array', minItems: 1, markdownDescription: 'The values this path takes, each checked against the path\'s own schema.', examples: [[0.05, 0.1, 0.2]] } },
    },
    { type: 'object', markdownDescription: 'A numeric range.', additionalProperties: false, properties: { range: rangeSchema } },
  ],
  examples: [{ values: [0.05, 0.1, 0.2] }, { range: { min: 0.0001, max: 0.01, log: true } }],
};

const parameters: TUnsafe<Readonly<Record<string, SweepParameter>>> = Unsafe<Readonly<Record<string, SweepParameter>>>({
  type: 'object',
  markdownDescription: 'The spec paths that vary, dotted (`loss.temperature`, `strategy.optimizer.learningRate`, `architecture.backbone.layers`), each with its `values` or `range`. A value is checked against that path\'s own schema, as if written there.',
  minProperties: 1,
  additionalProperties: parameter,
  default: { 'loss.temperature': { values: [0.05, 0.1, 0.2] } },
  examples: [{ 'loss.temperature': { values: [0.05, 0.1, 0.2] }, 'strategy.optimizer.learningRate': { range: { min: 0.0001, max: 0.01, log: true } } }],
});

export const SWEEP = optional(
  'A sweep: `contrastive-lab sweep <spec>` (or "Run Sweep" in the editor) trains one child run per combination of the `parameters` below, through the run queue. Each child\'s spec.json records its values and the sweep id; the experiments table groups the children by sweep.',
  {
    name: str('Name of the sweep; sweep ids are `<timestamp>-<name>`. Empty: the `experiment` name.', '', { examples: ['temperature-vs-lr', ''] }),
    strategy: choice('How the combinations are chosen.', 'grid', [
      ['grid', 'Every combination of the values (a `range` contributes `steps` points): the product of the list lengths.'],
      ['random', '`count` combinations drawn at random with `seed` (a `range` is sampled uniformly, or log-uniformly with `log: true`); the same seed draws the same runs.'],
    ]),
    count: int('For `random`: how many runs to draw.', 8, { minimum: 1, maximum: 10000 }, [8, 20]),
    seed: int('For `random`: the seed of the draws. Extending a sweep later continues the same sequence.', 0, { minimum: 0 }, [0, 1]),
    parameters,
    halving: optional(
      'Successive halving: every run trains to the first rung (`minEpochs`); at each rung only the best 1/`eta` of the runs that reached it (by `metric`) continue to the next rung (`minEpochs × eta`, …, up to `strategy.epochs`); the others stay stopped there. Runs are resumed from their checkpoints, so nothing is trained twice.',
      {
        metric: choice('The result runs are ranked by at each rung.', 'knnAccuracy', HALVING_METRICS),
        minEpochs: int('Epochs of the first rung.', 1, { minimum: 1, maximum: 100000 }, [1, 2]),
        eta: int('The reduction factor: 1/eta of the runs continue at each rung, and each rung trains eta times longer.', 3, { minimum: 2, maximum: 100 }, [3, 2, 4]),
      },
      null,
      { metric: 'knnAccuracy', minEpochs: 1, eta: 3 },
    ),
    trial: optional(
      'Written by `contrastive-lab sweep` into each child run\'s spec.json (leave it out of spec files): the sweep the run belongs to and the values it was given.',
      {
        sweepId: str('The id of the sweep (`<timestamp>-<name>`).', '', { examples: ['20260101-120000-temperature-vs-lr'] }),
        index: int('The child\'s position in the sweep, from 0.', 0, { minimum: 0 }, [0, 1]),
        assignment: Unsafe<Readonly<Record<string, unknown>>>({ type: 'object', markdownDescription: 'The value of each swept path in this run.', default: {}, examples: [{ 'loss.temperature': 0.1 }] }),
      },
      null,
      { sweepId: '20260101-120000-temperature-vs-lr', index: 0, assignment: { 'loss.temperature': 0.1 } },
    ),
  },
  null,
  { strategy: 'grid', parameters: { 'loss.temperature': { values: [0.05, 0.1, 0.2] } } },
);
