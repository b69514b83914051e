// A read-only view of a resolved spec that records the path of every field read through it, so that
// check.ts can tell whether a semantic rule looked at a value that was substituted for an invalid one.
import type { FieldPath } from './problems';

/**
 * `value` seen through a proxy that calls `onRead` with the path of each field read (`path` is the
 * path of `value` itself). Reading a list's length or keys counts as reading the list.
 */
export function trackReads<T extends object>(value: T, onRead: (path: FieldPath) => void, path: FieldPath = []): T {
  const views = new Map<object, object>();
  const view = <V extends object>(target: V, at: FieldPath): V => {
    const known = views.get(target);
    if (known) return known as V;
    // The proxy's own target is an empty stand-in: the spec is deeply frozen, and a proxy over a
    // frozen object may not return anything but the frozen value itself (here: another proxy).
    const standIn = Array.isArray(target) ? [] : {};
    const handler: ProxyHandler<object> = {
      get(_, key) {
        if (typeof key === 'symbol' || !Object.hasOwn(target, key)) return Reflect.get(target, key);
        if (Array.isArray(target) && key === 'length') {
          onRead(at);
          return target.length;
        }
        const child = childPath(target, key, at);
        onRead(child);
        const inner = (target as Record<string, unknown>)[key];
        return inner !== null && typeof inner === 'object' ? view(inner, child) : inner;
      },
      has(_, key) {
        onRead(typeof key === 'symbol' ? at : childPath(target, key, at));
        return Reflect.has(target, key);
      },
      ownKeys() {
        onRead(at);
        return Reflect.ownKeys(target);
      },
      getOwnPropertyDescriptor(_, key) {
        const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
        if (!descriptor) return undefined;
        // Only a list's `length` exists on the stand-in (writable, not configurable); every other
        // property must be reported configurable, because the stand-in does not have it.
        return Array.isArray(target) && key === 'length' ? { ...descriptor, writable: true } : { ...descriptor, configurable: true };
      },
      set: () => false,
      defineProperty: () => false,
      deleteProperty: () => false,
    };
    const proxy = new Proxy(standIn, handler) as V;
    views.set(target, proxy);
    return proxy;
  };
  return view(value, path);
}

function childPath(target: object, key: string, at: FieldPath): FieldPath {
  return [...at, Array.isArray(target) && /^\d+$/.test(key) ? Number(key) : key];
}
