// Writes small JSON values as spec text: YAML (block mappings, flow lists of scalars) or JSON,
// indented to fit where they are inserted. Used by snippets and quick fixes.

export type SpecFormat = 'yaml' | 'json';

const PLAIN_YAML = /^[A-Za-z_][\w./ -]*[\w./-]$|^[A-Za-z_]$/;
const YAML_RESERVED = /^(true|false|null|yes|no|on|off|~)$/i;

/** A scalar as YAML: plain when safe, otherwise double-quoted. */
export function yamlScalar(value: unknown): string {
  if (typeof value === 'string') return PLAIN_YAML.test(value) && !YAML_RESERVED.test(value) && !value.includes(': ') && !value.includes(' #') ? value : JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(yamlScalar).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? '{}' : `{${entries.map(([k, v]) => `${yamlKey(k)}: ${yamlScalar(v)}`).join(', ')}}`;
  }
  return String(value);
}

export function yamlKey(key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
}

function isFlat(value: unknown): boolean {
  return value === null || typeof value !== 'object' || (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object'));
}

/** The lines of a mapping's entries as a YAML block at `indent` spaces (no trailing newline). */
export function yamlBlock(value: Readonly<Record<string, unknown>>, indent: number): string {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (isFlat(child) || (typeof child === 'object' && child !== null && Object.keys(child).length === 0)) {
      lines.push(`${pad}${yamlKey(key)}: ${yamlScalar(child)}`);
    } else if (Array.isArray(child)) {
      lines.push(`${pad}${yamlKey(key)}:`);
      for (const item of child) {
        if (isFlat(item)) lines.push(`${pad}  - ${yamlScalar(item)}`);
        else {
          const block = yamlBlock(item as Record<string, unknown>, indent + 4);
          lines.push(`${pad}  - ${block.trimStart()}`);
        }
      }
    } else {
      lines.push(`${pad}${yamlKey(key)}:`);
      lines.push(yamlBlock(child as Record<string, unknown>, indent + 2));
    }
  }
  return lines.join('\n');
}

/** JSON text of a value whose continuation lines start at `indent` spaces. */
export function jsonAt(value: unknown, indent: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${' '.repeat(indent)}`);
}

/** Escapes text for use inside an LSP snippet (outside placeholders). */
export function snippetEscape(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}

/** Escapes one option of a snippet choice `${1|a,b|}`. */
export function snippetChoiceEscape(text: string): string {
  return text.replace(/[\\$},|]/g, (c) => `\\${c}`);
}
