import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposableStore } from '../../../extension/panels/disposables';

test('a store releases what was registered once, last registered first', () => {
  const store = new DisposableStore();
  const released: string[] = [];
  store.add({ dispose: () => released.push('subscription') });
  store.add({ dispose: () => released.push('process') });
  store.dispose();
  store.dispose();
  assert.deepEqual(released, ['process', 'subscription']);
  assert.equal(store.isDisposed, true);
});

test('what is added after the store was released is released at once', () => {
  const store = new DisposableStore();
  store.dispose();
  let released = false;
  const item = store.add({ dispose: () => (released = true) });
  assert.equal(released, true);
  assert.equal(typeof item.dispose, 'function');
});

test('one failing disposable does not keep the others from being released', () => {
  const store = new DisposableStore();
  const released: string[] = [];
  store.add({ dispose: () => released.push('first') });
  store.add({
    dispose: () => {
      throw new Error('boom');
    },
  });
  store.add({ dispose: () => released.push('last') });
  assert.throws(() => store.dispose(), /boom/);
  assert.deepEqual(released, ['last', 'first']);
});
