// builtin:digits-captions: every built-in digit image (side a) with a caption (side b) drawn from
// seeded templates ("a handwritten seven", "the digit 7", "7, written by hand", …), so cross-modal
// retrieval and zero-shot classification can be shown without downloads. The same seed gives the
// same captions; classCaptions holds one caption per class for zero-shot classification.
import { derivedRandom } from '../../random';
import { loadDigitsCooperative, type LoadCooperation } from '../digits';
import type { PairedData } from './types';

export const DIGITS_CAPTIONS_SOURCE = 'builtin:digits-captions';

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/** {w} = the digit's word, {n} = its numeral. */
export const CAPTION_TEMPLATES: readonly string[] = [
  'a handwritten {w}',
  'the digit {n}',
  '{n}, written by hand',
  'a picture of the number {w}',
  'handwritten {w}',
  'the number {n} drawn in ink',
  'a scanned {w}',
  '{w}',
  'an image of a {n}',
  'a {w} scribbled on paper',
];

/** The zero-shot prompt: one caption per class, from the same vocabulary as the training captions. */
const CLASS_TEMPLATE = 'a handwritten {w}';

export function caption(template: string, digit: number): string {
  return template.replaceAll('{w}', WORDS[digit]!).replaceAll('{n}', String(digit));
}

export interface DigitsCaptions extends PairedData {
  readonly classCaptions: readonly string[];
}

export async function loadDigitsCaptions(seed: number, cooperation?: LoadCooperation): Promise<DigitsCaptions> {
  const digits = await loadDigitsCooperative(cooperation);
  const random = derivedRandom(seed, 'digits-captions');
  const labels = digits.labels!;
  const texts = Array.from(labels, (digit) => caption(CAPTION_TEMPLATES[random.nextInt(CAPTION_TEMPLATES.length)]!, digit));
  const [h, w, c] = digits.sampleShape as [number, number, number];
  return {
    source: DIGITS_CAPTIONS_SOURCE,
    count: digits.count,
    a: { kind: 'image', shape: [h, w, c], pixels: Uint8Array.from(digits.values) },
    b: { kind: 'text', texts },
    ids: digits.ids,
    labels,
    classNames: digits.classNames,
    classCaptions: WORDS.map((_w, digit) => caption(CLASS_TEMPLATE, digit)),
  };
}
