// Which engine a run started from the editor trains on. Precedence: the spec's `run.engine` when it
// names one; else the contrastiveLab.engine setting (default tfjs, the schema's default), passed to
// the CLI as `--engine`. A resumed run keeps the engine its run.json records. Kept free of VS Code so
// the rule is unit-tested.
import { parseDocument } from 'yaml';
import { isEngine, type Engine } from '../../server/contrastive/declare';

export interface EngineDecision {
  /** The engine that will train, or undefined when the spec cannot be read (the CLI then reports its problems). */
  readonly engine: Engine | undefined;
  /** `--engine` for the CLI: only for a spec that names no engine, so the spec always wins. */
  readonly flag: Engine | undefined;
}

/** Reads `run.engine` from the spec text (YAML or JSON) and applies the precedence above. */
export function decideEngine(specText: string, setting: Engine): EngineDecision {
  const doc = parseDocument(specText, { prettyErrors: false });
  if (doc.errors.length > 0) return { engine: undefined, flag: undefined };
  const named: unknown = doc.getIn(['run', 'engine']);
  if (named === undefined || named === null) return { engine: setting, flag: setting };
  return typeof named === 'string' && isEngine(named) ? { engine: named, flag: undefined } : { engine: undefined, flag: undefined };
}
