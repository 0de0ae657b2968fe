import type { DType } from '@tensile/core';
import { WGSL_TYPE } from './elementwise.wgsl.js';
import { META } from './math.wgsl.js';

/**
 * Tiled batched matmul: a 16x16 workgroup computes a 16x16 tile of C, staging
 * 16x16 tiles of A and B in workgroup memory so each global element is read
 * once per tile instead of once per output. Operands are read through their
 * strides (transposed and batch-broadcast views cost nothing).
 * A dispatch covers K from [13] to [14]: Mesa 22's llvmpipe ends every loop
 * of a shader once all its loops together ran 65535 iterations (see
 * reduce.wgsl.ts), and each 16-wide step of K costs 1 to 17 of them, so K
 * goes in chunks of K_CHUNK, each dispatch after the first adding to C
 * ([15] = 1): the same additions in the same order as one loop over K.
 * Uniform slots: [0] M, [1] K, [2] N, [3] first batch of this dispatch,
 * [4] A offset, [5] B offset, [6] C offset, [7..9] A strides (batch, row, col),
 * [10..12] B strides, [13] first k, [14] end k, [15] accumulate into C.
 */

export const TILE = 16;
/** K per dispatch: 1024 steps of 17 loop iterations, far below llvmpipe's 65535. */
export const K_CHUNK = 16384;

/**
 * `bias` (linear's fused kernel): float32 only, a bias vector at binding 3
 * (C moves to 4) added to each row as the last chunk of K stores, as
 * linear's composite adds it to the finished product: [16] its offset, [17] its stride.
 */
export function matmulSource(dtype: DType, bias = false): string {
  const T = WGSL_TYPE[dtype];
  const acc = dtype === 'bool' ? 'u32' : T;
  const store = dtype === 'bool' ? 'select(0u, 1u, acc != 0u)' : 'acc';
  return `${META}
@group(0) @binding(1) var<storage, read> a: array<${T}>;
@group(0) @binding(2) var<storage, read> b: array<${T}>;
${bias ? `@group(0) @binding(3) var<storage, read> bias: array<${T}>;\n` : ''}@group(0) @binding(${bias ? 4 : 3}) var<storage, read_write> c: array<${T}>;
var<workgroup> ta: array<array<${T}, ${TILE}>, ${TILE}>;
var<workgroup> tb: array<array<${T}, ${TILE}>, ${TILE}>;
@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let m = M(0u);
  let kk = M(1u);
  let n = M(2u);
  let batch = M(3u) + wid.z;
  let row = wid.y * ${TILE}u + lid.y;
  let col = wid.x * ${TILE}u + lid.x;
  let abase = M(4u) + batch * M(7u);
  let bbase = M(5u) + batch * M(10u);
  let out = M(6u) + (batch * m + row) * n + col;
  var acc = ${acc}(0);
  if (M(15u) != 0u && row < m && col < n) { acc = c[out]; }
  for (var t = M(13u); t < M(14u); t = t + ${TILE}u) {
    let ak = t + lid.x;
    var av = ${T}(0);
    if (row < m && ak < kk) { av = a[abase + row * M(8u) + ak * M(9u)]; }
    ta[lid.y][lid.x] = av;
    let bk = t + lid.y;
    var bv = ${T}(0);
    if (bk < kk && col < n) { bv = b[bbase + bk * M(11u) + col * M(12u)]; }
    tb[lid.y][lid.x] = bv;
    workgroupBarrier();
    for (var k = 0u; k < ${TILE}u; k = k + 1u) { acc = acc + ta[lid.y][k] * tb[k][lid.x]; }
    workgroupBarrier();
  }
  ${bias ? 'if (M(14u) == kk && col < n) { acc = acc + bias[M(16u) + col * M(17u)]; }' : ''}
  if (row < m && col < n) { c[out] = ${store}; }
}
`;
}
