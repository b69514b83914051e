// The dataset facts (size, labels, kind) that the size-dependent spec rules need, for specs checked
// as you type. Probing reads the data source from disk, so results are cached per source and
// re-read only when the source's size or modification time changes, or after a few seconds (an
// image folder's class sub-folders can change without touching the folder itself).
import { statSync } from 'node:fs';
import { probeDatasetOnDisk, resolveDataPath, type DatasetInfo, type DatasetInfoHook } from '../spec/dataset';
import type { DataSpec } from '../spec/types';

const MAX_AGE_MS = 5_000;
const MAX_ENTRIES = 64;

interface CachedProbe {
  readonly stamp: string;
  readonly at: number;
  readonly info: DatasetInfo | undefined;
}

export function cachedDatasetProbe(now: () => number = Date.now): DatasetInfoHook {
  const cache = new Map<string, CachedProbe>();
  return (data: DataSpec, specDir: string) => {
    if (data.format === 'builtin') return probeDatasetOnDisk(data, specDir);
    const path = resolveDataPath(data.source, specDir);
    let stamp: string;
    try {
      const stat = statSync(path);
      stamp = `${stat.size}:${stat.mtimeMs}`;
    } catch {
      return undefined;
    }
    const key = `${data.format}\u0000${path}\u0000${data.labelColumn ?? ''}`;
    const hit = cache.get(key);
    if (hit !== undefined && hit.stamp === stamp && now() - hit.at < MAX_AGE_MS) return hit.info;
    const info = probeDatasetOnDisk(data, specDir);
    cache.delete(key);
    cache.set(key, { stamp, at: now(), info });
    if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    return info;
  };
}
