// Growable columns of numbers for live curves: appends are amortised O(1) and the chart reads the
// typed arrays directly, so 100,000 points per curve cost no per-point objects.

export class Column {
  private data: Float64Array;
  private size = 0;

  constructor(capacity = 256) {
    this.data = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** The live backing array; valid up to `length`. */
  get values(): Float64Array {
    return this.data;
  }

  push(value: number): void {
    if (this.size === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.size++] = value;
  }

  clear(): void {
    this.size = 0;
  }

  at(i: number): number {
    return this.data[i];
  }
}

/** One curve: x ascending (appends with a smaller x are ignored so the curve stays a function). */
export class Series {
  readonly xs = new Column();
  readonly ys = new Column();
  /** Bumped by clear(), so caches keyed on (series, length) notice a refill. */
  revision = 0;

  get length(): number {
    return this.xs.length;
  }

  append(x: number, y: number): boolean {
    if (!Number.isFinite(x)) return false;
    const n = this.xs.length;
    if (n > 0 && x < this.xs.at(n - 1)) return false;
    this.xs.push(x);
    this.ys.push(y);
    return true;
  }

  clear(): void {
    this.xs.clear();
    this.ys.clear();
    this.revision++;
  }
}
