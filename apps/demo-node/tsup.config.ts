import { defineConfig } from 'tsup';

export default defineConfig({
  // child.ts is started as a process of its own (see src/backends.ts), so it is an entry too.
  entry: ['src/cli.ts', 'src/child.ts'],
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
