// Opens the search of a run for `contrastive-lab search`: one network and its index (searchRun.ts),
// or, for a two-tower run, both towers searched across each other (towerSearch.ts), which also takes
// text queries. A text query on a one-tower run is refused here, before its network is loaded.
import { DataError } from '../contrastive/data/errors';
import { readRunSpec } from './runModel';
import { SearchSession, type SearchSessionOptions } from './searchRun';
import type { QuerySession } from './serve';
import { isTwoTowerSpec, TowerSearchSession } from './towerSearch';

export type OpenedSearch = QuerySession & { dispose(): void };

export async function openQuerySession(runDir: string, options: SearchSessionOptions & { texts?: readonly string[] }): Promise<OpenedSearch> {
  const spec = readRunSpec(runDir);
  if (isTwoTowerSpec(spec)) {
    if (options.mode === 'hnsw') throw new Error(`${runDir} is a two-tower run: its towers are searched exactly (each side has as many items as the run has pairs); leave out --hnsw.`);
    return TowerSearchSession.open(runDir, spec, options.note !== undefined ? { note: options.note } : {});
  }
  const texts = options.texts ?? [];
  if (texts.length > 0) throw new DataError(runDir, 'is a one-tower run: its network embeds images or vectors, not text. --text needs a two-tower run with a text tower (architecture.towers); give an image file, a folder or CSV/JSONL rows instead.');
  return SearchSession.open(runDir, options);
}
