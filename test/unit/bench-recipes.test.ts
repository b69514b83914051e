// The recipes section of `npm run bench` (bench/recipes.ts): its PyTorch mirror runs at its best
// (OpenBLAS overrides removed for the child alone, every thread count pinned, the package on
// PYTHONPATH), ours runs the real CLI through the timing probe, and every recipe spec in
// bench/recipes/ validates (the image-folder one next to its generated folder). Nothing is trained.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { mirrorEnv } from '../../bench/mirror';
import { buildProbeBundle, oursCommand, prepareRecipe, recipeNames } from '../../bench/recipes';
import { checkSpecFile } from '../../server/spec/check';

const ROOT = join(__dirname, '..', '..');

test('the mirror command drops the OpenBLAS overrides, pins every thread count and finds the package, for the child alone', () => {
  const base = { PATH: '/usr/bin', OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '512', OMP_NUM_THREADS: '8' };
  const before = { ...process.env };
  for (const threads of [1, 2]) {
    const env = mirrorEnv(threads, base);
    assert.equal(env.OPENBLAS_CORETYPE, undefined);
    assert.equal(env.OPENBLAS_L2_SIZE, undefined);
    for (const name of ['OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS']) assert.equal(env[name], String(threads), name);
    assert.equal(env.PYTHONPATH, join(ROOT, 'engines', 'pytorch'));
    assert.equal(env.PATH, '/usr/bin');
  }
  assert.equal(mirrorEnv(2, base).OMP_WAIT_POLICY, undefined);
  assert.equal(mirrorEnv(2, base, 'passive').OMP_WAIT_POLICY, 'PASSIVE');
  assert.equal(base.OPENBLAS_CORETYPE, 'Haswell');
  assert.ok(Object.keys(before).every((k) => process.env[k] === before[k]) && Object.keys(process.env).length === Object.keys(before).length, 'process.env changed');
});

test('ours is the CLI train command, bundled as users run it, under the timing probe, without UMAP, on the bench backend and thread count', async () => {
  const args = oursCommand('/tmp/x.contrastive.yaml', '/tmp/runs', 'wasm', 2);
  assert.equal(args[0], join(ROOT, 'dist', 'bench-recipes-probe.js'));
  assert.deepEqual(args.slice(1), ['train', '/tmp/x.contrastive.yaml', '--out', '/tmp/runs', '--json', '--no-umap', '--backend', 'wasm', '--threads', '2']);
  // The bundle is the CLI: it answers --version like dist/cli.js, without tsx.
  const bundle = await buildProbeBundle();
  const r = spawnSync(process.execPath, [bundle, '--version'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), '--version'], { encoding: 'utf8' }).stdout.trim());
});

test('the four recipes exist and validate; the SimCLR MLP one is the recipe of issue 17', async () => {
  assert.deepEqual(recipeNames(), ['byol-bn', 'convnet', 'shapes-rgb', 'simclr-mlp']);
  const work = mkdtempSync(join(tmpdir(), 'bench-recipes-test-'));
  try {
    for (const name of recipeNames()) {
      const result = checkSpecFile(await prepareRecipe(name, work, 2));
      const problems = result.problems.filter((p) => p.severity !== 'info').map((p) => `${p.path.join('.')}: ${p.message}`);
      assert.deepEqual(problems, [], name);
      const spec = result.spec!;
      assert.equal(spec.eval.every, 1, `${name} evaluates after every epoch`);
      assert.notEqual(spec.eval.knn, null, `${name} reports kNN accuracy`);
      if (name === 'simclr-mlp') {
        assert.deepEqual(spec.architecture.backbone, { ...spec.architecture.backbone, type: 'mlp', layers: [512] });
        assert.equal(spec.architecture.representationSize, 256);
        assert.deepEqual(spec.architecture.projection?.layers, [256, 64]);
        assert.deepEqual([spec.loss.type, 'temperature' in spec.loss ? spec.loss.temperature : null], ['infoNCE', 0.5]);
        assert.equal(spec.strategy.optimizer.type, 'adam');
        assert.equal(spec.strategy.batchSize, 256);
        assert.deepEqual([...spec.pairs.views.weak, ...spec.pairs.views.strong].map((op) => op.type).sort(), ['affine', 'affine', 'gaussianNoise']);
      }
      if (name === 'byol-bn') assert.ok(spec.architecture.projection?.batchNorm && spec.architecture.prediction?.batchNorm, 'BatchNorm in the heads');
      if (name === 'convnet') assert.equal(spec.architecture.backbone.type, 'convnet');
      if (name === 'shapes-rgb') assert.deepEqual([spec.data.imageSize, spec.data.channels], [32, 3]);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
