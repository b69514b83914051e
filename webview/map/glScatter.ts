// The map's points on the GPU: a thin WebGL2 layer (one position buffer, one colour-code buffer,
// a 256-entry palette uniform whose alpha hides categories), so a million points pan and zoom by
// changing two uniforms. Hover and click hit-test through a grid index, a lasso (Shift+drag, or
// drag in lasso mode) selects the points inside its polygon, and rings (selection, hover,
// neighbours) are drawn in an SVG layer above. Written on WebGL directly because regl, under
// regl-scatterplot, compiles its draw calls with Function(), which the panels' CSP forbids.

import type { ChartTheme } from '../shared/palette';
import { GridIndex } from '../shared/spatialIndex';

export interface GlScatterCallbacks {
  /** The point under the pointer changed (-1 when none); client coordinates for a tooltip. */
  readonly onHover: (index: number, clientX: number, clientY: number) => void;
  readonly onClick: (index: number) => void;
  /** A lasso closed around these points (ascending; hidden points left out). */
  readonly onLasso: (indices: Int32Array) => void;
}

export type Rgb = readonly [number, number, number];

const HIT_RADIUS_PX = 7;
const PAD_PX = 16;
const SVG = 'http://www.w3.org/2000/svg';

const VERTEX = `#version 300 es
in vec2 position;
in float code;
uniform vec2 scale;
uniform vec2 offset;
uniform float pointSize;
uniform vec4 palette[256];
out vec4 colour;
void main() {
  colour = palette[int(code)];
  gl_Position = vec4(position * scale + offset, 0.0, 1.0);
  // A hidden category (alpha 0) is moved off screen instead of drawn invisibly.
  if (colour.a == 0.0) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
  gl_PointSize = pointSize;
}`;

const FRAGMENT = `#version 300 es
precision mediump float;
uniform bool round;
in vec4 colour;
out vec4 fragment;
void main() {
  // Points of a few pixels are drawn square: the test per pixel costs more than it shows.
  if (round) {
    vec2 d = gl_PointCoord - vec2(0.5);
    if (dot(d, d) > 0.25) discard;
  }
  fragment = colour;
}`;

function compile(gl: WebGL2RenderingContext, type: number, source: string): WebGLShader {
  const shader = gl.createShader(type);
  if (shader === null) throw new Error('WebGL could not create a shader');
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`WebGL shader did not compile: ${gl.getShaderInfoLog(shader) ?? ''}`);
  return shader;
}

/** Is (x, y) inside the polygon [x0, y0, x1, y1, ...]? (even-odd rule) */
export function insidePolygon(polygon: ArrayLike<number>, x: number, y: number): boolean {
  let inside = false;
  const n = polygon.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = polygon[2 * i]!, yi = polygon[2 * i + 1]!, xj = polygon[2 * j]!, yj = polygon[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The points of xy inside `polygon` (data coordinates) whose code is visible, ascending. */
export function pointsInPolygon(xy: Float32Array, codes: Uint16Array, visible: (code: number) => boolean, polygon: readonly number[]): Int32Array {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < polygon.length; i += 2) {
    minX = Math.min(minX, polygon[i]!); maxX = Math.max(maxX, polygon[i]!);
    minY = Math.min(minY, polygon[i + 1]!); maxY = Math.max(maxY, polygon[i + 1]!);
  }
  const out: number[] = [];
  const n = xy.length / 2;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i]!, y = xy[2 * i + 1]!;
    if (x < minX || x > maxX || y < minY || y > maxY || !visible(codes[i]!)) continue;
    if (insidePolygon(polygon, x, y)) out.push(i);
  }
  return Int32Array.from(out);
}

export class GlScatter {
  readonly element: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private readonly overlay: SVGSVGElement;
  private readonly gl: WebGL2RenderingContext;
  private readonly program: WebGLProgram;
  private readonly positions: WebGLBuffer;
  private readonly codeBuffer: WebGLBuffer;
  /** The palette as 256 RGBA floats (alpha 0: hidden), uploaded as a uniform array at each draw. */
  private paletteValues = new Float32Array(256 * 4);
  private readonly uniforms: { scale: WebGLUniformLocation | null; offset: WebGLUniformLocation | null; pointSize: WebGLUniformLocation | null; palette: WebGLUniformLocation | null; round: WebGLUniformLocation | null };
  private partnerOf: ((index: number) => number) | null = null;
  private xy: Float32Array = new Float32Array(0);
  private codes: Uint16Array = new Uint16Array(0);
  private palette: readonly Rgb[] = [];
  private hidden = new Set<number>();
  private index: GridIndex | null = null;
  private bounds = { minX: 0, minY: 0, maxX: 1, maxY: 1 };
  private zoom = 1;
  private panX = 0;
  private panY = 0;
  private hovered = -1;
  private selected = -1;
  private marked: readonly number[] = [];
  private lasso: number[] | null = null;
  private lassoMode = false;
  private frame = 0;
  private cssWidth = 600;
  private cssHeight = 480;
  private drag: { x: number; y: number; moved: boolean; lasso: boolean } | null = null;
  /** Milliseconds the last draw took on the CPU side (the GPU finishes later). */
  lastDrawMs = 0;

  /** `label`: the canvas's accessible name (the map, or the timeline's picture beside it). */
  constructor(private theme: ChartTheme, private readonly callbacks: GlScatterCallbacks, label = 'Embedding map') {
    this.element = document.createElement('div');
    this.element.className = 'scatter';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', label);
    this.overlay = document.createElementNS(SVG, 'svg');
    this.overlay.classList.add('scatter-overlay');
    this.element.append(this.canvas, this.overlay);
    const gl = this.canvas.getContext('webgl2', { antialias: false, premultipliedAlpha: false });
    if (gl === null) throw new Error('This editor cannot draw the map: WebGL2 is not available (check that hardware acceleration is not disabled).');
    this.gl = gl;
    const program = gl.createProgram();
    if (program === null) throw new Error('WebGL could not create a program');
    gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT));
    gl.bindAttribLocation(program, 0, 'position');
    gl.bindAttribLocation(program, 1, 'code');
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`WebGL program did not link: ${gl.getProgramInfoLog(program) ?? ''}`);
    this.program = program;
    this.uniforms = { scale: gl.getUniformLocation(program, 'scale'), offset: gl.getUniformLocation(program, 'offset'), pointSize: gl.getUniformLocation(program, 'pointSize'), palette: gl.getUniformLocation(program, 'palette'), round: gl.getUniformLocation(program, 'round') };
    this.positions = gl.createBuffer()!;
    this.codeBuffer = gl.createBuffer()!;
    new ResizeObserver(() => requestAnimationFrame(() => this.resize())).observe(this.element);
    this.canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.canvas.addEventListener('pointerdown', (e) => {
      this.drag = { x: e.clientX, y: e.clientY, moved: false, lasso: this.lassoMode || e.shiftKey };
      if (this.drag.lasso) this.lasso = [...this.toData(e.clientX, e.clientY)];
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener('pointermove', (e) => this.onPointerMove(e));
    this.canvas.addEventListener('pointerup', (e) => this.onPointerUp(e));
    this.canvas.addEventListener('pointerleave', () => this.setHovered(-1, 0, 0));
    this.canvas.tabIndex = 0;
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
  }

  get count(): number {
    return this.xy.length / 2;
  }

  /** Points xy = [x0, y0, ...] (count × 2). */
  setPositions(xy: Float32Array): void {
    this.xy = xy;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i + 1 < xy.length; i += 2) {
      const x = xy[i]!, y = xy[i + 1]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    this.bounds = Number.isFinite(minX) ? { minX, minY, maxX, maxY } : { minX: 0, minY: 0, maxX: 1, maxY: 1 };
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.positions);
    gl.bufferData(gl.ARRAY_BUFFER, xy, gl.STATIC_DRAW);
    this.rebuildIndex();
    this.invalidate();
  }

  /** Point i is drawn in palette[codes[i]] (at most 256 colours); codes in `hidden` are not drawn. */
  setColours(codes: Uint16Array, palette: readonly Rgb[], hidden: ReadonlySet<number>): void {
    if (palette.length > 256) throw new Error(`the map draws at most 256 colours, got ${palette.length}`);
    const codesChanged = codes !== this.codes;
    this.codes = codes;
    this.palette = palette;
    this.hidden = new Set(hidden);
    const gl = this.gl;
    if (codesChanged) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.codeBuffer);
      gl.bufferData(gl.ARRAY_BUFFER, codes, gl.STATIC_DRAW);
    }
    this.uploadPalette();
    this.rebuildIndex();
    this.invalidate();
  }

  setSelected(index: number): void {
    this.selected = index;
    this.renderOverlay();
  }

  /** A two-tower run's pairs: hovering a point rings its partner and joins the two (null: no pairs). */
  setPartners(partnerOf: ((index: number) => number) | null): void {
    this.partnerOf = partnerOf;
    this.renderOverlay();
  }

  /** Points ringed as neighbours of the selected one. */
  setMarked(indices: readonly number[]): void {
    this.marked = indices;
    this.renderOverlay();
  }

  setLassoMode(on: boolean): void {
    this.lassoMode = on;
    this.canvas.style.cursor = on ? 'crosshair' : 'default';
  }

  clearLasso(): void {
    this.lasso = null;
    this.renderOverlay();
  }

  setTheme(theme: ChartTheme, palette: readonly Rgb[]): void {
    this.theme = theme;
    this.palette = palette;
    this.uploadPalette();
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

  /** Data → CSS pixels: fit the bounds with equal aspect, then apply zoom and pan. */
  private transform(): { scale: number; ox: number; oy: number } {
    const { minX, minY, maxX, maxY } = this.bounds;
    const w = Math.max(maxX - minX, 1e-12), h = Math.max(maxY - minY, 1e-12);
    const fit = Math.min((this.cssWidth - 2 * PAD_PX) / w, (this.cssHeight - 2 * PAD_PX) / h);
    const scale = fit * this.zoom;
    const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
    return { scale, ox: this.cssWidth / 2 + this.panX - cx * scale, oy: this.cssHeight / 2 + this.panY + cy * scale };
  }

  private toData(clientX: number, clientY: number): [number, number] {
    const rect = this.canvas.getBoundingClientRect();
    const { scale, ox, oy } = this.transform();
    return [(clientX - rect.left - ox) / scale, (oy - (clientY - rect.top)) / scale];
  }

  private uploadPalette(): void {
    const values = new Float32Array(256 * 4);
    const alpha = this.count > 200_000 ? 0.55 : this.count > 5000 ? 0.75 : 0.9;
    this.palette.forEach(([r, g, b], i) => values.set([r / 255, g / 255, b / 255, this.hidden.has(i) ? 0 : alpha], i * 4));
    this.paletteValues = values;
  }

  private rebuildIndex(): void {
    if (this.codes.length !== this.count) return;
    const hidden = this.hidden, codes = this.codes;
    this.index = new GridIndex(this.xy, hidden.size === 0 ? undefined : (i) => !hidden.has(codes[i]!));
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
    this.overlay.setAttribute('width', String(width));
    this.overlay.setAttribute('height', String(height));
    this.draw();
  }

  private hitTest(clientX: number, clientY: number): number {
    if (this.index === null) return -1;
    const [x, y] = this.toData(clientX, clientY);
    return this.index.nearest(x, y, HIT_RADIUS_PX / this.transform().scale);
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const rect = this.canvas.getBoundingClientRect();
    const px = event.clientX - rect.left, py = event.clientY - rect.top;
    const next = Math.min(5000, Math.max(0.5, this.zoom * Math.exp(-event.deltaY * 0.0015)));
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
      const next = Math.min(5000, Math.max(0.5, this.zoom * (event.key === '-' ? 1 / 1.25 : 1.25)));
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
    const drag = this.drag;
    if (drag !== null && (event.buttons & 1) === 1) {
      if (drag.lasso && this.lasso !== null) {
        drag.moved = true;
        this.lasso.push(...this.toData(event.clientX, event.clientY));
        this.renderOverlay();
        return;
      }
      const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (drag.moved || Math.abs(dx) + Math.abs(dy) > 3) {
        drag.moved = true;
        this.panX += dx;
        this.panY += dy;
        drag.x = event.clientX;
        drag.y = event.clientY;
        this.setHovered(-1, 0, 0);
        this.invalidate();
        return;
      }
    }
    this.setHovered(this.hitTest(event.clientX, event.clientY), event.clientX, event.clientY);
  }

  private onPointerUp(event: PointerEvent): void {
    const drag = this.drag;
    this.drag = null;
    if (drag === null) return;
    if (drag.lasso && drag.moved && this.lasso !== null && this.lasso.length >= 6) {
      const hidden = this.hidden;
      this.callbacks.onLasso(pointsInPolygon(this.xy, this.codes, (c) => !hidden.has(c), this.lasso));
      this.renderOverlay();
      return;
    }
    if (drag.lasso) this.clearLasso();
    if (!drag.moved) {
      const hit = this.hitTest(event.clientX, event.clientY);
      if (hit >= 0) this.callbacks.onClick(hit);
    }
  }

  private setHovered(index: number, clientX: number, clientY: number): void {
    if (!this.lassoMode) this.canvas.style.cursor = index >= 0 ? 'pointer' : this.drag?.moved ? 'grabbing' : 'default';
    if (index === this.hovered) return;
    this.hovered = index;
    this.callbacks.onHover(index, clientX, clientY);
    this.renderOverlay();
  }

  /** The point size in CSS pixels: small when many points share the view, growing as one zooms in. */
  private pointSize(): number {
    const n = Math.max(1, this.count);
    const base = n > 300_000 ? 1.5 : n > 50_000 ? 2 : n > 5000 ? 3 : 5;
    return Math.min(12, base * Math.sqrt(this.zoom));
  }

  draw(): void {
    const t0 = performance.now();
    const gl = this.gl;
    const ratio = this.canvas.width / this.cssWidth;
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    const bg = parseColour(this.theme.background);
    gl.clearColor(bg[0] / 255, bg[1] / 255, bg[2] / 255, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    const n = this.count;
    if (n > 0 && this.codes.length === n) {
      const { scale, ox, oy } = this.transform();
      gl.useProgram(this.program);
      gl.enable(gl.BLEND);
      gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
      // CSS pixels → clip space: x' = x·s·2/W + (2·ox/W − 1), y' = y·s·2/H + (1 − 2·oy/H).
      gl.uniform2f(this.uniforms.scale, (2 * scale) / this.cssWidth, (2 * scale) / this.cssHeight);
      gl.uniform2f(this.uniforms.offset, (2 * ox) / this.cssWidth - 1, 1 - (2 * oy) / this.cssHeight);
      const size = this.pointSize() * ratio;
      gl.uniform1f(this.uniforms.pointSize, size);
      gl.uniform1i(this.uniforms.round, size >= 3 ? 1 : 0);
      gl.uniform4fv(this.uniforms.palette, this.paletteValues);
      gl.bindBuffer(gl.ARRAY_BUFFER, this.positions);
      gl.enableVertexAttribArray(0);
      gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
      gl.bindBuffer(gl.ARRAY_BUFFER, this.codeBuffer);
      gl.enableVertexAttribArray(1);
      gl.vertexAttribPointer(1, 1, gl.UNSIGNED_SHORT, false, 0, 0);
      gl.drawArrays(gl.POINTS, 0, n);
    }
    this.renderOverlay();
    this.lastDrawMs = performance.now() - t0;
  }

  /** Rings (selected, hovered, neighbours) and the lasso, in CSS pixels over the canvas. */
  private renderOverlay(): void {
    const { scale, ox, oy } = this.transform();
    const at = (i: number): [number, number] => [ox + this.xy[2 * i]! * scale, oy - this.xy[2 * i + 1]! * scale];
    const shapes: SVGElement[] = [];
    const shown = (i: number): boolean => i >= 0 && i < this.count && !this.hidden.has(this.codes[i]!);
    const ring = (i: number, r: number, cls: string): void => {
      if (!shown(i)) return;
      const [x, y] = at(i);
      const c = document.createElementNS(SVG, 'circle');
      c.setAttribute('cx', x.toFixed(1));
      c.setAttribute('cy', y.toFixed(1));
      c.setAttribute('r', String(r));
      c.setAttribute('class', cls);
      shapes.push(c);
    };
    for (const i of this.marked) ring(i, 4, 'ring neighbour');
    ring(this.selected, 7, 'ring selected');
    ring(this.hovered, 5, 'ring hovered');
    const partner = this.partnerOf !== null && shown(this.hovered) ? this.partnerOf(this.hovered) : -1;
    if (shown(partner)) {
      const [x1, y1] = at(this.hovered);
      const [x2, y2] = at(partner);
      const line = document.createElementNS(SVG, 'line');
      line.setAttribute('x1', x1.toFixed(1));
      line.setAttribute('y1', y1.toFixed(1));
      line.setAttribute('x2', x2.toFixed(1));
      line.setAttribute('y2', y2.toFixed(1));
      line.setAttribute('class', 'pair-line');
      shapes.push(line);
      ring(partner, 5, 'ring partner');
    }
    if (this.lasso !== null && this.lasso.length >= 4) {
      const path = document.createElementNS(SVG, 'polygon');
      const points: string[] = [];
      for (let i = 0; i < this.lasso.length; i += 2) points.push(`${(ox + this.lasso[i]! * scale).toFixed(1)},${(oy - this.lasso[i + 1]! * scale).toFixed(1)}`);
      path.setAttribute('points', points.join(' '));
      path.setAttribute('class', 'lasso');
      shapes.push(path);
    }
    this.overlay.replaceChildren(...shapes);
  }
}

let colourContext: CanvasRenderingContext2D | null | undefined;

/** Any CSS colour (hex, rgb(), hsl(), names) as 0..255 channels, normalised by a canvas; grey when unreadable. */
export function parseColour(colour: string): Rgb {
  if (colourContext === undefined) colourContext = document.createElement('canvas').getContext('2d');
  let c = colour.trim();
  if (colourContext !== null) {
    colourContext.fillStyle = '#808080';
    colourContext.fillStyle = c;
    c = String(colourContext.fillStyle);
  }
  const hex = /^#([0-9a-f]{6})$/i.exec(c);
  if (hex) return [parseInt(hex[1]!.slice(0, 2), 16), parseInt(hex[1]!.slice(2, 4), 16), parseInt(hex[1]!.slice(4, 6), 16)];
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  return [128, 128, 128];
}
