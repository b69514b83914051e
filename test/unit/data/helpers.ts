// A DataSpec with the schema's defaults, for data tests.
import type { DataSpec } from '../../../server/spec/types';

export function dataSpec(change: Partial<DataSpec>): DataSpec {
  return {
    source: 'builtin:digits',
    format: 'builtin',
    labelColumn: null,
    useLabels: true,
    labelFraction: 1,
    split: { testFraction: 0.2, seed: 0 },
    imageSize: 28,
    channels: 1,
    normalize: 'zeroOne',
    limit: null,
    ...change,
  };
}
