import { defineConfig, type Options } from 'tsup';

/** The build every package shares: ESM with bundled .d.ts and source maps; `overrides` for a package's extra entries. */
export function library(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    ...overrides,
  });
}
