// The spec pipeline in one call: parse → schema → semantic rules → resolve. Used by the CLI, the
// trainer and the language server alike. Schema errors do not silence the rules: they check the
// valid part of the spec (see valid-part.ts).
import { specialFileKind } from '../shared/files';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { BUILTIN_DATASETS, kindOf, trainSplitSize, usedSize, type DatasetInfoHook } from './dataset';
import { createSpecDocument, type SpecDocument } from './document';
import { MAX_SPEC_CHARS, formatOf, parseSpecText } from './parse';
import type { FieldPath, SpecProblem } from './problems';
import { firstLine, makeProblem } from './report';
import { resolveSpec } from './resolve';
import { RULES } from './rules';
import type { DataFacts, RuleContext, RuleFinding, SpecRule } from './rules/rule';
import type { ResolvedSpec } from './types';
import { trackReads } from './read-tracker';
import { validateAgainstSchema } from './validate';
import { isPrefix, overlaps, validPart } from './valid-part';

export interface CheckOptions {
  /** Tells the rules the size, labels and kind of non-builtin data; skipped checks when undefined. */
  readonly datasetInfo?: DatasetInfoHook;
  /** Whether a local data path exists (default: the file system). */
  readonly fileExists?: (absolutePath: string) => boolean;
}

export interface CheckResult {
  readonly document: SpecDocument;
  /** Sorted by position. */
  readonly problems: SpecProblem[];
  /** The resolved spec; null when any problem is an error. */
  readonly spec: ResolvedSpec | null;
}

export function checkSpecText(text: string, file: string, options: CheckOptions = {}): CheckResult {
  const parsed = parseSpecText(text, file);
  const problems = [...parsed.problems];
  const document = parsed.document;
  if (problems.some((p) => p.severity === 'error')) return done(document, problems, null);

  if (document.value === null || document.value === undefined) {
    problems.push(
      makeProblem(document, {
        path: ['experiment'],
        ruleId: 'schema/required',
        severity: 'error',
        message: 'The spec is empty. A spec names at least its experiment: write `experiment: <name>`; every other option has a default.',
        range: firstLine(document),
        fixes: [{ title: 'Add `experiment: my-experiment`', edits: [{ range: firstLine(document), newText: 'experiment: my-experiment\n' }] }],
      }),
    );
    return done(document, problems, null);
  }

  const schema = validateAgainstSchema(document);
  problems.push(...schema.problems);
  // With schema errors the rules still check the valid part, but never report from a substitute.
  const part = schema.errors.length === 0 ? { value: document.value, replaced: [], invalid: [] } : validPart(document.value, schema.errors);
  if (!part) return done(document, problems, null);
  const spec = resolveSpec(part.value);
  const specDir = dirname(resolvePath(file));
  const context: RuleContext = {
    spec,
    document,
    specDir,
    data: dataFacts(spec, specDir, options.datasetInfo),
    fileExists: options.fileExists ?? existsSync,
  };
  const invalidPaths = [...part.invalid, ...schema.problems.map((p) => p.path)];
  for (const rule of RULES) {
    for (const finding of findingsFromValidPart(rule, context, part.replaced)) {
      if (invalidPaths.some((path) => overlaps(path, finding.path))) continue; // the schema problem there says enough
      problems.push(makeProblem(document, { ...finding, ruleId: rule.id, severity: rule.severity }));
    }
  }
  return done(document, problems, problems.some((p) => p.severity === 'error') ? null : spec);
}

/** The rule's findings, or none when it read a substituted value (the findings would be about a value the user did not write). */
function findingsFromValidPart(rule: SpecRule, context: RuleContext, replaced: readonly FieldPath[]): readonly RuleFinding[] {
  if (replaced.length === 0) return rule.check(context);
  const reads: FieldPath[] = [];
  let readFacts = false;
  const findings = rule.check({ ...context, spec: trackReads(context.spec, (path) => reads.push(path)), data: trackReads(context.data, () => (readFacts = true)) });
  // Data facts come from the whole `data` section (and the files it names).
  const factsReplaced = readFacts && replaced.some((path) => overlaps(path, ['data']));
  return factsReplaced || reads.some((read) => replaced.some((path) => isPrefix(path, read))) ? [] : findings;
}

export function checkSpecFile(path: string, options: CheckOptions = {}): CheckResult {
  let text: string;
  try {
    const size = statSync(path).size;
    const special = specialFileKind(path);
    if (special !== null) return refuse(path, `Cannot read the spec file: it is ${special}, not a regular file. Point at the .contrastive.yaml file itself.`);
    if (size > MAX_SPEC_CHARS) {
      return refuse(path, `This file is ${(size / 1048576).toFixed(1)} MB; a spec file may be at most 5 MB. Spec files hold options, not data: point \`data.source\` at your data instead.`);
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    return refuse(path, `Cannot read the spec file: ${reason}. Check the path.`);
  }
  return checkSpecText(text, path, options);
}

function refuse(path: string, message: string): CheckResult {
  const document = createSpecDocument(path, '', formatOf(path), undefined, null);
  return { document, problems: [makeProblem(document, { path: [], ruleId: 'io', severity: 'error', message, range: firstLine(document) })], spec: null };
}

function dataFacts(spec: ResolvedSpec, specDir: string, hook: DatasetInfoHook | undefined): DataFacts {
  const data = spec.data;
  // Two towers read data.pairs, not data.source: the one-sample facts would describe data nobody reads (the pairs rules read the pairs).
  if (data.pairs !== null) return { kind: 'images', labelled: undefined, size: undefined, trainSize: undefined, columns: undefined, classes: undefined, empty: undefined };
  const info = data.format === 'builtin' ? BUILTIN_DATASETS[data.source] : safely(() => hook?.(data, specDir));
  const kind = info?.kind ?? kindOf(data.format);
  const labelledByFormat = data.format === 'csv' || data.format === 'jsonl' ? data.labelColumn !== null : undefined;
  if (info?.empty !== undefined) {
    // No samples: no size, columns or classes to compare against (the advice would contradict itself).
    return { kind, labelled: labelledByFormat, size: undefined, trainSize: undefined, columns: undefined, classes: undefined, empty: info.empty };
  }
  const size = info ? usedSize(info.size, data.limit) : undefined;
  return {
    kind,
    labelled: info?.labelled ?? labelledByFormat,
    size,
    trainSize: size === undefined ? undefined : trainSplitSize(size, data.split.testFraction),
    columns: info?.columns,
    classes: info?.classes,
    empty: undefined,
  };
}

function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined; // a failing hook only means the size-dependent rules are skipped
  }
}

function done(document: SpecDocument, problems: SpecProblem[], spec: ResolvedSpec | null): CheckResult {
  problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { document, problems, spec };
}
