// Random resized crop (Szegedy et al. 2015, as in torchvision): a crop whose area is a random
// fraction `scale` of the image and whose aspect ratio is log-uniform in `ratio`, resized back to
// the input size with bilinear interpolation. One cropAndResize call for the whole batch.
import { tf } from '../backend';
import type { RandomResizedCropOptions } from './randomResizedCrop.decl';
import type { Random } from '../random';
import { type Augmentation, imageShape } from './augmentation';

type Op = RandomResizedCropOptions;

/** A crop in pixels: top-left corner and size. */
export interface CropRect {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** torchvision's rule: ten tries at a crop that fits, else a centre crop with the ratio clamped. */
export function sampleCropRect(height: number, width: number, scale: readonly [number, number], ratio: readonly [number, number], rng: Random): CropRect {
  const area = height * width;
  const logRatio: [number, number] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logRatio[0], logRatio[1]));
    const w = Math.round(Math.sqrt(targetArea * aspect));
    const h = Math.round(Math.sqrt(targetArea / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      return { top: rng.nextInt(height - h + 1), left: rng.nextInt(width - w + 1), height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < Math.min(ratio[0], ratio[1])) h = Math.round(w / Math.min(ratio[0], ratio[1]));
  else if (inRatio > Math.max(ratio[0], ratio[1])) w = Math.round(h * Math.max(ratio[0], ratio[1]));
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** cropAndResize's normalised box [y1, x1, y2, x2]: pixel centres map as y1·(H−1) … y2·(H−1). */
export function cropBox(rect: CropRect, height: number, width: number): [number, number, number, number] {
  const sy = height > 1 ? height - 1 : 1;
  const sx = width > 1 ? width - 1 : 1;
  return [rect.top / sy, rect.left / sx, (rect.top + rect.height - 1) / sy, (rect.left + rect.width - 1) / sx];
}

export const randomResizedCrop: Augmentation<Op> = {
  type: 'randomResizedCrop',
  input: 'image',
  apply(batch, op, rng) {
    const [n, h, w] = imageShape(batch, op.type);
    const boxes = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const rect = rng.bernoulli(op.probability) ? sampleCropRect(h, w, op.scale, op.ratio, rng) : { top: 0, left: 0, height: h, width: w };
      boxes.set(cropBox(rect, h, w), i * 4);
    }
    return tf.image.cropAndResize(batch as tf.Tensor4D, tf.tensor2d(boxes, [n, 4]), tf.range(0, n, 1, 'int32') as tf.Tensor1D, [h, w], 'bilinear');
  },
};
