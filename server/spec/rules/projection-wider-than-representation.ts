import { fix, setField } from '../edits';
import { LOSS_TYPES, lossFacts } from '../ingredients';
import type { SpecRule } from './rule';

const EXPANDERS = LOSS_TYPES.filter((type) => lossFacts(type).expander);

export const projectionWiderThanRepresentation: SpecRule = {
  id: 'projection-wider-than-representation',
  severity: 'warning',
  description: `The projection head outputs more values than the representation it projects (expanders for ${EXPANDERS.join(', ')} excepted).`,
  check({ spec, document }) {
    const projection = spec.architecture.projection;
    const representation = spec.architecture.representationSize;
    // Losses on per-dimension statistics (VICReg, Barlow Twins) deliberately *expand*: they improve with a wide output.
    if (projection === null || lossFacts(spec.loss.type).expander) return [];
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
