#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the prepare script).
try {
  require('../dist/bin/cli.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/bin/cli.js')) {
    console.error('segnet-uq: the build is missing; run `npm install` (or `npm run build`) in the package folder');
    process.exit(2);
  }
  throw err;
}
