#!/usr/bin/env node
// The CLI's entry: a plain file in the package (not in dist/), so npm links the bin at install
// time, even in a fresh clone before anything is built.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('tensile-conformance: dist/cli.js is missing; build the package first (npm run build in the repository).');
  process.exit(2);
}
await import(cli.href);
