// Markdown documentation for a schema property, shared by completion and hover: what it does, its
// default, its allowed range and its allowed values.

import type { SchemaModel, SchemaNode } from './schema-model';

export function propertyDocumentation(model: SchemaModel, key: string | number, property: SchemaNode | undefined): string {
  const parts: string[] = [];
  const description = model.describe(property);
  if (description) parts.push(description);
  const facts: string[] = [];
  const fallback = model.defaultOf(property);
  if (fallback !== undefined) facts.push(`Default: \`${JSON.stringify(fallback)}\``);
  const range = model.rangeText(property);
  if (range !== undefined) facts.push(`Allowed: \`${range}\``);
  const branches = model.branchesOf(property);
  const literals = model.literalValues(property);
  if (branches !== undefined) facts.push(`Types: ${branches.map((b) => `\`${b.value}\``).join(', ')}`);
  else if (literals.length > 0 && literals.length <= 20) facts.push(`Values: ${literals.map((l) => `\`${JSON.stringify(l.value)}\``).join(', ')}`);
  const resolved = model.resolve(property);
  if (resolved?.deprecated) facts.push(`**Deprecated.** ${resolved.deprecationMessage ?? ''}`.trim());
  if (facts.length > 0) parts.push(facts.join('  \n'));
  return parts.length > 0 ? parts.join('\n\n') : `\`${String(key)}\``;
}

/** Documentation for a literal value: a `type` value's branch, or an enum member's description. */
export function valueDocumentation(model: SchemaModel, parent: SchemaNode | undefined, key: string | number, property: SchemaNode | undefined, value: unknown): string | undefined {
  if (key === 'type' && typeof value === 'string') {
    const branch = model.branchFor(parent, value);
    if (branch !== undefined) {
      const title = branch.schema.title ?? `type: ${value}`;
      const params = Object.keys(branch.schema.properties ?? {}).filter((k) => k !== 'type');
      const options = params.length > 0 ? `\n\nOptions: ${params.map((p) => `\`${p}\``).join(', ')}` : '';
      return `**${title}**\n\n${model.describe(branch.schema)}${options}`;
    }
  }
  const literal = model.literalValues(property).find((l) => JSON.stringify(l.value) === JSON.stringify(value));
  if (literal?.documentation) return `\`${JSON.stringify(value)}\`: ${literal.documentation}\n\n---\n\n${propertyDocumentation(model, key, property)}`;
  return undefined;
}
