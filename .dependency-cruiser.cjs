// Import cycles among VALUE imports in packages/NAME/src fail `npm run lint` (type-only imports are erased and may form cycles).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-value-cycle',
      severity: 'error',
      comment:
        'A cycle of value imports: modules that need each other at load time. Known ones are listed in .dependency-cruiser-known-violations.json.',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    includeOnly: '^packages/[^/]+/src/',
    // kernels-wasm.ts is the compiled wasm module as one string (no imports); parsing it overflows the stack.
    exclude: { path: ['\\.test\\.ts$', '^packages/backend-wasm/src/generated/kernels-wasm\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'], conditionNames: ['import', 'types', 'default'] },
  },
};
