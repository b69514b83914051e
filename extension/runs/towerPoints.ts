// Whether a run's embeddings are a two-tower run's points (the gallery's text box, the map's towers
// and partners). Free of VS Code so it is tested directly.
import { existsSync, readFileSync } from 'node:fs';
import { runPaths } from '../../server/runs/paths';
import type { MapColumn, TowerPoints } from '../../webview/protocol';

/**
 * A two-tower run's points (its spec.json names architecture.towers and its embeddings hold side a's
 * points, then side b's), or undefined for a one-tower run or one whose spec cannot be read.
 */
export function towerPoints(runDir: string, ids: readonly string[]): TowerPoints | undefined {
  const file = runPaths(runDir).specJson;
  if (!existsSync(file)) return undefined;
  let towers: { a?: { type?: unknown }; b?: { type?: unknown } } | null | undefined;
  try {
    towers = (JSON.parse(readFileSync(file, 'utf8')) as { architecture?: { towers?: typeof towers } }).architecture?.towers;
  } catch {
    return undefined; // the run's own readers say what is wrong with spec.json
  }
  if (towers === null || towers === undefined || ids.length % 2 !== 0 || ids.length === 0) return undefined;
  const pairs = ids.length / 2;
  if (!ids[0]!.startsWith('a/') || !ids[pairs]!.startsWith('b/')) return undefined;
  return { pairs, textTower: towers.b?.type === 'text' ? 'b' : towers.a?.type === 'text' ? 'a' : null };
}

/** The map's "tower" column: each point's tower, the text tower named as such. */
export function towerColumn(towers: TowerPoints): MapColumn {
  const name = (t: 'a' | 'b'): string => `tower ${t}${towers.textTower === t ? ' (text)' : ''}`;
  const codes = new Uint16Array(2 * towers.pairs);
  codes.fill(1, towers.pairs);
  return { name: 'tower', kind: 'category', names: [name('a'), name('b')], codes };
}
