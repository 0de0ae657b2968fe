import type { DType } from '@tensile/core';
import { WGSL_TYPE } from './elementwise.wgsl.js';
import { MATH, META } from './math.wgsl.js';

/**
 * cumsum/cumprod and sort along the middle axis of a contiguous [outer, n, inner] view.
 *
 * Scans run one invocation per line, serially, in the cpu backend's order.
 * Uniform slots: [0] lines, [1] n, [2] inner, [3] input offset, [4] output offset.
 *
 * sort is a bitonic network over lines padded to P = 2^ceil(log2 n), in
 * scratch buffers of keys and original positions: `sortInit` loads, one
 * `sortStep` per (k, j) stage compare-exchanges, `sortFinal` writes values and
 * int32 indices back. The order compares (key, position), so it is a strict
 * total order and the result is stable; NaN sorts as the largest value (last
 * ascending, first descending) and padding always last.
 * Uniform slots: [0] invocations, [1] P, [2] k, [3] j, [4] n, [5] descending,
 * [6] inner, [7] input/values offset, [8] indices offset.
 */

export function scanSource(dtype: DType, isProd: boolean): string {
  const T = WGSL_TYPE[dtype];
  return `${META}
@group(0) @binding(1) var<storage, read> x: array<${T}>;
@group(0) @binding(2) var<storage, read_write> out: array<${T}>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let line = linear_id(wid, nwg, lid, 64u);
  if (line >= M(0u)) { return; }
  let n = M(1u);
  let inner = M(2u);
  let base = (line / inner) * n * inner + line % inner;
  var acc = ${T}(${isProd ? 1 : 0});
  for (var j = 0u; j < n; j = j + 1u) {
    let p = base + j * inner;
    acc = acc ${isProd ? '*' : '+'} x[M(3u) + p];
    out[M(4u) + p] = acc;
  }
}
`;
}

const HEAD = /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = linear_id(wid, nwg, lid, 64u);
  if (t >= M(0u)) { return; }
  let p = M(1u);
  let n = M(4u);
  let inner = M(6u);`;

export function sortInitSource(dtype: DType): string {
  const T = WGSL_TYPE[dtype];
  return `${META}
@group(0) @binding(1) var<storage, read> x: array<${T}>;
@group(0) @binding(2) var<storage, read_write> keys: array<${T}>;
@group(0) @binding(3) var<storage, read_write> ids: array<u32>;
${HEAD}
  let line = t / p;
  let j = t % p;
  ids[t] = j;
  if (j < n) { keys[t] = x[M(7u) + ((line / inner) * n + j) * inner + line % inner]; } else { keys[t] = ${T}(0); }
}
`;
}

export function sortStepSource(dtype: DType): string {
  const T = WGSL_TYPE[dtype];
  const nanCheck =
    dtype === 'float32'
      ? `let na = is_nan(ka);
  let nb = is_nan(kb);
  if (na != nb) { return select(nb, na, desc); }
  if (na) { return ia < ib; }`
      : '';
  return `${META}${MATH}
@group(0) @binding(1) var<storage, read_write> keys: array<${T}>;
@group(0) @binding(2) var<storage, read_write> ids: array<u32>;
// Whether (ka, ia) comes before (kb, ib) in the output.
fn before(ka: ${T}, ia: u32, kb: ${T}, ib: u32, n: u32, desc: bool) -> bool {
  let pa = ia >= n;
  let pb = ib >= n;
  if (pa != pb) { return pb; }
  if (pa) { return ia < ib; }
  ${nanCheck}
  if (ka != kb) { return select((ka < kb), (ka > kb), desc); }
  return ia < ib;
}
${HEAD}
  let k = M(2u);
  let j = M(3u);
  let half = p / 2u;
  let base = (t / half) * p;
  let q = t % half;
  let i = (q / j) * 2u * j + q % j;
  let l = i + j;
  let ka = keys[base + i];
  let ia = ids[base + i];
  let kb = keys[base + l];
  let ib = ids[base + l];
  let desc = M(5u) != 0u;
  let ascending = (i & k) == 0u;
  if (select(before(ka, ia, kb, ib, n, desc), before(kb, ib, ka, ia, n, desc), ascending)) {
    keys[base + i] = kb;
    ids[base + i] = ib;
    keys[base + l] = ka;
    ids[base + l] = ia;
  }
}
`;
}

export function sortFinalSource(dtype: DType): string {
  const T = WGSL_TYPE[dtype];
  return `${META}
@group(0) @binding(1) var<storage, read> keys: array<${T}>;
@group(0) @binding(2) var<storage, read> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> values: array<${T}>;
@group(0) @binding(4) var<storage, read_write> indices: array<i32>;
${HEAD}
  let line = t / n;
  let j = t % n;
  let at = ((line / inner) * n + j) * inner + line % inner;
  values[M(7u) + at] = keys[line * p + j];
  indices[M(8u) + at] = i32(ids[line * p + j]);
}
`;
}
