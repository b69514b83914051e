// `# yaml-language-server: $schema=<url>` modelines (the Red Hat YAML extension's convention). A
// modeline naming our schema is fine; one naming another schema means the file is not ours to check.

export interface Modeline {
  readonly schema: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

const MODELINE = /^\s*#\s*yaml-language-server\s*:\s*\$schema\s*=\s*(\S+)/;
/** Modelines are read from the leading comment lines only: a spec's header, not its body. */
const MAX_LINES_SCANNED = 50;

export function findModeline(text: string): Modeline | undefined {
  let offset = 0;
  for (let line = 0; line < MAX_LINES_SCANNED && offset <= text.length; line++) {
    const end = text.indexOf('\n', offset);
    const content = text.slice(offset, end < 0 ? text.length : end);
    const match = MODELINE.exec(content);
    if (match) return { schema: match[1]!, line, start: content.indexOf('#'), end: content.trimEnd().length };
    if (content.trim() !== '' && !content.trimStart().startsWith('#') && !content.startsWith('---')) return undefined;
    if (end < 0) break;
    offset = end + 1;
  }
  return undefined;
}

/** Whether a modeline's schema reference means the Contrastive Lab experiment schema. */
export function isOurSchema(reference: string, schemaId: string): boolean {
  const cleaned = reference.replace(/^['"]|['"]$/g, '');
  return cleaned === schemaId || /(^|[/\\])experiment\.schema\.json$/.test(cleaned);
}
