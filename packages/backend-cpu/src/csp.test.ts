// CSP-safe: nothing in the cpu backend, or in what the `tensile` umbrella ships with it, compiles code
// at run time, so a page whose Content-Security-Policy forbids 'unsafe-eval' can import `tensile`
// (the browser check is packages/tensile/test/csp.test.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const packages = fileURLToPath(new URL('../../', import.meta.url));
const SHIPPED = ['backend-cpu', 'core', 'nn', 'optim', 'tensile'];
// new Function(...), Function('...'), eval of an argument (not Module's eval() method) and string timers.
const EVAL = /\bnew\s+Function\s*\(|(?<![.\w])Function\s*\(\s*['"`]|(?<![.\w$])eval\s*\(\s*[^\s)]|\bset(?:Timeout|Interval)\s*\(\s*['"`]/;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|js|mjs)$/.test(f) && !/\.test\.ts$/.test(f) && !f.endsWith('.d.ts') ? [p] : [];
  });
}

test('no shipped source or build of the cpu backend, core, nn, optim or tensile evaluates code from strings', () => {
  const checked = SHIPPED.flatMap((p) => [...files(join(packages, p, 'src')), ...files(join(packages, p, 'dist'))]);
  expect(checked.length).toBeGreaterThan(20);
  const offenders = checked.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((line, i) => (EVAL.test(line) ? [`${f.slice(packages.length)}:${i + 1}: ${line.trim().slice(0, 120)}`] : [])),
  );
  expect(offenders).toEqual([]);
});
