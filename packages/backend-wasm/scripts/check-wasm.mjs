// Fails when the committed src/generated/kernels-wasm.ts is not what the C sources build to (needs clang and lld).
import { readFileSync } from 'node:fs';
import { buildGenerated, generatedPath } from './wasm-build.mjs';

const committed = readFileSync(generatedPath, 'utf8');
if (buildGenerated() !== committed) {
  console.error(`${generatedPath} is stale: the C sources build to a different module. Run \`npm run build:wasm -w @tensile/backend-wasm\` and commit the result.`);
  process.exit(1);
}
console.log('kernels-wasm.ts matches a rebuild of the C sources');
