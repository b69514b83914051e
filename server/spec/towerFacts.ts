// What the spec says of two towers and their sides, read without tfjs (the language server's rules
// and the trainer share it): each tower's output size, and what each side of data.pairs holds.
import { PAIRS_BUILTIN } from '../contrastive/towers/towers.decl';
import type { PairsDataSpec, TowerSpec } from './types';

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
