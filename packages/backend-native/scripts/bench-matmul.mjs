// Measures the addon's float32 GEMM (C = A B, all n x n) in GFLOP/s, per ISA
// and thread count: `node scripts/bench-matmul.mjs [n] [threads...]`. Reports
// the best of many runs, so other load on the machine shows less.
import { createRequire } from 'node:module';

const addon = createRequire(import.meta.url)('../build/Release/tensile_native.node');
const n = Number(process.argv[2] ?? 512);
const threadCounts = process.argv.slice(3).map(Number);
const P = addon.params;

function put(i, handle, shape) {
  P[i] = handle;
  P[i + 1] = 0;
  P[i + 2] = shape.length;
  let stride = 1;
  const strides = shape.map(() => 0);
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  shape.forEach((s, d) => {
    P[i + 3 + d] = s;
    P[i + 3 + shape.length + d] = strides[d];
  });
  return i + 3 + 2 * shape.length;
}

const data = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
const a = addon.upload(data, 0);
const b = addon.upload(data, 0);
const c = addon.alloc(0, n * n);
const shape = [1, n, n];
function run() {
  put(put(put(1, a, shape), b, shape), c, shape);
  addon.matmul();
  if (P[0] !== 0) throw new Error(addon.lastError().message);
}

for (const isa of ['avx2', 'base']) {
  if (!addon.setIsa(isa)) continue;
  for (const t of threadCounts.length ? threadCounts : [1, addon.threads()]) {
    addon.setThreads(t);
    for (let i = 0; i < 3; i++) run();
    const reps = Math.max(5, Math.round(4e9 / (2 * n ** 3)));
    let s = Infinity;
    for (let i = 0; i < reps; i++) {
      const t0 = process.hrtime.bigint();
      run();
      s = Math.min(s, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    console.log(`${isa} ${n}^3 threads=${t}: ${((2 * n ** 3) / s / 1e9).toFixed(1)} GFLOP/s`);
  }
}
