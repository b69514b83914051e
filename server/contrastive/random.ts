// A small seeded pseudo-random generator (xoshiro128**) shared by the whole library, so that a run
// with the same seed draws the same crops, batches and initial weights, and a resumed run can
// continue the exact stream from a checkpointed state.

/** Everything needed to continue a stream exactly (JSON-serialisable, stored in checkpoints). */
export interface RandomState {
  readonly words: readonly [number, number, number, number];
  /** The second Box–Muller value, kept so that normal() resumes exactly; null when none is pending. */
  readonly spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;

/** splitmix32: spreads one seed over the four state words (xoshiro must not start from all zeros). */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  /** Same seed, same stream. Seeds are integers; anything else is reduced to 32 bits. */
  constructor(seed: number) {
    const next = splitmix32(Math.floor(seed) >>> 0);
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  static fromState(state: RandomState): Random {
    const r = new Random(0);
    r.setState(state);
    return r;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.nextFloat();
  }

  /** Uniform integer in [0, n), without modulo bias. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) {
      throw new RangeError(`Random.nextInt needs a positive integer bound up to 2^32, got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.nextFloat() < p;
  }

  /** Standard normal (Box–Muller; the pair's second value is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return mean + std * radius * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle, in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** A 32-bit seed for a child generator or for a seeded tfjs op; advances this stream. */
  nextSeed(): number {
    return this.nextUint32();
  }

  /** An independent generator derived from this one (advances this stream by one draw). */
  fork(): Random {
    return new Random(this.nextUint32());
  }

  getState(): RandomState {
    return { words: [this.s0, this.s1, this.s2, this.s3], spareNormal: this.spareNormal };
  }

  setState(state: RandomState): void {
    const [a, b, c, d] = state.words;
    if ([a, b, c, d].some((w) => !Number.isInteger(w) || w < 0 || w >= TWO_POW_32)) {
      throw new RangeError('Random state words must be four unsigned 32-bit integers (is the checkpoint corrupted?)');
    }
    if ((a | b | c | d) === 0) throw new RangeError('Random state must not be all zeros (is the checkpoint corrupted?)');
    this.s0 = a;
    this.s1 = b;
    this.s2 = c;
    this.s3 = d;
    this.spareNormal = state.spareNormal;
  }
}

/** A generator for a named sub-stream of a run seed (e.g. derivedRandom(seed, 'sampler', epoch)), so that
 * one part's draws do not shift when another part changes how many numbers it uses. */
export function derivedRandom(seed: number, ...path: readonly (string | number)[]): Random {
  let h = (Math.floor(seed) >>> 0) ^ 0x811c9dc5;
  for (const part of path) {
    const text = String(part);
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    }
    h = Math.imul(h ^ 0x2f, 0x01000193) >>> 0;
  }
  return new Random(h);
}
