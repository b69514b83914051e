// A canvas scatter plot for 10,000+ points: stamped into a pixel buffer per colour, equal-aspect fit,
// wheel zoom and drag pan, and hover/click hit-testing through a grid spatial index.

import { ChartTheme } from './palette';
import { Rgb, discOffsets, fillPixels, parseCanvasColour, stampDiscs } from './pointRaster';
import { GridIndex } from './spatialIndex';

export interface ScatterCallbacks {
  /** The point under the pointer changed (-1 when none); client coordinates for a tooltip. */
  readonly onHover: (index: number, clientX: number, clientY: number) => void;
  readonly onClick: (index: number) => void;
}

const HIT_RADIUS_PX = 7;
const PAD_PX = 16;

export class ScatterPlot {
  readonly element: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private xy: Float64Array = new Float64Array(0);
  private group: Int32Array = new Int32Array(0);
  private colours: readonly string[] = [];
  private hiddenGroups = new Set<number>();
  private index: GridIndex | null = null;
  private bounds = { minX: 0, minY: 0, maxX: 1, maxY: 1 };
  private zoom = 1;
  private panX = 0;
  private panY = 0;
  private hovered = -1;
  private selected = -1;
  private frame = 0;
  private cssWidth = 600;
  private cssHeight = 480;
  private drag: { x: number; y: number; moved: boolean } | null = null;

  constructor(private theme: ChartTheme, private readonly callbacks: ScatterCallbacks) {
    this.element = document.createElement('div');
    this.element.className = 'scatter';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Embedding map');
    this.element.append(this.canvas);
    // Resizing in the next frame avoids a ResizeObserver loop when the canvas changes the page's layout.
    new ResizeObserver(() => requestAnimationFrame(() => this.resize())).observe(this.element);
    this.canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.canvas.addEventListener('pointerdown', (e) => {
      this.drag = { x: e.clientX, y: e.clientY, moved: false };
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener('pointermove', (e) => this.onPointerMove(e));
    this.canvas.addEventListener('pointerup', (e) => {
      const wasClick = this.drag !== null && !this.drag.moved;
      this.drag = null;
      if (wasClick) {
        const hit = this.hitTest(e.clientX, e.clientY);
        if (hit >= 0) this.callbacks.onClick(hit);
      }
    });
    this.canvas.addEventListener('pointerleave', () => this.setHovered(-1, 0, 0));
    // Keyboard: arrows pan, + and - zoom, 0 resets the view.
    this.canvas.tabIndex = 0;
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Points xy = [x0, y0, ...], each in colour group group[i] drawn with colours[group[i]]. */
  setData(xy: ArrayLike<number>, group: Int32Array, colours: readonly string[]): void {
    this.xy = Float64Array.from(xy);
    this.group = group;
    this.colours = colours;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i + 1 < this.xy.length; i += 2) {
      const x = this.xy[i], y = this.xy[i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      minX = Math.min(minX, x); maxX = Math.max(maxX, x);
      minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
    this.bounds = Number.isFinite(minX) ? { minX, minY, maxX, maxY } : { minX: 0, minY: 0, maxX: 1, maxY: 1 };
    this.rebuildIndex();
    this.invalidate();
  }

  setHiddenGroups(hidden: ReadonlySet<number>): void {
    this.hiddenGroups = new Set(hidden);
    this.rebuildIndex();
    this.invalidate();
  }

  setSelected(index: number): void {
    this.selected = index;
    this.invalidate();
  }

  setTheme(theme: ChartTheme, colours: readonly string[]): void {
    this.theme = theme;
    this.colours = colours;
    this.invalidate();
  }

  resetView(): void {
    this.zoom = 1;
    this.panX = 0;
    this.panY = 0;
    this.invalidate();
  }

  invalidate(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private image: ImageData | null = null;
  private readonly parsedColours = new Map<string, Rgb>();

  /** A CSS colour as RGB, normalised by the canvas (so theme hex, rgb() and hsl() all work). */
  private rgb(ctx: CanvasRenderingContext2D, colour: string): Rgb {
    let parsed = this.parsedColours.get(colour);
    if (parsed === undefined) {
      ctx.fillStyle = '#808080';
      ctx.fillStyle = colour;
      parsed = parseCanvasColour(String(ctx.fillStyle)) ?? { r: 128, g: 128, b: 128 };
      this.parsedColours.set(colour, parsed);
    }
    return parsed;
  }

  private rebuildIndex(): void {
    this.index = new GridIndex(this.xy, (i) => !this.hiddenGroups.has(this.group[i]));
  }

  private resize(): void {
    const width = Math.max(200, Math.floor(this.element.clientWidth));
    const height = Math.max(200, Math.floor(this.element.clientHeight));
    if (width === this.cssWidth && height === this.cssHeight && this.canvas.width > 0) return;
    this.cssWidth = width;
    this.cssHeight = height;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.draw();
  }

  /** Data → CSS pixels: fit the bounds with equal aspect, then apply zoom and pan. */
  private transform(): { scale: number; ox: number; oy: number } {
    const { minX, minY, maxX, maxY } = this.bounds;
    const w = Math.max(maxX - minX, 1e-12), h = Math.max(maxY - minY, 1e-12);
    const fit = Math.min((this.cssWidth - 2 * PAD_PX) / w, (this.cssHeight - 2 * PAD_PX) / h);
    const scale = fit * this.zoom;
    const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
    return { scale, ox: this.cssWidth / 2 + this.panX - cx * scale, oy: this.cssHeight / 2 + this.panY + cy * scale };
  }

  private hitTest(clientX: number, clientY: number): number {
    if (this.index === null) return -1;
    const rect = this.canvas.getBoundingClientRect();
    const { scale, ox, oy } = this.transform();
    const x = (clientX - rect.left - ox) / scale;
    const y = (oy - (clientY - rect.top)) / scale;
    return this.index.nearest(x, y, HIT_RADIUS_PX / scale);
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const rect = this.canvas.getBoundingClientRect();
    const px = event.clientX - rect.left, py = event.clientY - rect.top;
    const factor = Math.exp(-event.deltaY * 0.0015);
    const next = Math.min(200, Math.max(0.5, this.zoom * factor));
    const applied = next / this.zoom;
    // Keep the data point under the pointer fixed.
    const cx = this.cssWidth / 2 + this.panX, cy = this.cssHeight / 2 + this.panY;
    this.panX += (px - cx) * (1 - applied);
    this.panY += (py - cy) * (1 - applied);
    this.zoom = next;
    this.invalidate();
  }

  private onKey(event: KeyboardEvent): void {
    const step = 40;
    const pans: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const pan = pans[event.key];
    if (pan !== undefined) {
      this.panX += pan[0];
      this.panY += pan[1];
    } else if (event.key === '+' || event.key === '=' || event.key === '-') {
      const factor = event.key === '-' ? 1 / 1.25 : 1.25;
      const next = Math.min(200, Math.max(0.5, this.zoom * factor));
      // Zoom about the canvas centre.
      this.panX *= next / this.zoom;
      this.panY *= next / this.zoom;
      this.zoom = next;
    } else if (event.key === '0') {
      this.resetView();
      return;
    } else {
      return;
    }
    event.preventDefault();
    this.invalidate();
  }

  private onPointerMove(event: PointerEvent): void {
    if (this.drag !== null && (event.buttons & 1) === 1) {
      const dx = event.clientX - this.drag.x, dy = event.clientY - this.drag.y;
      if (this.drag.moved || Math.abs(dx) + Math.abs(dy) > 3) {
        this.drag.moved = true;
        this.panX += dx;
        this.panY += dy;
        this.drag.x = event.clientX;
        this.drag.y = event.clientY;
        this.setHovered(-1, 0, 0);
        this.invalidate();
        return;
      }
    }
    this.setHovered(this.hitTest(event.clientX, event.clientY), event.clientX, event.clientY);
  }

  private setHovered(index: number, clientX: number, clientY: number): void {
    this.canvas.style.cursor = index >= 0 ? 'pointer' : this.drag?.moved ? 'grabbing' : 'default';
    if (index === this.hovered) return;
    this.hovered = index;
    this.callbacks.onHover(index, clientX, clientY);
    this.invalidate();
  }

  draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const ratio = this.canvas.width / this.cssWidth;
    const { scale, ox, oy } = this.transform();
    const n = Math.floor(this.xy.length / 2);
    const radius = n > 20000 ? 1.6 : n > 5000 ? 2.2 : 3;
    // Bucket point indices by colour group, so each colour is stamped in one pass.
    const groups = this.colours.length;
    const order: number[][] = Array.from({ length: groups }, () => []);
    for (let i = 0; i < n; i++) {
      const g = this.group[i];
      if (g < 0 || g >= groups || this.hiddenGroups.has(g)) continue;
      if (Number.isFinite(this.xy[2 * i]) && Number.isFinite(this.xy[2 * i + 1])) order[g].push(i);
    }
    const alpha = n > 5000 ? 0.75 : 0.9;
    const w = this.canvas.width, h = this.canvas.height;
    if (this.image === null || this.image.width !== w || this.image.height !== h) this.image = ctx.createImageData(w, h);
    const pixels = this.image.data;
    fillPixels(pixels, this.rgb(ctx, this.theme.background));
    const offsets = discOffsets(radius * ratio);
    const px = new Float64Array(n), py = new Float64Array(n);
    for (let g = 0; g < groups; g++) {
      let m = 0;
      for (const i of order[g]) {
        px[m] = (ox + this.xy[2 * i] * scale) * ratio;
        py[m] = (oy - this.xy[2 * i + 1] * scale) * ratio;
        m++;
      }
      stampDiscs(pixels, w, h, px, py, m, offsets, this.rgb(ctx, this.colours[g]), alpha);
    }
    ctx.putImageData(this.image, 0, 0);
    // Rings around the selected and hovered points, drawn with the canvas in CSS pixels.
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    for (const [i, ring] of [[this.selected, 7], [this.hovered, 5]] as const) {
      if (i < 0 || i >= n || this.hiddenGroups.has(this.group[i])) continue;
      const cx = ox + this.xy[2 * i] * scale, cy = oy - this.xy[2 * i + 1] * scale;
      ctx.strokeStyle = this.theme.foreground;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(cx, cy, ring, 0, Math.PI * 2);
      ctx.stroke();
    }
  }
}
