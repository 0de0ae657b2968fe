import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkgs = fileURLToPath(new URL('./packages/', import.meta.url));

// One run over every package. Workspace packages resolve to their sources,
// so tests exercise src/ without a stale dist/.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tensile\/conformance\/(testkit|vitest)$/, replacement: `${pkgs}conformance/src/$1.ts` },
      { find: /^@tensile\/([a-z-]+)$/, replacement: `${pkgs}$1/src/index.ts` },
      { find: /^tensile$/, replacement: `${pkgs}tensile/src/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'tools/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
