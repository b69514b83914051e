// The conformance command on the tfjs engine: the reference fixtures pass on cpu and on wasm (each
// in its own process, as `npm run conformance` runs), and a fixture that disagrees with the library is
// reported with the field, the position and the deviation, and makes the command exit 1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkFolder } from '../../../server/contrastive/conformance/main';

const root = join(__dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'reference');
const main = join(root, 'server', 'cli', 'main.ts');

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; lines: string[] } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, 'conformance', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CONTRASTIVE_LAB_BACKEND: '', ...env } });
  return { code: r.status, lines: `${r.stdout}${r.stderr}`.trim().split('\n') };
}

describe('conformance over test/fixtures/reference', () => {
  const count = JSON.parse(readFileSync(join(fixtures, 'index.json'), 'utf8')).count as number;
  for (const backend of ['cpu', 'wasm']) {
    test(`every fixture passes on ${backend}`, () => {
      const { code, lines } = runCli([fixtures, '--backend', backend]);
      assert.equal(lines[0], `backend: ${backend} (requested as "${backend}")`);
      assert.equal(lines.at(-1), `${count} passed, 0 failed`, lines.join('\n'));
      assert.equal(code, 0);
    });
  }
  test('CONTRASTIVE_LAB_BACKEND selects the backend', () => {
    const { code, lines } = runCli([fixtures], { CONTRASTIVE_LAB_BACKEND: 'wasm' });
    assert.match(lines[0] ?? '', /^backend: wasm \(forced by CONTRASTIVE_LAB_BACKEND=wasm\)/);
    assert.equal(code, 0);
  });
});

describe('conformance reports disagreements', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (name: string, change: (f: { expected: Record<string, unknown> }) => void) => {
    const fixture = JSON.parse(readFileSync(join(fixtures, name), 'utf8'));
    change(fixture);
    writeFileSync(join(dir, name), JSON.stringify(fixture));
  };

  test('wrong loss, gradient and tuples are each one failure line; exit 1', async () => {
    edit('SupConLoss__default__seed0.json', (f) => (f.expected.loss = (f.expected.loss as number) + 0.01));
    edit('VICRegLoss__default__seed0.json', (f) => {
      const g = f.expected.gradView2 as number[][];
      (g[3] as number[])[2] = ((g[3] as number[])[2] ?? 0) + 1;
    });
    edit('TripletMarginMiner_semihard__margin0.2__seed0.json', (f) => (f.expected.triplets as number[][]).pop());
    copyFileSync(join(fixtures, 'KLDivergence__T1__self__seed0.json'), join(dir, 'KLDivergence__T1__self__seed0.json'));
    const lines: string[] = [];
    const code = await checkFolder(dir, 'cpu', false, (l) => lines.push(l));
    assert.equal(code, 1);
    const failures = lines.filter((l) => l.startsWith('FAIL'));
    assert.equal(failures.length, 3, lines.join('\n'));
    assert.match(failures[0] ?? '', /^FAIL SupConLoss__default__seed0: loss: got 3\.67\d*, expected 3\.68\d* \(deviation 1\.00e-2/);
    assert.match(failures[1] ?? '', /^FAIL TripletMarginMiner_semihard__margin0\.2__seed0: triplets: 43 tuples, expected 42, 1 unexpected/);
    assert.match(failures[2] ?? '', /^FAIL VICRegLoss__default__seed0: gradView2\[3,2\]: got .*deviation 1\.00e\+0/);
    assert.equal(lines.at(-1), '1 passed, 3 failed');
  });

  test('usage errors exit 2 saying what to give', () => {
    const none = runCli([]);
    assert.equal(none.code, 2);
    assert.match(none.lines.join('\n'), /Name the folder of fixtures, e\.g\. `contrastive-lab conformance test\/fixtures\/reference`/);
    const gpu = runCli([fixtures, '--backend', 'gpu']);
    assert.equal(gpu.code, 2);
    assert.match(gpu.lines.join('\n'), /--backend must be one of auto, tensorflow, wasm, cpu \(got "gpu"\)/);
    const engine = runCli([fixtures, '--engine', 'jax']);
    assert.equal(engine.code, 2);
    assert.match(engine.lines.join('\n'), /--engine must be one of tfjs, pytorch \(got "jax"\)/);
  });

  test('a missing folder is an error that names it', async () => {
    await assert.rejects(checkFolder(join(dir, 'nope'), 'cpu', false, () => undefined), /Fixture folder ".*nope" does not exist/);
  });
});
