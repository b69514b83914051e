// The dependency rules between the parts (.dependency-cruiser.cjs: layers and cycles, type-only
// imports included; .dependency-cruiser-runtime.cjs: what may load, e.g. never tfjs in the language
// server or the extension). A violation fails with dependency-cruiser's own lines: the rule, the
// import and the path that breaks it. The API is used rather than the CLI so one test process runs both rule sets.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '../..');

interface Config {
  readonly forbidden: readonly object[];
  readonly options: object;
}

async function violations(configFile: string, folders: string[]): Promise<{ count: number; report: string }> {
  // dependency-cruiser is ESM only; a variable specifier keeps the import a real one under CommonJS.
  const specifier = 'dependency-cruiser';
  const { cruise } = (await import(specifier)) as { cruise: (files: string[], options: object) => Promise<{ output: string; exitCode: number }> };
  const config = require(join(root, configFile)) as Config;
  const cwd = process.cwd();
  process.chdir(root); // module paths (and the rules' patterns) are relative to the root
  try {
    const result = await cruise(folders, { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden }, outputType: 'err-long' });
    return { count: result.exitCode, report: result.output };
  } finally {
    process.chdir(cwd);
  }
}

test('layers and cycles: every import (types too) follows .dependency-cruiser.cjs', async () => {
  const { count, report } = await violations('.dependency-cruiser.cjs', ['server', 'extension', 'webview']);
  assert.equal(count, 0, `${count} import(s) break the boundaries between the parts:\n${report}`);
});

test('what loads at run time: no tfjs in the language server, the spec pipeline or the extension', async () => {
  const { count, report } = await violations('.dependency-cruiser-runtime.cjs', ['server', 'extension']);
  assert.equal(count, 0, `${count} import chain(s) would load tfjs where it must not:\n${report}`);
});
