import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources ("source" in their
  // exports maps), so `npm run dev` needs no prior build of them.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  // Top-level await in the backends' entries (wasm instantiation).
  build: { target: 'es2022' },
  // The GPT's worker imports the backends lazily and awaits at top level: an ES module worker.
  worker: { format: 'es' },
});
