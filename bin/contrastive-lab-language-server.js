#!/usr/bin/env node
// The Contrastive Lab language server, speaking LSP (use --stdio from other editors).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const bundle = join(__dirname, '..', 'dist', 'language-server.js');
if (!existsSync(bundle)) {
  process.stderr.write(`contrastive-lab-language-server: ${bundle} is missing; build it first with \`npm run build\` in ${join(__dirname, '..')}.\n`);
  process.exit(1);
}
require(bundle);
