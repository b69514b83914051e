// What the spec says of two towers and their sides, read without tfjs (the language server's rules
// and the trainer share it): each tower's output size, and what each side of data.pairs holds.
import type { PairSideSpec } from '../contrastive/data/pairs/types';
import type { Engine } from '../contrastive/declare';
import { PAIRS_BUILTIN, TOWERS_FACTS } from '../contrastive/towers/towers.decl';
import type { PairsDataSpec, ResolvedSpec, TowerSpec } from './types';

/** A tower's output size, the shared embedding size: a text tower's embeddingSize, a network tower's projection output (or representation). */
export function towerOutputSize(tower: TowerSpec): number {
  if (tower.type === 'text') return tower.embeddingSize;
  return tower.projection !== null ? tower.projection.layers[tower.projection.layers.length - 1]! : tower.representationSize;
}

/** Where a tower's output size is written: the field a size fix changes. */
export function towerOutputField(tower: TowerSpec): readonly (string | number)[] {
  if (tower.type === 'text') return ['embeddingSize'];
  return tower.projection !== null ? ['projection', 'layers', tower.projection.layers.length - 1] : ['representationSize'];
}

export type SideKind = 'image' | 'text' | 'numeric';

/** What each side holds, as far as the spec says (null: the folders' files say, unknown until read). */
export function sideKinds(pairs: PairsDataSpec): { a: SideKind | null; b: SideKind | null } {
  if (pairs.folders !== null) return { a: null, b: null };
  if (pairs.source === PAIRS_BUILTIN) return { a: 'image', b: 'text' };
  const kind = (side: PairsDataSpec['a']): SideKind | null => (side === null ? null : side.image !== null ? 'image' : side.text !== null ? 'text' : side.numeric !== null ? 'numeric' : null);
  return { a: kind(pairs.a), b: kind(pairs.b) };
}

/** What of the spec's two towers `engine` does not train: each with its field (the launcher and the language server say the same). Older spec.json files have neither field. */
export function towerProblemsOnEngine(spec: ResolvedSpec, engine: Engine): { readonly path: readonly (string | number)[]; readonly message: string }[] {
  const towers = spec.architecture.towers ?? null;
  const name = engine === 'pytorch' ? 'PyTorch' : engine;
  if (!TOWERS_FACTS.engines.includes(engine)) {
    const path = towers !== null ? ['architecture', 'towers'] : (spec.data.pairs ?? null) !== null ? ['data', 'pairs'] : null;
    return path === null ? [] : [{ path, message: `${path.join('.')} (two towers on paired data) is not implemented on the ${name} engine yet` }];
  }
  if (engine !== 'pytorch' || towers === null) return [];
  // The PyTorch engine (engines/pytorch/contrastive_lab_torch/spec.py check_towers_supported): a network tower for side a, a text tower for side b, neither locked nor started from a run.
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (towers.a.type !== 'network') problems.push({ path: ['architecture', 'towers', 'a', 'type'], message: `architecture.towers.a.type "${towers.a.type}" is not implemented on the ${name} engine yet (side a must be a network tower there)` });
  if (towers.b.type !== 'text') problems.push({ path: ['architecture', 'towers', 'b', 'type'], message: `architecture.towers.b.type "${towers.b.type}" is not implemented on the ${name} engine yet (side b must be a text tower there)` });
  for (const side of ['a', 'b'] as const) {
    if (towers[side].locked) problems.push({ path: ['architecture', 'towers', side, 'locked'], message: `architecture.towers.${side}.locked (a locked tower) is not implemented on the ${name} engine yet` });
    if (towers[side].init !== null) problems.push({ path: ['architecture', 'towers', side, 'init'], message: `architecture.towers.${side}.init (a tower from an earlier run) is not implemented on the ${name} engine yet` });
  }
  return problems;
}

/** Why `engine` cannot train the spec's two towers (one line, naming the field), or null. */
export function towersOnEngine(spec: ResolvedSpec, engine: Engine): string | null {
  return towerProblemsOnEngine(spec, engine)[0]?.message ?? null;
}

/** The spec's side description (`{image: col}` …) as the pair reader takes it; null unless it names exactly one column kind. */
export function sideSpecOf(side: PairsDataSpec['a']): PairSideSpec | null {
  if (side === null) return null;
  const named = [side.image !== null, side.text !== null, side.numeric !== null].filter(Boolean).length;
  if (named !== 1) return null;
  if (side.image !== null) return { image: side.image };
  if (side.text !== null) return { text: side.text };
  return { numeric: side.numeric! };
}
