// The text tower's tokenizer: lower-cased words and numbers (every other character separates them),
// with a vocabulary built from the training texts (most frequent first, ties alphabetical) and
// stored with the run (toJSON / fromJSON), so the same text always gets the same ids.

export const UNKNOWN = '<unk>';

export interface TokenizerJson {
  readonly vocabulary: readonly string[];
  readonly maxLength: number;
}

export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export class Tokenizer {
  private readonly index: ReadonlyMap<string, number>;

  /** `vocabulary[0]` is UNKNOWN: a word outside the vocabulary maps to it. */
  constructor(
    readonly vocabulary: readonly string[],
    readonly maxLength: number,
  ) {
    if (vocabulary[0] !== UNKNOWN) throw new Error(`a tokenizer vocabulary starts with ${UNKNOWN} (got ${JSON.stringify(vocabulary[0])}).`);
    this.index = new Map(vocabulary.map((w, i) => [w, i]));
  }

  /** The vocabulary of `texts`: words seen at least `minCount` times, at most `maxSize` of them with UNKNOWN. */
  static fromTexts(texts: readonly string[], options: { maxSize: number; minCount: number; maxLength: number }): Tokenizer {
    const counts = new Map<string, number>();
    let longest = 0;
    for (const text of texts) {
      const ws = words(text);
      longest = Math.max(longest, ws.length);
      for (const w of ws) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    const kept = [...counts].filter(([, n]) => n >= options.minCount).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    return new Tokenizer([UNKNOWN, ...kept.slice(0, options.maxSize - 1).map(([w]) => w)], Math.max(1, Math.min(longest, options.maxLength)));
  }

  static fromJSON(json: TokenizerJson): Tokenizer {
    return new Tokenizer(json.vocabulary, json.maxLength);
  }

  toJSON(): TokenizerJson {
    return { vocabulary: this.vocabulary, maxLength: this.maxLength };
  }

  /**
   * Token ids (count × maxLength, 0-padded; words past maxLength dropped) and a 0/1 mask of the real
   * tokens. A text without words gets one UNKNOWN token, so its mean is defined.
   */
  encode(texts: readonly string[]): { ids: Int32Array; mask: Float32Array } {
    const L = this.maxLength;
    const ids = new Int32Array(texts.length * L);
    const mask = new Float32Array(texts.length * L);
    texts.forEach((text, i) => {
      const ws = words(text).slice(0, L);
      if (ws.length === 0) mask[i * L] = 1;
      ws.forEach((w, k) => {
        ids[i * L + k] = this.index.get(w) ?? 0;
        mask[i * L + k] = 1;
      });
    });
    return { ids, mask };
  }
}
