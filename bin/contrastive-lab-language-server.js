#!/usr/bin/env node
// The Contrastive Lab language server, speaking LSP (use --stdio from other editors).
require('../dist/language-server.js');
