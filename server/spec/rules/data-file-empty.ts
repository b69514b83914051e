import type { SpecRule } from './rule';

export const dataFileEmpty: SpecRule = {
  id: 'data-file-empty',
  severity: 'error',
  description: 'The csv/jsonl `data.source` file holds no samples (it is empty, or a CSV has a header but no rows).',
  check({ spec, data }) {
    if (data.empty === undefined) return [];
    const source = spec.data.source;
    const add = spec.data.format === 'jsonl'
      ? 'add rows: one JSON object per line, e.g. {"x": [0.1, 0.2], "label": "a"}.'
      : data.empty === 'file'
        ? 'add rows: a header line naming the columns, then one line per sample.'
        : 'add rows below the header, one line per sample.';
    return [{
      path: ['data', 'source'],
      message: `${source}: ${data.empty === 'file' ? 'the file is empty' : 'has a header but no data rows'}; ${add}`,
    }];
  },
};
