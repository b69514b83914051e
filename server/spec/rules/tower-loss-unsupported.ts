import { TOWER_LOSSES } from '../../contrastive/towers/towers.decl';
import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const towerLossUnsupported: SpecRule = {
  id: 'tower-loss-unsupported',
  severity: 'error',
  description: `A loss that does not train across two towers (only ${TOWER_LOSSES.join(' and ')} do) with \`architecture.towers\`.`,
  check({ spec, document }) {
    if (spec.architecture.towers === null || (TOWER_LOSSES as readonly string[]).includes(spec.loss.type)) return [];
    return [{
      path: ['loss', 'type'],
      message: `The ${spec.loss.type} loss does not train across two towers. With \`architecture.towers\`, use siglip (a sigmoid per image–caption pair, learnable scale and bias) or infoNCE (CLIP's symmetric form: each a picks its b among the batch's b's, and each b its a).`,
      fixes: [
        ...fix('Use SigLIP across the towers', setField(document, ['loss'], { type: 'siglip' })),
        ...fix('Use CLIP\'s symmetric InfoNCE', setField(document, ['loss'], { type: 'infoNCE', temperature: 0.1 })),
      ],
    }];
  },
};
