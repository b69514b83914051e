// Writes the files derived from the typed declaration (server/spec/experiment.ts, composed from the
// ingredients' *.decl.ts): the committed files are checked against a fresh generation by unit tests.
// Run: npx tsx schemas/generate.ts
//
// - schemas/experiment.schema.json: what a spec file may say (every defaulted option optional).
// - schemas/resolved.schema.json: what an engine receives after resolving (every option present),
//   so other engines (the PyTorch one) can validate the spec.json they are given.
// - server/spec/generated/validate-schema.js: the experiment schema's ajv validator, compiled here
//   (ajv standalone code) so that no process compiles code from strings at run time — compiling
//   costs about a second per process, and code generated at run time would need `eval`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { Derived } from '../server/contrastive/declare';
import { DEFINITIONS, EXPERIMENT } from '../server/spec/experiment';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Mode = 'experiment' | 'resolved';

/** Keys whose values are schemas (or maps / lists of schemas); every other key holds plain data. */
const SCHEMA_MAPS = new Set(['properties', '$defs']);
const SCHEMA_LISTS = new Set(['oneOf', 'anyOf', 'allOf']);
const SCHEMA_VALUES = new Set(['items', 'not', 'additionalProperties']);
/** The order keys are written in, so the files read top-down; other keys follow alphabetically. */
const KEY_ORDER = ['$schema', '$id', 'title', 'type', 'const', 'markdownDescription', 'default', 'discriminator', 'required', 'properties', 'enum', 'markdownEnumDescriptions', 'items', 'minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum', 'minLength', 'minItems', 'maxItems', 'uniqueItems', 'oneOf', 'additionalProperties', 'examples', '$defs'];
const rank = (key: string) => (KEY_ORDER.includes(key) ? KEY_ORDER.indexOf(key) : KEY_ORDER.length);

/**
 * The JSON Schema of a TypeBox node. The declaration types every option as present (the resolved
 * spec); the experiment schema requires only the options without a default and not derived.
 */
function emit(node: Record<string | symbol, unknown>, mode: Mode): Record<string, Json> {
  const out: Record<string, Json> = {};
  const keys = Object.keys(node).filter((k) => k !== 'required').sort((a, b) => rank(a) - rank(b) || (rank(a) === KEY_ORDER.length ? a.localeCompare(b) : 0));
  const properties = node.properties as Record<string, Record<string | symbol, unknown>> | undefined;
  for (const key of keys) {
    const value = node[key];
    if (key === 'properties' && properties) {
      const required = Object.keys(properties).filter((name) => mode === 'resolved' || !('default' in properties[name]! || properties[name]![Derived] === true));
      if (required.length > 0) out.required = required;
    }
    if (SCHEMA_MAPS.has(key)) out[key] = Object.fromEntries(Object.entries(value as Record<string, Record<string, unknown>>).map(([name, child]) => [name, emit(child, mode)]));
    else if (SCHEMA_LISTS.has(key)) out[key] = (value as Record<string, unknown>[]).map((child) => emit(child, mode));
    else if (SCHEMA_VALUES.has(key) && typeof value === 'object') out[key] = emit(value as Record<string, unknown>, mode);
    else out[key] = JSON.parse(JSON.stringify(value)) as Json;
  }
  return out;
}

function document(mode: Mode, header: Record<string, Json>): Record<string, Json> {
  const root = emit(EXPERIMENT as unknown as Record<string, unknown>, mode);
  const $defs = Object.fromEntries(Object.entries(DEFINITIONS).map(([name, schema]) => [name, emit(schema as unknown as Record<string, unknown>, mode)]));
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...header, ...root, ...(mode === 'resolved' ? { examples: [] } : {}), $defs };
}

export const schema = document('experiment', { $id: 'https://contrastive-lab.dev/schemas/experiment.schema.json' });
export const schemaText = `${JSON.stringify(schema, null, 2)}\n`;

export const resolvedSchema = document('resolved', {
  $id: 'https://contrastive-lab.dev/schemas/resolved.schema.json',
  title: 'Contrastive Lab resolved experiment',
  markdownDescription: 'The resolved experiment an engine trains (`spec.json` of a run): an experiment spec with every default filled in and the derived fields (`data.format`, `run.name`) set. Every option is present.',
});
delete resolvedSchema.examples;
export const resolvedSchemaText = `${JSON.stringify(resolvedSchema, null, 2)}\n`;

// ---- the precompiled validator -----------------------------------------------------------------
/** The options server/spec uses: every error, discriminated unions keyed on `type`. */
export const AJV_OPTIONS = { allErrors: true, discriminator: true, allowUnionTypes: true, keywords: ['markdownDescription', 'markdownEnumDescriptions'] };
/** Keywords that only document (they never change what is valid, nor any error ajv reports). */
const ANNOTATIONS = new Set(['title', 'markdownDescription', 'markdownEnumDescriptions', 'description', 'examples', 'default', '$comment']);
/** The schema without its annotations: the generated code embeds the schema objects it reads, and the text would triple its size. */
function validationOnly(node: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key)) continue;
    if (SCHEMA_MAPS.has(key)) out[key] = Object.fromEntries(Object.entries(value as Record<string, Record<string, Json>>).map(([name, child]) => [name, validationOnly(child)]));
    else if (SCHEMA_LISTS.has(key)) out[key] = (value as Record<string, Json>[]).map(validationOnly);
    else if (SCHEMA_VALUES.has(key) && typeof value === 'object' && value !== null) out[key] = validationOnly(value as Record<string, Json>);
    else out[key] = value;
  }
  return out;
}
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
export const validatorText = `// Generated by schemas/generate.ts from the declaration in server/spec/experiment.ts (ajv standalone code). Do not edit: run \`npx tsx schemas/generate.ts\`.\n${standaloneCode(ajv, ajv.compile(validationOnly(schema)))}\n`;

const root = join(__dirname, '..');
export const OUTPUTS: Readonly<Record<string, string>> = {
  'schemas/experiment.schema.json': schemaText,
  'schemas/resolved.schema.json': resolvedSchemaText,
  'server/spec/generated/validate-schema.js': validatorText,
};

if (require.main === module) {
  for (const [path, text] of Object.entries(OUTPUTS)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}
