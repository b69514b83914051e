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

/** Why `engine` cannot train the spec's two towers (one line, naming the field), or null. Older spec.json files have neither field. */
export function towersOnEngine(spec: ResolvedSpec, engine: Engine): string | null {
  if (TOWERS_FACTS.engines.includes(engine)) return null;
  const field = (spec.architecture.towers ?? null) !== null ? 'architecture.towers' : (spec.data.pairs ?? null) !== null ? 'data.pairs' : null;
  return field === null ? null : `${field} (two towers on paired data) is not implemented on the ${engine === 'pytorch' ? 'PyTorch' : engine} engine yet`;
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
