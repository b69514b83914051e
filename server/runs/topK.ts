// The k smallest (distance, index) pairs seen so far, kept sorted: candidates arrive a block at a
// time and are merged in, so a search over a million rows never holds more than k of them.
// Ties go to the smaller index, so a blocked search and a brute-force sort agree exactly.
export class TopK {
  readonly indices: Int32Array;
  readonly distances: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive whole number, got ${k}`);
    this.indices = new Int32Array(k).fill(-1);
    this.distances = new Float64Array(k).fill(Infinity);
  }

  get count(): number {
    return this.size;
  }

  /** The distance a candidate must beat to enter (Infinity while fewer than k are held). */
  get bound(): number {
    return this.size < this.k ? Infinity : this.distances[this.k - 1]!;
  }

  offer(index: number, distance: number): void {
    if (!(distance <= this.bound)) return; // also drops NaN
    let at = Math.min(this.size, this.k - 1);
    if (this.size === this.k && (distance > this.distances[at]! || (distance === this.distances[at]! && index > this.indices[at]!))) return;
    while (at > 0 && (this.distances[at - 1]! > distance || (this.distances[at - 1]! === distance && this.indices[at - 1]! > index))) {
      this.distances[at] = this.distances[at - 1]!;
      this.indices[at] = this.indices[at - 1]!;
      at--;
    }
    this.distances[at] = distance;
    this.indices[at] = index;
    if (this.size < this.k) this.size++;
  }

  clear(): void {
    this.size = 0;
    this.indices.fill(-1);
    this.distances.fill(Infinity);
  }

  /** Nearest first. */
  entries(): { index: number; distance: number }[] {
    return Array.from({ length: this.size }, (_, i) => ({ index: this.indices[i]!, distance: this.distances[i]! }));
  }
}
