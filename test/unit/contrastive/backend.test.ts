// Backend selection: auto falls back past the absent tfjs-node and reports why; forced backends
// are honoured or fail with a reason and a fix; the environment variable overrides the request.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { BACKEND_ENV_VAR, currentBackend, initBackend, tf } from '../../../server/contrastive/backend';
import { effectiveThreads } from '../../../server/contrastive/wasmThreads';

let tfjsNodeInstalled = true;
try {
  require.resolve('@tensorflow/tfjs-node');
} catch {
  tfjsNodeInstalled = false;
}

describe('initBackend', () => {
  const saved = process.env[BACKEND_ENV_VAR];
  afterEach(() => {
    if (saved === undefined) delete process.env[BACKEND_ENV_VAR];
    else process.env[BACKEND_ENV_VAR] = saved;
  });

  test('a forced cpu or wasm backend is used and computes', async () => {
    delete process.env[BACKEND_ENV_VAR];
    for (const name of ['cpu', 'wasm'] as const) {
      const choice = await initBackend(name);
      // wasm uses every core by default (server/contrastive/wasmThreads.ts); cpu runs on one.
      assert.deepEqual(choice, { name, reason: `requested as "${name}"`, threads: name === 'wasm' ? effectiveThreads(0) : 1 });
      assert.equal(tf.getBackend(), name);
      assert.deepEqual(currentBackend(), choice);
      const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0]);
      assert.equal(product, 11);
    }
  });

  test('auto picks tfjs-node when installed, otherwise wasm, and says why', async () => {
    delete process.env[BACKEND_ENV_VAR];
    const choice = await initBackend('auto');
    if (tfjsNodeInstalled) assert.equal(choice.name, 'tensorflow');
    else {
      assert.equal(choice.name, 'wasm');
      assert.match(choice.reason, /tensorflow unavailable: @tensorflow\/tfjs-node did not load/);
    }
  });

  test('forcing an unavailable backend is an error with the reason and the fix', { skip: tfjsNodeInstalled ? 'tfjs-node is installed here' : false }, async () => {
    delete process.env[BACKEND_ENV_VAR];
    await assert.rejects(initBackend('tensorflow'), /The tensorflow backend was requested as "tensorflow" but cannot be used: .*npm install @tensorflow\/tfjs-node.*or choose the wasm or cpu backend/);
  });

  test(`${BACKEND_ENV_VAR} overrides the requested backend`, async () => {
    process.env[BACKEND_ENV_VAR] = 'cpu';
    const choice = await initBackend('wasm');
    assert.equal(choice.name, 'cpu');
    assert.equal(choice.reason, `forced by ${BACKEND_ENV_VAR}=cpu`);
  });

  test(`a misspelt ${BACKEND_ENV_VAR} names the valid values`, async () => {
    process.env[BACKEND_ENV_VAR] = 'gpu';
    await assert.rejects(initBackend(), /CONTRASTIVE_LAB_BACKEND is "gpu", which is not a backend\. Use one of: auto, tensorflow, wasm, cpu\./);
  });
});
