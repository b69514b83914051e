// A uniform grid over 2-D points for hover and click hit-testing: building is O(n), a nearest
// query looks only at the cells within the search radius.

export class GridIndex {
  private readonly cellStart: Int32Array;
  private readonly cellItems: Int32Array;
  private readonly cols: number;
  private readonly rows: number;
  private readonly minX: number;
  private readonly minY: number;
  private readonly cellSize: number;

  /**
   * Indexes points xy = [x0, y0, x1, y1, ...]. `include(i)` can leave points out (hidden labels).
   * Points with non-finite coordinates are never returned.
   */
  constructor(private readonly xy: ArrayLike<number>, include: (i: number) => boolean = () => true) {
    const n = Math.floor(xy.length / 2);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    const kept: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i], y = xy[2 * i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y) || !include(i)) continue;
      kept.push(i);
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (kept.length === 0) { minX = 0; minY = 0; maxX = 1; maxY = 1; }
    const width = Math.max(maxX - minX, 1e-12);
    const height = Math.max(maxY - minY, 1e-12);
    // About two points per cell on average.
    const cells = Math.max(1, Math.ceil(kept.length / 2));
    this.cellSize = Math.max(Math.sqrt((width * height) / cells), Math.max(width, height) / 1024);
    this.cols = Math.max(1, Math.ceil(width / this.cellSize) + 1);
    this.rows = Math.max(1, Math.ceil(height / this.cellSize) + 1);
    this.minX = minX;
    this.minY = minY;
    const counts = new Int32Array(this.cols * this.rows + 1);
    const cellOf = new Int32Array(kept.length);
    kept.forEach((i, k) => {
      const c = this.cellIndex(xy[2 * i], xy[2 * i + 1]);
      cellOf[k] = c;
      counts[c + 1]++;
    });
    for (let c = 1; c < counts.length; c++) counts[c] += counts[c - 1];
    this.cellStart = counts;
    this.cellItems = new Int32Array(kept.length);
    const fill = counts.slice(0, -1);
    kept.forEach((i, k) => { this.cellItems[fill[cellOf[k]]++] = i; });
  }

  private cellIndex(x: number, y: number): number {
    const cx = Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.minX) / this.cellSize)));
    const cy = Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.minY) / this.cellSize)));
    return cy * this.cols + cx;
  }

  /** The indexed point nearest (x, y) within `radius` (data units), or -1. */
  nearest(x: number, y: number, radius: number): number {
    const x0 = Math.max(0, Math.floor((x - radius - this.minX) / this.cellSize));
    const x1 = Math.min(this.cols - 1, Math.floor((x + radius - this.minX) / this.cellSize));
    const y0 = Math.max(0, Math.floor((y - radius - this.minY) / this.cellSize));
    const y1 = Math.min(this.rows - 1, Math.floor((y + radius - this.minY) / this.cellSize));
    let best = -1;
    let bestD = radius * radius;
    for (let cy = y0; cy <= y1; cy++) {
      for (let cx = x0; cx <= x1; cx++) {
        const c = cy * this.cols + cx;
        for (let k = this.cellStart[c]; k < this.cellStart[c + 1]; k++) {
          const i = this.cellItems[k];
          const dx = this.xy[2 * i] - x, dy = this.xy[2 * i + 1] - y;
          const d = dx * dx + dy * dy;
          if (d <= bestD) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }
}
