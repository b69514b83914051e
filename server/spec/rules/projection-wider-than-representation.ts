import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const projectionWiderThanRepresentation: SpecRule = {
  id: 'projection-wider-than-representation',
  severity: 'warning',
  description: 'The projection head outputs more values than the representation it projects (VICReg/Barlow Twins expanders excepted).',
  check({ spec, document }) {
    const projection = spec.architecture.projection;
    const representation = spec.architecture.representationSize;
    // VICReg and Barlow Twins deliberately *expand* (their losses improve with a wide output).
    if (projection === null || spec.loss.type === 'vicreg' || spec.loss.type === 'barlowTwins') return [];
    const last = projection.layers.length - 1;
    if (projection.layers[last]! <= representation) return [];
    const path = document.has(['architecture', 'projection', 'layers']) ? ['architecture', 'projection', 'layers', last] : ['architecture', 'projection'];
    return [{
      path,
      message: `The projection head outputs ${projection.layers[last]} values from a ${representation}-value representation: it cannot add information, only cost time, and SimCLR-style heads project *down* (e.g. 2048 → 128). Make its output ≤ ${representation}, or enlarge \`representationSize\`.`,
      fixes: fix(`Set the projection output to ${representation}`, setField(document, ['architecture', 'projection', 'layers'], [...projection.layers.slice(0, last), representation])),
    }];
  },
};
