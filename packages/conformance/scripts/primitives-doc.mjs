// Writes the primitive list of the "Writing a backend" guide into README.md from core's op table,
// or with --check, fails when the README's copy is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { PRIMITIVES } from '@tensile/core';

const readme = new URL('../README.md', import.meta.url);
const start = '<!-- primitives:start -->';
const end = '<!-- primitives:end -->';

export function primitivesTable() {
  const rows = Object.entries(PRIMITIVES).map(([name, s]) => `| \`${name}\` | ${s.kind} | ${s.dtype} | ${s.differentiable ? 'yes' : 'no'} | ${s.doc.replace(/\|/g, '\\|')} |`);
  return ['| op | kernel kind | dtype rule | differentiable | what |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

const text = readFileSync(readme, 'utf8');
const i = text.indexOf(start);
const j = text.indexOf(end);
if (i < 0 || j < i) throw new Error('README.md has no primitives markers');
const next = `${text.slice(0, i + start.length)}\n${primitivesTable()}\n${text.slice(j)}`;
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error('packages/conformance/README.md: the primitive list is stale; run npm run docs -w @tensile/conformance');
    process.exit(1);
  }
} else writeFileSync(readme, next);
