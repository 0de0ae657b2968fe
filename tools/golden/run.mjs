#!/usr/bin/env node
// Runs the golden generator with a Python that has PyTorch: `node run.mjs OUTDIR` writes the set,
// `node run.mjs --check DIR` regenerates it into a temporary folder and fails on any difference.
// Both also cover pytorch-names.json, PyTorch's public names (torch_names.py), which tools/codegen
// turns into docs/porting.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const generator = join(here, 'generate.py');
// PyTorch's public names, for the "Porting from PyTorch" page that tools/codegen writes (docs/porting.md).
const namesScript = join(here, 'torch_names.py');
const namesFile = join(here, 'pytorch-names.json');

/** Debian's python3-torch installs into the system Python, which a pyenv or venv python3 on PATH may hide. */
function findPython() {
  const candidates = [process.env.TENSILE_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { py, version: r.stdout.trim() };
  }
  console.error(`golden: no Python with PyTorch found (tried ${candidates.join(', ')}); install it with: apt-get install -y python3-torch`);
  process.exit(2);
}

function generate(out, extra) {
  const { py, version } = findPython();
  console.error(`golden: ${py} with torch ${version}`);
  const r = spawnSync(py, [generator, out, ...extra], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function dumpNames(out) {
  const { py } = findPython();
  const r = spawnSync(py, [namesScript, out], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function files(dir) {
  const out = [];
  const walk = (d) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

const args = process.argv.slice(2);
if (args[0] === '--check') {
  const committed = resolve(args[1] ?? join(here, '../../packages/conformance/golden'));
  const fresh = mkdtempSync(join(tmpdir(), 'tensile-golden-check-'));
  try {
    generate(fresh, []);
    // The format README is hand-written documentation, not generated.
    const want = files(committed).filter((f) => f !== 'README.md');
    const got = files(fresh);
    const problems = [];
    for (const f of want) if (!got.includes(f)) problems.push(`${f}: committed, but the generator no longer writes it`);
    for (const f of got) {
      if (!want.includes(f)) problems.push(`${f}: written by the generator, but not committed`);
      else if (!readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f)))) problems.push(`${f}: differs from a fresh generation`);
    }
    const freshNames = `${fresh}-pytorch-names.json`;
    try {
      dumpNames(freshNames);
      if (!existsSync(namesFile) || !readFileSync(freshNames).equals(readFileSync(namesFile))) problems.push(`${relative(process.cwd(), namesFile)}: differs from a fresh dump of PyTorch's names`);
    } finally {
      rmSync(freshNames, { force: true });
    }
    if (problems.length > 0) {
      console.error(`golden: the committed set is stale (run npm run golden):\n  ${problems.join('\n  ')}`);
      process.exit(1);
    }
    console.error(`golden: ${got.length} files match a fresh generation`);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
} else {
  if (args.length === 0) {
    console.error('usage: node run.mjs OUTDIR [--only KIND]... | node run.mjs --check [DIR]');
    process.exit(2);
  }
  generate(resolve(args[0]), args.slice(1));
  // The whole set (no --only) comes with PyTorch's names for the porting page.
  if (!args.includes('--only')) {
    dumpNames(namesFile);
    console.error(`golden: wrote ${relative(process.cwd(), namesFile)}`);
  }
}
