// The map's PCA (server/trainer/pca.ts): points spread along two known orthogonal directions come
// out with those directions as the map's axes (up to sign), for counts that do and do not fill the
// covariance loop's blocks of four rows, and the same vectors always give the same map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pca2d } from '../../../server/trainer/pca';

function spread(count: number, dim: number): { vectors: Float32Array; along: number[][] } {
  const u = Array.from({ length: dim }, (_, d) => (d === 1 ? 1 : 0));
  const w = Array.from({ length: dim }, (_, d) => (d === 3 ? 1 : 0));
  const along: number[][] = [];
  const vectors = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const a = 5 * Math.sin(i * 1.7); // large spread along u
    const b = 2 * Math.cos(i * 0.9); // smaller spread along w
    along.push([a, b]);
    for (let d = 0; d < dim; d++) vectors[i * dim + d] = 10 + a * u[d]! + b * w[d]! + 0.01 * Math.sin(i * 3.1 + d);
  }
  return { vectors, along };
}

for (const count of [400, 401, 403]) {
  test(`${count} points: the two axes are the directions of largest and second-largest spread`, () => {
    const dim = 6;
    const { vectors, along } = spread(count, dim);
    const map = pca2d(vectors, count, dim);
    const meanA = along.reduce((s, p) => s + p[0]!, 0) / count;
    const meanB = along.reduce((s, p) => s + p[1]!, 0) / count;
    for (const [axis, mean] of [[0, meanA], [1, meanB]] as const) {
      const sign = Math.sign(map[axis]! * (along[0]![axis]! - mean)) || 1;
      const worst = Math.max(...along.map((p, i) => Math.abs(sign * map[i * 2 + axis]! - (p[axis]! - mean))));
      assert.ok(worst < 0.05, `axis ${axis}: off by ${worst}`);
    }
    assert.deepEqual(pca2d(vectors, count, dim), map);
  });
}
