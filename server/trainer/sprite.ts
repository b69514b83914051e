// The thumbnail sprite sheet of an image dataset: every sample in order, row by row, as one PNG
// (the TensorBoard projector's layout). Thumbnails shrink so the sheet stays within 8192 px.
import sharp from 'sharp';
import type { SpriteLayout } from '../runs/format';

const MAX_SIDE = 8192;

export function spriteLayout(count: number, imageSize: number): SpriteLayout {
  const columns = Math.max(1, Math.ceil(Math.sqrt(count)));
  const rows = Math.max(1, Math.ceil(count / columns));
  const thumb = Math.max(1, Math.min(imageSize, Math.floor(MAX_SIDE / columns)));
  return { file: 'sprite.png', thumbWidth: thumb, thumbHeight: thumb, columns, rows };
}

/** pixels: count × size × size × channels bytes (0..255). */
export async function renderSprite(pixels: Uint8Array, count: number, size: number, channels: 1 | 3, layout: SpriteLayout): Promise<Buffer> {
  const thumb = layout.thumbWidth;
  const width = layout.columns * thumb;
  const height = layout.rows * thumb;
  const sheet = Buffer.alloc(width * height * channels, 255);
  for (let i = 0; i < count; i++) {
    const x0 = (i % layout.columns) * thumb;
    const y0 = Math.floor(i / layout.columns) * thumb;
    for (let y = 0; y < thumb; y++) {
      const sy = Math.floor((y * size) / thumb);
      for (let x = 0; x < thumb; x++) {
        const sx = Math.floor((x * size) / thumb);
        const from = ((i * size + sy) * size + sx) * channels;
        const to = ((y0 + y) * width + x0 + x) * channels;
        for (let c = 0; c < channels; c++) sheet[to + c] = pixels[from + c]!;
      }
    }
  }
  return sharp(sheet, { raw: { width, height, channels } }).png({ compressionLevel: 6 }).toBuffer();
}
