import type { DType } from '@tensile/core';
import { WGSL_TYPE } from './elementwise.wgsl.js';
import { MATH, META } from './math.wgsl.js';

/**
 * cumsum/cumprod and sort along the middle axis of a contiguous [outer, n, inner] view.
 *
 * Scans go in up to three passes over blocks of SCAN_BLOCK elements of each
 * line (Mesa's llvmpipe silently stops any shader loop after 65535
 * iterations, and long lines want parallelism anyway): `block` scans each
 * block serially and records its total, `carry` turns the totals of each line
 * into exclusive prefixes, `fix` folds each block's prefix into its elements.
 * Lines of at most SCAN_BLOCK elements need only the first pass, in the cpu
 * backend's order. Uniform slots: [0] invocations, [1] n, [2] inner,
 * [3] input offset, [4] output offset, [5] blocks per line.
 *
 * sort is a bitonic network over lines padded to P = 2^ceil(log2 n), in
 * scratch buffers of keys and original positions: `sortInit` loads, one
 * `sortStep` per (k, j) stage compare-exchanges, `sortFinal` writes values and
 * int32 indices back. The order compares (key, position), so it is a strict
 * total order and the result is stable; NaN sorts as the largest value (last
 * ascending, first descending) and padding always last.
 * Lines of at most SORT_LOCAL elements run the whole network in workgroup
 * memory in one dispatch (`sortLocal`).
 * Uniform slots: [0] invocations (sortLocal: lines), [1] P, [2] k, [3] j,
 * [4] n, [5] descending, [6] inner, [7] input offset (sortFinal: values
 * offset), [8] indices offset, [9] values offset (sortLocal).
 */

export const SCAN_BLOCK = 1024;

export type ScanPass = 'block' | 'carry' | 'fix';

export function scanSource(dtype: DType, isProd: boolean, pass: ScanPass): string {
  const T = WGSL_TYPE[dtype];
  const op = isProd ? '*' : '+';
  const identity = `${T}(${isProd ? 1 : 0})`;
  const bindings =
    pass === 'block'
      ? `@group(0) @binding(1) var<storage, read> x: array<${T}>;
@group(0) @binding(2) var<storage, read_write> out: array<${T}>;
@group(0) @binding(3) var<storage, read_write> totals: array<${T}>;`
      : pass === 'carry'
        ? `@group(0) @binding(1) var<storage, read_write> totals: array<${T}>;`
        : `@group(0) @binding(1) var<storage, read> totals: array<${T}>;
@group(0) @binding(2) var<storage, read_write> out: array<${T}>;`;
  const body =
    pass === 'block'
      ? `let line = t / nb;
  let blk = t % nb;
  let base = (line / inner) * n * inner + line % inner;
  var acc = ${identity};
  for (var j = blk * ${SCAN_BLOCK}u; j < min(n, (blk + 1u) * ${SCAN_BLOCK}u); j = j + 1u) {
    let p = base + j * inner;
    acc = acc ${op} x[M(3u) + p];
    out[M(4u) + p] = acc;
  }
  totals[t] = acc;`
      : pass === 'carry'
        ? `var acc = ${identity};
  for (var b = 0u; b < nb; b = b + 1u) {
    let v = totals[t * nb + b];
    totals[t * nb + b] = acc;
    acc = acc ${op} v;
  }`
        : `let line = t / n;
  let j = t % n;
  let blk = j / ${SCAN_BLOCK}u;
  if (blk == 0u) { return; }
  let p = M(4u) + (line / inner) * n * inner + line % inner + j * inner;
  out[p] = totals[line * nb + blk] ${op} out[p];`;
  return `${META}
${bindings}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = linear_id(wid, nwg, lid, 64u);
  if (t >= M(0u)) { return; }
  let n = M(1u);
  let inner = M(2u);
  let nb = M(5u);
  ${body}
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

/** Whether (ka, ia) comes before (kb, ib) in the output: padding last, NaN last ascending and first descending, ties by position. */
function beforeFn(dtype: DType): string {
  const T = WGSL_TYPE[dtype];
  const nanCheck =
    dtype === 'float32'
      ? `let na = is_nan(ka);
  let nb = is_nan(kb);
  if (na != nb) { return select(nb, na, desc); }
  if (na) { return ia < ib; }`
      : '';
  return `fn before(ka: ${T}, ia: u32, kb: ${T}, ib: u32, n: u32, desc: bool) -> bool {
  let pa = ia >= n;
  let pb = ib >= n;
  if (pa != pb) { return pb; }
  if (pa) { return ia < ib; }
  ${nanCheck}
  if (ka != kb) { return select((ka < kb), (ka > kb), desc); }
  return ia < ib;
}`;
}

/** Lines of at most SORT_LOCAL elements sort in one dispatch: a workgroup per line runs the whole network in workgroup memory. */
export const SORT_LOCAL = 512;
const SORT_WG = 256;

export function sortLocalSource(dtype: DType): string {
  const T = WGSL_TYPE[dtype];
  return `${META}${MATH}
@group(0) @binding(1) var<storage, read> x: array<${T}>;
@group(0) @binding(2) var<storage, read_write> values: array<${T}>;
@group(0) @binding(3) var<storage, read_write> indices: array<i32>;
var<workgroup> keys: array<${T}, ${SORT_LOCAL}>;
var<workgroup> ids: array<u32, ${SORT_LOCAL}>;
${beforeFn(dtype)}
@compute @workgroup_size(${SORT_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let line = wid.y * nwg.x + wid.x;
  if (line >= M(0u)) { return; }
  let p = M(1u);
  let n = M(4u);
  let desc = M(5u) != 0u;
  let inner = M(6u);
  let base = (line / inner) * n * inner + line % inner;
  for (var j = lid; j < p; j = j + ${SORT_WG}u) {
    ids[j] = j;
    if (j < n) { keys[j] = x[M(7u) + base + j * inner]; } else { keys[j] = ${T}(0); }
  }
  workgroupBarrier();
  for (var k = 2u; k <= p; k = k * 2u) {
    for (var j = k / 2u; j > 0u; j = j / 2u) {
      for (var q = lid; q < p / 2u; q = q + ${SORT_WG}u) {
        let i = (q / j) * 2u * j + q % j;
        let l = i + j;
        let ka = keys[i];
        let ia = ids[i];
        let kb = keys[l];
        let ib = ids[l];
        if (select(before(ka, ia, kb, ib, n, desc), before(kb, ib, ka, ia, n, desc), (i & k) == 0u)) {
          keys[i] = kb;
          ids[i] = ib;
          keys[l] = ka;
          ids[l] = ia;
        }
      }
      workgroupBarrier();
    }
  }
  for (var j = lid; j < n; j = j + ${SORT_WG}u) {
    values[M(9u) + base + j * inner] = keys[j];
    indices[M(8u) + base + j * inner] = i32(ids[j]);
  }
}
`;
}

export function sortStepSource(dtype: DType): string {
  const T = WGSL_TYPE[dtype];
  return `${META}${MATH}
@group(0) @binding(1) var<storage, read_write> keys: array<${T}>;
@group(0) @binding(2) var<storage, read_write> ids: array<u32>;
${beforeFn(dtype)}
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
