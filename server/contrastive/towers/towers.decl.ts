// Two towers on paired data (issue 14): the `data.pairs` block (where the pairs come from and what
// each side is) and the `architecture.towers` block (one encoder per side, into one embedding
// space). Composed into the experiment by server/spec/experiment.ts, which passes the backbone union
// and the head options so that a network tower is declared exactly like the one-tower network.
import { Unsafe, type TSchema } from '@sinclair/typebox';
import { bool, choice, int, nullable, object, optional, str, type EngineFacts } from '../declare';

/** The engines that train two towers (as an ingredient's `facts.engines`). */
export const TOWERS_FACTS: EngineFacts = { engines: ['tfjs', 'pytorch'] };

/** The losses that train across two towers: SigLIP (learnable t′, b) and infoNCE in CLIP's symmetric form. */
export const TOWER_LOSSES = ['siglip', 'infoNCE'] as const;

export const PAIRS_BUILTIN = 'builtin:digits-captions';

const side = (name: 'a' | 'b', example: Record<string, unknown>) => optional(
  `What side ${name} of every pair is, for a \`.csv\` / \`.jsonl\` source: exactly one of \`image\` (the column holding an image path, relative to the file's folder), \`text\` (the column holding a text) or \`numeric\` (the columns holding the side's numbers). \`builtin:digits-captions\` and \`folders\` say it themselves (a = the image, b = the caption; a folder of images or of .txt texts).`,
  {
    image: nullable<string>('string', 'The column (or JSON key) that holds an image path.', { minLength: 1, examples: ['image', null] }),
    text: nullable<string>('string', 'The column (or JSON key) that holds a text.', { minLength: 1, examples: ['caption', null] }),
    numeric: Unsafe<string[] | null>({ type: ['array', 'null'], markdownDescription: 'The columns (or JSON keys) whose numbers make the side\'s feature vector, in this order.', default: null, items: { type: 'string', minLength: 1 }, minItems: 1, examples: [['x1', 'x2'], null] }),
  },
  null,
  example,
);

export const PAIRS_DATA = optional(
  'Paired data for a two-tower model (`architecture.towers`): every sample is two inputs, side a and side b (an image and its caption, two kinds of features), and the towers learn to embed partners close together. When set, it replaces `data.source` as what training reads; `data.split`, `data.imageSize`, `data.channels` and `data.limit` still apply.',
  {
    source: str(
      'Where the pairs come from: `builtin:digits-captions` (every built-in digit with a caption from seeded templates, "a handwritten seven", "the digit 7", …; needs no files), or a `.csv` / `.jsonl` file with one pair per row (name the sides in `a` and `b`). Ignored when `folders` is set. Relative to the folder of this spec file.',
      PAIRS_BUILTIN,
      { minLength: 1, examples: [PAIRS_BUILTIN, 'data/pairs.csv', 'data/pairs.jsonl'] },
    ),
    folders: optional(
      'Two parallel folders matched by file stem (`a/0001.png` with `b/0001.txt`): each holds images or `.txt` texts, one file per pair. When set, it is the source.',
      {
        a: str('The folder of side a.', undefined, { minLength: 1, examples: ['data/images'] }),
        b: str('The folder of side b.', undefined, { minLength: 1, examples: ['data/captions'] }),
      },
      null,
      { a: 'data/images', b: 'data/captions' },
    ),
    a: side('a', { image: 'image' }),
    b: side('b', { text: 'caption' }),
    labelColumn: nullable<string>('string', 'For a `.csv` / `.jsonl` source: the column holding each pair\'s class, used for zero-shot classification (one caption per class) and nowhere in training. `null`: the pairs are unlabelled.', { minLength: 1, examples: ['label', null] }),
    classCaption: str('The zero-shot prompt of a file source with labels and a text side: `{label}` becomes each class name, and the class whose prompt embeds nearest is the answer. `builtin:digits-captions` uses "a handwritten {digit word}".', '{label}', { minLength: 1, examples: ['{label}', 'a photo of a {label}'] }),
  },
  null,
  { source: PAIRS_BUILTIN },
);

/**
 * One tower: a `network` (backbone → representation → projection, for images and numeric vectors)
 * or a `text` encoder (a tokenizer whose vocabulary comes from the training texts → token embeddings
 * → mean pooling → a linear projection to `embeddingSize`).
 */
export function towerDeclaration<B extends TSchema, H extends TSchema>(which: 'a' | 'b', backbone: B, head: H, def: Record<string, unknown>) {
  return object(
    `The tower that embeds side ${which} of every pair.`,
    {
      type: choice('What the tower is.', 'network', [
        ['network', 'backbone → representation → projection (as `architecture` describes the one-tower network), for an image or numeric side.'],
        ['text', 'A text encoder for a text side: a tokenizer whose vocabulary is built from the training texts (stored in the run), token embeddings, their mean, and a linear projection to `embeddingSize`.'],
      ]),
      backbone,
      representationSize: int('A network tower: size of its representation layer.', 128, { minimum: 1, maximum: 16384 }, [128, 64]),
      projection: head,
      tokenSize: int('A text tower: size of each token embedding.', 64, { minimum: 1, maximum: 4096 }, [64, 32]),
      embeddingSize: int('A text tower: size of its output, the shared embedding space; it must equal the other tower\'s output size.', 64, { minimum: 1, maximum: 16384 }, [64, 128]),
      vocabularySize: int('A text tower: at most this many words (the most frequent in the training texts; the rest become one unknown token).', 5000, { minimum: 2, maximum: 1000000 }, [5000]),
      maxLength: int('A text tower: words of a text past this many are dropped.', 32, { minimum: 1, maximum: 4096 }, [32]),
      locked: bool('Keep this tower fixed: only the other tower (and the loss\'s own parameters) train. With `init`, this is LiT / SigLIT: lock an image tower pretrained elsewhere and teach a text tower to match it. A locked tower needs `init`.', false),
      init: optional(
        'Load this network tower (backbone, representation and projection) from an earlier one-tower run\'s newest checkpoint, e.g. a SimCLR run. Its architecture and input must be those of that run.',
        { from: str('The run directory, relative to the folder of this spec file (e.g. `runs/20250101-120000-digits-simclr`).', undefined, { minLength: 1, examples: ['runs/20250101-120000-digits-simclr'] }) },
        null,
        { from: 'runs/20250101-120000-digits-simclr' },
      ),
    },
    def,
  );
}

export const DEFAULT_TOWERS = { a: { type: 'network' }, b: { type: 'text' } };

/** `architecture.towers`, given the tower of each side. */
export function towersDeclaration<A extends TSchema, B extends TSchema>(a: A, b: B) {
  return optional(
    'Two towers (CLIP, SigLIP, LiT): tower `a` embeds side a of every `data.pairs` pair and tower `b` side b, into one space of the same size; the loss (`siglip`, or `infoNCE` in its symmetric CLIP form) pulls partners together across the towers. When set, `backbone`, `representationSize` and the heads above are not used. Evaluated by cross-modal recall@k both ways and zero-shot accuracy.',
    { a, b },
    null,
    DEFAULT_TOWERS,
  );
}
