// The `init:` block of a spec: start the network from an earlier run's weights (pretrain, then
// fine-tune). Composed into the experiment by experiment.ts; the init-source rule checks the run it
// names, and server/trainer/initFrom.ts loads the weights.
import { Array as ArrayType, Unsafe, type TUnsafe } from '@sinclair/typebox';
import { bool, optional, str, type EngineFacts } from '../contrastive/declare';

/** The parts of the network a run can take from another, in the order the network applies them. */
export const INIT_PARTS = [
  ['backbone', 'The encoder (`architecture.backbone`): every layer before the representation.'],
  ['representation', 'The representation layer (`architecture.representationSize`).'],
  ['projection', 'The projection head (`architecture.projection`).'],
  ['prediction', 'The prediction head (`architecture.prediction`).'],
] as const;
export type InitPart = (typeof INIT_PARTS)[number][0];

/** The engines that load `init` (as an ingredient's `facts.engines`). */
export const INIT_FACTS: EngineFacts = { engines: ['tfjs', 'pytorch'] };

const partList: TUnsafe<InitPart[]> = Unsafe<InitPart[]>(ArrayType(
  Unsafe<InitPart>({ type: 'string', enum: INIT_PARTS.map(([p]) => p), markdownEnumDescriptions: INIT_PARTS.map(([, d]) => d) }),
  {
    markdownDescription: 'Which parts of the network take the earlier run\'s weights; the others start fresh (seeded by `strategy.seed`). Each part must have the same architecture in both specs. A classifier head (`loss: {type: crossEntropy}`) always starts fresh.',
    minItems: 1,
    uniqueItems: true,
    default: ['backbone', 'representation'],
    examples: [['backbone', 'representation'], ['backbone']],
  },
));

export const INIT = optional(
  'Start the network from an earlier run\'s weights instead of a random initialisation: pretrain with a contrastive loss, then fine-tune (`loss: {type: crossEntropy}` on `data.labelFraction` of the labels). The weights come from the newest intact checkpoint of the run. `contrastive-lab finetune <run> --labels 1%` writes such a spec and its from-scratch twin for you.',
  {
    from: str('The run directory to take the weights from, relative to the folder of this spec file (e.g. `runs/20250101-120000-digits-simclr`). It must hold spec.json and a checkpoint.', undefined, { minLength: 1, examples: ['runs/20250101-120000-digits-simclr'] }),
    parts: partList,
    freeze: bool('Keep the loaded parts fixed: only the rest (the classifier head, the fresh parts) is trained — a linear probe when only the classifier is fresh. Off, the loaded parts are fine-tuned with the rest. Batch-norm moving statistics of frozen parts still follow the data in training mode.', false),
  },
  null,
  { from: 'runs/20250101-120000-digits-simclr', parts: ['backbone', 'representation'], freeze: false },
);
