// Measures the wasm kernel module's float32 matmul (sgemm) in GFLOP/s, one thread.
// Usage: node scripts/sgemm-bench.mjs [size=512] [repeats=20]
import { readFileSync } from 'node:fs';
import { generatedPath } from './wasm-build.mjs';

const n = Number(process.argv[2] ?? 512);
const repeats = Number(process.argv[3] ?? 20);
const b64 = [...readFileSync(generatedPath, 'utf8').matchAll(/'([A-Za-z0-9+/=]+)'/g)].map((m) => m[1]).join('');
const module = await WebAssembly.compile(Buffer.from(b64, 'base64'));
// The float64 math the module imports, by name, from Math (as the backend's loader does).
const env = Object.fromEntries(WebAssembly.Module.imports(module).map(({ name }) => [name, Math[name]]));
const instance = await WebAssembly.instantiate(module, { env });
const k = instance.exports;

// Operands placed by hand above the heap base (the benchmark bypasses the backend's allocator).
const bytes = n * n * 4;
const ws = k.tn_matmul_workspace(0, n, n, n);
const base = Math.ceil(k.__heap_base.value / 64) * 64;
const [a, b, c, w] = [base, base + bytes, base + 2 * bytes, base + 3 * bytes];
const need = w + ws - k.memory.buffer.byteLength;
if (need > 0) k.memory.grow(Math.ceil(need / 65536));
const f32 = new Float32Array(k.memory.buffer);
for (let i = 0; i < n * n; i++) {
  f32[a / 4 + i] = Math.random() - 0.5;
  f32[b / 4 + i] = Math.random() - 0.5;
}
const run = () => k.tn_matmul(0, 1, n, n, n, a, 0, n, 1, b, 0, n, 1, c, w);
for (let i = 0; i < 3; i++) run();
let best = Infinity;
for (let i = 0; i < repeats; i++) {
  const t0 = performance.now();
  run();
  best = Math.min(best, performance.now() - t0);
}
console.log(`sgemm ${n}x${n}x${n}: best ${best.toFixed(2)} ms, ${((2 * n ** 3) / (best * 1e6)).toFixed(1)} GFLOP/s (wasm SIMD128, 1 thread)`);
