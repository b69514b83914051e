#!/usr/bin/env node
// The contrastive-lab CLI: validate, train, resume, list, neighbors, embed, export.
require('../dist/cli.js');
