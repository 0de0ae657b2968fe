#!/usr/bin/env node
// `node tools/codegen/run.mjs` writes every file the op table implies;
// `--check` writes nothing and fails when a committed file differs (CI);
// `--list` prints the generated files' paths (it needs no npm install).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadSources, path } from './src/sources.mjs';
import { generate, generatedFiles } from './src/targets.mjs';

if (process.argv.includes('--list')) {
  console.log(generatedFiles().join('\n'));
  process.exit(0);
}
const check = process.argv.includes('--check');
const stale = [];
let files;
// Some generated files (core's ops and methods) are sources of others (the porting page reads the
// package's exports), so writing goes on until a pass changes nothing.
for (let pass = 0; pass < 3; pass++) {
  files = generate(await loadSources());
  let wrote = false;
  for (const [rel, text] of Object.entries(files)) {
    const file = path(rel);
    const now = existsSync(file) ? readFileSync(file, 'utf8') : null;
    if (now === text) continue;
    if (check) stale.push(rel);
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      console.error(`codegen: wrote ${rel}`);
      wrote = true;
    }
  }
  if (check || !wrote) break;
}
if (stale.length > 0) {
  console.error(`codegen: generated files are stale (run npm run codegen):\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
if (check) console.error(`codegen: ${Object.keys(files).length} generated files are current`);
