// Rebuilds src/generated/kernels-wasm.ts from the C sources (needs clang and lld).
import { writeFileSync } from 'node:fs';
import { buildGenerated, generatedPath } from './wasm-build.mjs';

writeFileSync(generatedPath, buildGenerated());
console.log(`wrote ${generatedPath}`);
