import type { Engine } from '../../contrastive/declare';
import { fix, setField } from '../edits';
import { EVALUATIONS, INGREDIENTS, LABEL_FRACTION_FACTS, type IngredientKind } from '../experiment';
import { INIT_FACTS } from '../init.decl';
import { TOWERS_FACTS } from '../../contrastive/towers/towers.decl';
import { towerProblemsOnEngine } from '../towerFacts';
import { lossFacts } from '../ingredients';
import { tfjsPlacementProblems } from '../placement';
import type { FieldPath } from '../problems';
import type { RuleFinding, SpecRule } from './rule';

const ENGINE_NAMES: Readonly<Record<Engine, string>> = { tfjs: 'TensorFlow.js', pytorch: 'PyTorch' };

/** The types of `kind` that `engine` implements, as their declarations say. */
function typesOn(kind: IngredientKind, engine: Engine): string[] {
  return (INGREDIENTS[kind] as readonly { readonly type: string; readonly facts: { readonly engines: readonly Engine[] } }[]).filter((d) => d.facts.engines.includes(engine)).map((d) => d.type);
}

export const engineUnsupported: SpecRule = {
  id: 'engine-unsupported',
  severity: 'warning',
  description: 'An ingredient the engine chosen in run.engine does not implement (yet), or several processes or a GPU (run.processes, run.device) on the tfjs engine: the run would be refused before it starts.',
  check({ spec, document }) {
    const engine = spec.run.engine;
    if (engine === 'tfjs') {
      const onPyTorch = fix('Train on PyTorch (run.engine: pytorch)', setField(document, ['run', 'engine'], 'pytorch'));
      return tfjsPlacementProblems(spec.run).map((p) => ({ path: p.path, message: p.message, fixes: onPyTorch }));
    }
    // Every ingredient the spec uses, with where it is written; the distance only when the loss reads it.
    const used: [IngredientKind, string, FieldPath][] = [
      ['loss', spec.loss.type, ['loss', 'type']],
      ['negatives', spec.pairs.negatives.type, ['pairs', 'negatives', 'type']],
      ['sampler', spec.pairs.sampler.type, ['pairs', 'sampler', 'type']],
      ['mining', spec.pairs.mining.type, ['pairs', 'mining', 'type']],
      ['backbone', spec.architecture.backbone.type, ['architecture', 'backbone', 'type']],
      ['optimizer', spec.strategy.optimizer.type, ['strategy', 'optimizer', 'type']],
      ['schedule', spec.strategy.schedule.type, ['strategy', 'schedule', 'type']],
      ...(lossFacts(spec.loss.type).usesDistance ? [['distance', spec.distance.type, ['distance', 'type']] as [IngredientKind, string, FieldPath]] : []),
      ...(['weak', 'strong'] as const).flatMap((view) => spec.pairs.views[view].map((op, i): [IngredientKind, string, FieldPath] => ['augmentation', op.type, ['pairs', 'views', view, i, 'type']])),
    ];
    const onTfjs = fix('Train on TensorFlow.js (run.engine: tfjs)', setField(document, ['run', 'engine'], 'tfjs'));
    const findings: RuleFinding[] = [];
    for (const [kind, type, path] of used) {
      const available = typesOn(kind, engine);
      if (available.includes(type)) continue;
      findings.push({
        path,
        message: `${path.join('.')} "${type}" is not implemented on the ${ENGINE_NAMES[engine]} engine (run.engine: ${engine}) yet, so the run would be refused before it starts. It has: ${available.join(', ')}; or train this spec with run.engine: tfjs.`,
        fixes: onTfjs,
      });
    }
    // The evaluations the spec switches on, as their declared engines say.
    const evaluations = Object.entries(EVALUATIONS) as [keyof typeof EVALUATIONS, (typeof EVALUATIONS)[keyof typeof EVALUATIONS]][];
    const computed = evaluations.filter(([, e]) => e.engines.includes(engine)).map(([, e]) => e.what);
    for (const [name, { engines }] of evaluations) {
      if (spec.eval[name] === null || engines.includes(engine)) continue;
      findings.push({
        path: ['eval', name],
        onKey: true,
        message: `eval.${name} is not implemented on the ${ENGINE_NAMES[engine]} engine (run.engine: ${engine}) yet, so the run would be refused before it starts; ${computed.join(' and ')} ${computed.length === 1 ? 'is' : 'are'}. Remove it, or train this spec with run.engine: tfjs.`,
        fixes: onTfjs,
      });
    }
    // Starting from an earlier run and training on a fraction of the split, as their facts say.
    if (spec.init !== null && !INIT_FACTS.engines.includes(engine)) {
      findings.push({ path: ['init'], onKey: true, message: `init (starting from an earlier run's weights) is not implemented on the ${ENGINE_NAMES[engine]} engine (run.engine: ${engine}) yet, so the run would be refused before it starts. Train this spec with run.engine: tfjs.`, fixes: onTfjs });
    }
    if ((spec.architecture.towers !== null || spec.data.pairs !== null) && !TOWERS_FACTS.engines.includes(engine)) {
      const path = spec.architecture.towers !== null ? ['architecture', 'towers'] : ['data', 'pairs'];
      findings.push({ path, onKey: true, message: `Two towers on paired data (architecture.towers, data.pairs) are not implemented on the ${ENGINE_NAMES[engine]} engine (run.engine: ${engine}) yet, so the run would be refused before it starts. Train this spec with run.engine: tfjs.`, fixes: onTfjs });
    } else {
      // What of two towers this engine lacks (a locked tower, a tower from a run): as the launcher refuses it.
      for (const problem of towerProblemsOnEngine(spec, engine)) findings.push({ path: [...problem.path], onKey: true, message: `${problem.message} (run.engine: ${engine}), so the run would be refused before it starts. Train this spec with run.engine: tfjs.`, fixes: onTfjs });
    }
    if (spec.data.labelFraction < 1 && !LABEL_FRACTION_FACTS.engines.includes(engine)) {
      findings.push({ path: ['data', 'labelFraction'], message: `data.labelFraction ${spec.data.labelFraction} is not implemented on the ${ENGINE_NAMES[engine]} engine (run.engine: ${engine}) yet, so the run would be refused before it starts. Train this spec with run.engine: tfjs.`, fixes: onTfjs });
    }
    return findings;
  },
};
