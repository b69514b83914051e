// Every diagnostic code links to a section of docs/rules.md; the file must list every rule and be
// what scripts/gen-rule-docs.ts generates from the current RULES.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { renderRuleDocs, RULE_DOCS_PATH } from '../../../scripts/gen-rule-docs';
import { ruleAnchor } from '../../../server/language/diagnostics';
import { RULES } from '../../../server/spec/index';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6} (.+)$/gm)) found.add(match[1]!.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-'));
  return found;
}

it('docs/rules.md is generated from the current rules (run `npx tsx scripts/gen-rule-docs.ts`)', () => {
  assert.equal(readFileSync(RULE_DOCS_PATH, 'utf8'), renderRuleDocs(RULES));
});

it('every code a diagnostic can carry links to an existing section', () => {
  const sections = anchors(readFileSync(RULE_DOCS_PATH, 'utf8'));
  for (const code of [...RULES.map((r) => r.id), 'syntax', 'schema/enum', 'schema/additionalProperties', 'schema/required']) {
    assert.ok(sections.has(ruleAnchor(code)), `${code} → #${ruleAnchor(code)}`);
  }
});
