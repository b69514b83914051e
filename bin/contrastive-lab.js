#!/usr/bin/env node
// The contrastive-lab CLI: validate, train, resume, list, neighbors, embed, export, conformance.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const bundle = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(bundle)) {
  process.stderr.write(`contrastive-lab: ${bundle} is missing; build it first with \`npm run build\` in ${join(__dirname, '..')}.\n`);
  process.exit(1);
}
require(bundle);
