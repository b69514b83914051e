import { fix, removeField } from '../edits';
import type { FieldPath } from '../problems';
import type { RuleFinding, SpecRule } from './rule';

/** What a two-tower run does not read, with why; each is flagged only where the spec writes it. */
const IGNORED: readonly (readonly [FieldPath, string])[] = [
  [['data', 'source'], 'the towers read data.pairs'],
  [['data', 'format'], 'the towers read data.pairs'],
  [['data', 'labelColumn'], 'the labels of a pairs file are data.pairs.labelColumn'],
  [['data', 'useLabels'], 'two-tower training never uses labels (zero-shot evaluation does)'],
  [['data', 'labelFraction'], 'every training pair is used'],
  [['pairs'], 'the positives of a two-tower run are the given pairs, its negatives the batch\'s other pairs'],
  [['distance'], 'siglip and infoNCE across towers compare by cosine'],
  [['architecture', 'backbone'], 'each tower has its own backbone (architecture.towers.<a|b>.backbone)'],
  [['architecture', 'representationSize'], 'each tower has its own (architecture.towers.<a|b>.representationSize)'],
  [['architecture', 'projection'], 'each tower has its own (architecture.towers.<a|b>.projection)'],
  [['architecture', 'prediction'], 'towers have no prediction head'],
  [['architecture', 'normalizeOutput'], 'the losses across towers normalise the embeddings themselves'],
  [['strategy', 'stopGradient'], 'both towers train by the same loss (lock one with locked: true)'],
  [['strategy', 'ema'], 'two-tower training has no EMA target'],
  [['strategy', 'targetTemperature'], 'two-tower training has no teacher'],
  [['eval', 'knn'], 'a two-tower run is evaluated by cross-modal recall and zero-shot accuracy'],
  [['eval', 'linearProbe'], 'a two-tower run is evaluated by cross-modal recall and zero-shot accuracy'],
  [['eval', 'fewShot'], 'a two-tower run is evaluated by cross-modal recall and zero-shot accuracy'],
  [['eval', 'labelEfficiency'], 'a two-tower run is evaluated by cross-modal recall and zero-shot accuracy'],
  [['eval', 'layer'], 'a tower\'s output is evaluated'],
  [['init'], 'a tower starts from a run with architecture.towers.<a|b>.init'],
];

export const towersIgnoredOptions: SpecRule = {
  id: 'towers-ignored-options',
  severity: 'warning',
  description: 'An option written in the spec that a two-tower run (`architecture.towers`) does not read: the one-tower network, pairs, distance, EMA, kNN and the like.',
  check({ spec, document }) {
    if (spec.architecture.towers === null) return [];
    const findings: RuleFinding[] = [];
    for (const [path, why] of IGNORED) {
      if (!document.has(path)) continue;
      findings.push({
        path,
        onKey: true,
        message: `${path.join('.')} is not used with two towers: ${why}. Remove it, or remove architecture.towers to train one network.`,
        fixes: fix(`Remove ${path.join('.')}`, removeField(document, path)),
        tags: ['unnecessary'],
      });
    }
    return findings;
  },
};
