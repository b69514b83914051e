// Software point rendering for the scatter plot: stamps a disc per point straight into an RGBA
// pixel buffer with alpha blending. On a canvas without GPU rasterisation this is many times
// faster than one arc or drawImage per point, and it costs the same on every machine.

export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

/**
 * Parses a colour as a canvas context normalises it when read back from fillStyle:
 * `#rrggbb` or `rgba(r, g, b, a)`. Returns null for anything else.
 */
export function parseCanvasColour(text: string): Rgb | null {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text.trim());
  if (hex) return { r: parseInt(hex[1], 16), g: parseInt(hex[2], 16), b: parseInt(hex[3], 16) };
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/i.exec(text.trim());
  if (rgb) return { r: Math.round(Number(rgb[1])), g: Math.round(Number(rgb[2])), b: Math.round(Number(rgb[3])) };
  return null;
}

/** Pixel offsets (dx, dy pairs) covered by a disc of `radius` pixels centred on a pixel. */
export function discOffsets(radius: number): Int32Array {
  const r = Math.max(0.5, radius);
  const reach = Math.ceil(r);
  const out: number[] = [];
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) if (dx * dx + dy * dy <= r * r + 0.25) out.push(dx, dy);
  }
  return Int32Array.from(out);
}

/** Fills the whole buffer with an opaque colour. */
export function fillPixels(pixels: Uint8ClampedArray, colour: Rgb): void {
  for (let i = 0; i < pixels.length; i += 4) {
    pixels[i] = colour.r;
    pixels[i + 1] = colour.g;
    pixels[i + 2] = colour.b;
    pixels[i + 3] = 255;
  }
}

/**
 * Blends `colour` at `alpha` over the disc `offsets` around each point (px[k], py[k]) in device
 * pixels; parts outside width × height are clipped.
 */
export function stampDiscs(
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  count: number,
  offsets: Int32Array,
  colour: Rgb,
  alpha: number,
): void {
  const a = Math.min(1, Math.max(0, alpha));
  const keep = 1 - a;
  const r = colour.r * a, g = colour.g * a, b = colour.b * a;
  for (let k = 0; k < count; k++) {
    const cx = Math.round(px[k]), cy = Math.round(py[k]);
    for (let o = 0; o < offsets.length; o += 2) {
      const x = cx + offsets[o], y = cy + offsets[o + 1];
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const i = (y * width + x) * 4;
      pixels[i] = r + pixels[i] * keep;
      pixels[i + 1] = g + pixels[i + 1] * keep;
      pixels[i + 2] = b + pixels[i + 2] * keep;
    }
  }
}
