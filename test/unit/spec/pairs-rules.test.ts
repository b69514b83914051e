// Paired data and two towers in the spec pipeline: a bad row of the pairs file is an error on the
// data.pairs line naming path:line, the side and the column (what training would stop at), a clean
// file checks clean, an unpaired stem in two folders names the file and side; impossible tower
// combinations are each located on the offending field's line.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkSpecText } from '../../../server/spec/check';

const dir = mkdtempSync(join(tmpdir(), 'cl-pairs-spec-'));
mkdirSync(join(dir, 'images'));
// A real (tiny) PNG is not needed here: the spec check looks at names and files, decoding is the trainer's.
writeFileSync(join(dir, 'images', 'a.png'), 'png');
writeFileSync(join(dir, 'images', 'b.png'), 'png');

const towers = 'loss: { type: siglip }\narchitecture:\n  towers: { a: { type: network }, b: { type: text } }\nstrategy: { batchSize: 2 }\n';
const spec = (pairs: string) => `experiment: x\ndata:\n  pairs:\n${pairs}${towers}`;
const problems = (text: string) => checkSpecText(text, join(dir, 'x.contrastive.yaml')).problems.map((p) => `${p.line} ${p.ruleId}: ${p.message}`);

test('a bad row of a pairs file: an error on the source line naming path:line, the side and the column', () => {
  writeFileSync(join(dir, 'bad.csv'), 'image,caption\nimages/a.png,a cat\nimages/b.png,\n');
  assert.deepEqual(problems(spec('    source: bad.csv\n    a: { image: image }\n    b: { text: caption }\n')), [
    `4 pairs-file-rows: ${join(dir, 'bad.csv')}:3: side b (column "caption"): is empty; every row needs a text here. Training would stop at this row.`,
  ]);
  writeFileSync(join(dir, 'bad.jsonl'), '{"image": "images/a.png", "x": 1}\n{"image": "images/b.png", "x": "two"}\n');
  const [problem] = problems(spec('    source: bad.jsonl\n    a: { image: image }\n    b: { numeric: [x] }\n'));
  assert.match(problem!, /^4 pairs-file-rows: .*bad\.jsonl:2: side b \(column "x"\): "two" is not a finite number/);
});

test('a clean pairs file checks clean; a column the header lacks is said with the header', () => {
  writeFileSync(join(dir, 'good.csv'), 'image,caption,label\nimages/a.png,a cat,cat\nimages/b.png,a dog,dog\n');
  assert.deepEqual(problems(spec('    source: good.csv\n    a: { image: image }\n    b: { text: caption }\n    labelColumn: label\n')), []);
  const [problem] = problems(spec('    source: good.csv\n    a: { image: picture }\n    b: { text: caption }\n'));
  assert.match(problem!, /good\.csv:1: the header has no column "picture" \(it has "image", "caption", "label"\)/);
});

test('two folders: a stem on one side only names the file and the side that lacks it', () => {
  mkdirSync(join(dir, 'texts'));
  writeFileSync(join(dir, 'texts', 'a.txt'), 'a cat');
  const [problem] = problems(spec('    folders: { a: images, b: texts }\n'));
  assert.match(problem!, /^4 pairs-file-rows: .*b\.png: .*side b/);
});

test('impossible tower combinations are located on the offending field\'s line', () => {
  const text = `experiment: x
data:
  pairs: { source: builtin:digits-captions }
loss: { type: triplet }
architecture:
  towers:
    a:
      type: text
    b:
      type: text
      embeddingSize: 32
      locked: true
`;
  const found = checkSpecText(text, join(dir, 'y.contrastive.yaml')).problems.map((p) => `${p.line} ${p.ruleId}`);
  assert.deepEqual(found.sort(), ['12 locked-tower-without-init', '11 tower-sizes-differ', '4 tower-loss-unsupported', '8 tower-side-mismatch'].sort());
});
