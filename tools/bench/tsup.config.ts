import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Peers are devDependencies (tsup would bundle them) and backends are optional packages loaded at run time.
  external: [/^@tensorflow\//, /^@tensile\//],
});
