import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The shared kernels built natively, as backend-native builds them, at both
 * vector widths: test/check.c compares them with double-precision references.
 * (The wasm build is tested through backend-wasm.)
 */
const dir = fileURLToPath(new URL('..', import.meta.url));
const cc = ['/usr/bin/cc', '/usr/bin/gcc', '/usr/bin/clang'].find((p) => existsSync(p));
const avx2 = existsSync('/proc/cpuinfo') && /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
const out = mkdtempSync(join(tmpdir(), 'tensile-kernels-c-'));
const sources = readdirSync(join(dir, 'src'))
  .filter((f) => f.endsWith('.c'))
  .map((f) => join(dir, 'src', f));

describe.skipIf(cc === undefined)(`kernels-c native build${cc === undefined ? ' (skipped: no C compiler found)' : ''}`, () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const widths = avx2 ? [16, 32] : [16];
  for (const bytes of widths)
    it(`passes its checks with ${bytes}-byte vectors`, () => {
      const exe = join(out, `check${bytes}`);
      const flags = bytes === 32 ? ['-mavx2', '-mfma'] : [];
      execFileSync(cc!, ['-std=c11', '-O3', '-Wall', '-Wextra', '-Werror', ...flags, `-DTN_VECTOR_BYTES=${bytes}`, '-o', exe, join(dir, 'test/check.c'), ...sources, '-lm']);
      expect(execFileSync(exe, { encoding: 'utf8' }).trim()).toBe('0 failed');
    });
});
