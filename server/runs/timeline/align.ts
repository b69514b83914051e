// The timeline's 2-D maps, aligned so that points do not jump between steps: each step's probe
// embeddings get their own PCA (centred, scaled to unit RMS radius so a shrinking or growing space
// stays in view), then the orthogonal 2×2 map (rotation or reflection) that best lays it onto the
// previous step's aligned map (orthogonal Procrustes). A step whose embeddings are only rotated
// or mirrored in the original space therefore lands exactly where the previous one was.
import { pca2d } from '../../trainer/pca';

/** Centres count × 2 points and scales them to unit root-mean-square distance from the centre. */
function centreAndScale(xy: Float32Array): Float64Array {
  const count = xy.length / 2;
  let mx = 0, my = 0;
  for (let i = 0; i < count; i++) {
    mx += xy[2 * i]!;
    my += xy[2 * i + 1]!;
  }
  mx /= Math.max(1, count);
  my /= Math.max(1, count);
  const out = new Float64Array(xy.length);
  let sq = 0;
  for (let i = 0; i < count; i++) {
    out[2 * i] = xy[2 * i]! - mx;
    out[2 * i + 1] = xy[2 * i + 1]! - my;
    sq += out[2 * i]! ** 2 + out[2 * i + 1]! ** 2;
  }
  const rms = Math.sqrt(sq / Math.max(1, count));
  if (rms > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! / rms;
  return out;
}

/**
 * The orthogonal R (rotation or reflection) minimising ‖A·R − B‖ for count × 2 point sets, applied
 * to A. With M = AᵀB, the best rotation has angle atan2(m10 − m01, m00 + m11) and the best
 * reflection atan2(m10 + m01, m00 − m11); the one that explains more of M wins.
 */
export function procrustes2d(a: Float64Array, b: Float64Array): Float64Array {
  let m00 = 0, m01 = 0, m10 = 0, m11 = 0;
  for (let i = 0; i < a.length; i += 2) {
    m00 += a[i]! * b[i]!;
    m01 += a[i]! * b[i + 1]!;
    m10 += a[i + 1]! * b[i]!;
    m11 += a[i + 1]! * b[i + 1]!;
  }
  const rotation = Math.hypot(m00 + m11, m10 - m01);
  const reflection = Math.hypot(m00 - m11, m10 + m01);
  const out = new Float64Array(a.length);
  if (rotation >= reflection) {
    const t = Math.atan2(m10 - m01, m00 + m11);
    const c = Math.cos(t), s = Math.sin(t);
    for (let i = 0; i < a.length; i += 2) {
      out[i] = a[i]! * c + a[i + 1]! * s;
      out[i + 1] = -a[i]! * s + a[i + 1]! * c;
    }
  } else {
    const t = Math.atan2(m10 + m01, m00 - m11);
    const c = Math.cos(t), s = Math.sin(t);
    for (let i = 0; i < a.length; i += 2) {
      out[i] = a[i]! * c + a[i + 1]! * s;
      out[i + 1] = a[i]! * s - a[i + 1]! * c;
    }
  }
  return out;
}

/**
 * Aligned 2-D maps (count × 2 each, in the order given) of the probe embeddings at successive
 * steps; `frame(i)` returns step i's count × dim vectors (read one at a time: only two are held).
 */
export function alignedMaps(steps: number, count: number, dim: number, frame: (i: number) => Float32Array): Float32Array[] {
  const maps: Float32Array[] = [];
  let previous: Float64Array | null = null;
  for (let i = 0; i < steps; i++) {
    const own = centreAndScale(pca2d(frame(i), count, dim));
    const aligned: Float64Array = previous === null ? own : procrustes2d(own, previous);
    maps.push(Float32Array.from(aligned));
    previous = aligned;
  }
  return maps;
}
