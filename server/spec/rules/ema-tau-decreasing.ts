import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const emaTauDecreasing: SpecRule = {
  id: 'ema-tau-decreasing',
  severity: 'warning',
  description: 'The EMA τ schedule ends below where it starts: the target speeds up as training converges.',
  check({ spec, document }) {
    const ema = spec.strategy.ema;
    if (ema === null || ema.tauEnd >= ema.tauStart) return [];
    return [{
      path: ['strategy', 'ema', 'tauEnd'],
      message: `τ goes from ${ema.tauStart} down to ${ema.tauEnd}: the target network would follow the online one ever faster, just when a stable target matters most. BYOL raises τ towards 1; set \`tauEnd\` ≥ \`tauStart\` (1 is the usual end).`,
      fixes: fix('Set tauEnd to 1', setField(document, ['strategy', 'ema', 'tauEnd'], 1)),
    }];
  },
};
