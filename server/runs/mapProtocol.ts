// The messages between the map panel's host and `contrastive-lab map <run> --serve`: one JSON
// object per line each way. The host asks for projections (answered with progress lines, then a
// result) and for a point's exact neighbours; requests are answered in the order they arrive.
import type { ProjectionName } from './projection';
import type { RunDistance } from './runDistance';

export type MapRequest =
  | { readonly id: number; readonly method: 'project'; readonly methods: readonly ProjectionName[]; readonly sample?: number }
  | { readonly id: number; readonly method: 'neighbours'; readonly query: number; readonly k: number };

export interface MapNeighbour {
  readonly index: number;
  readonly distance: number;
}

export type MapReply =
  /** First line: the run's size and the distance its neighbours are measured with. */
  | { readonly ready: { readonly count: number; readonly dim: number; readonly distance: RunDistance } }
  | { readonly id: number; readonly progress: { readonly phase: string; readonly done: number; readonly total: number } }
  | { readonly id: number; readonly projected: { readonly seconds: Readonly<Partial<Record<ProjectionName, number>>> } }
  | { readonly id: number; readonly neighbours: readonly MapNeighbour[] }
  | { readonly id: number; readonly error: string };
