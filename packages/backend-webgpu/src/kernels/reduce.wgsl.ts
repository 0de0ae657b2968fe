import type { DType, ReduceOp } from '@tensile/core';
import { WGSL_TYPE } from './elementwise.wgsl.js';
import { MATH, META } from './math.wgsl.js';

/**
 * Reductions over the middle axis of a contiguous [outer, r, inner] view: one
 * workgroup per output element; each of its 64 invocations folds a strided
 * share of r serially, then a tree in workgroup memory combines the 64
 * partial results (pairwise, so float sums drift like log2 of r, not r).
 * (The per-invocation loop is nested so no loop runs more than 65535 times,
 * Mesa's llvmpipe's silent limit.) Extremes carry (value, index) pairs: NaN wins (max and min propagate it),
 * ties keep the smaller index, so argmax/argmin return the first extreme.
 * Uniform slots: [0] outputs, [1] r, [2] inner, [3] input offset, [4] output offset.
 */

export const REDUCE_WG = 64;

/** Rows are walked in chunks so no loop runs more than 65535 times (llvmpipe's limit). */
export const CHUNK_DECL = `const CHUNK: u32 = ${REDUCE_WG * 65535}u;`;

/** Each invocation's strided share of a line of `n` elements (chunked, see CHUNK_DECL); `body` sees j. */
export function lineShare(n: string, body: string): string {
  return `for (var j0 = 0u; j0 < ${n}; j0 = j0 + CHUNK) {
    for (var j = j0 + lid; j < min(${n}, j0 + CHUNK); j = j + ${REDUCE_WG}u) { ${body} }
  }`;
}

/** Folds the workgroup's partial results sv[lid] pairwise into sv[0] (so float sums drift like log2 of the line). */
export function treeFold(combine: (a: string, b: string) => string): string {
  return `workgroupBarrier();
  for (var s = ${REDUCE_WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sv[lid] = ${combine('sv[lid]', 'sv[lid + s]')}; }
    workgroupBarrier();
  }`;
}

export function reduceSource(op: ReduceOp, x: DType, subgroups: boolean): string {
  const T = WGSL_TYPE[x];
  const isSum = op === 'sum' || op === 'prod';
  const outT = op === 'argmax' || op === 'argmin' ? 'i32' : T;
  const nan = x === 'float32' ? 'is_nan' : 'no_nan';
  const better = op === 'amax' || op === 'argmax' ? '>' : '<';
  const combine = isSum
    ? `fn combine(a: ${T}, b: ${T}) -> ${T} { return a ${op === 'sum' ? '+' : '*'} b; }`
    : /* wgsl */ `
// Is (vb, ib) preferred to (va, ia)? An empty slot (index 0xffffffff) never is, and always loses.
fn prefer(va: ${T}, ia: u32, vb: ${T}, ib: u32) -> bool {
  if (ib == EMPTY) { return false; }
  if (ia == EMPTY) { return true; }
  let na = ${nan}(va);
  let nb = ${nan}(vb);
  if (na || nb) { return nb && (!na || ib < ia); }
  return (vb ${better} va) || (vb == va && ib < ia);
}`;
  const identity = op === 'prod' ? `${T}(1)` : `${T}(0)`;
  // With subgroups, each subgroup folds its partial results in registers and one
  // invocation per subgroup hands the result on; otherwise a tree in workgroup memory.
  const fold = subgroups
    ? `sv[lid] = select(${identity}, subgroup${op === 'sum' ? 'Add' : 'Mul'}(acc), sid == 0u);
  workgroupBarrier();
  if (lid == 0u) {
    var total = ${identity};
    for (var k = 0u; k < ${REDUCE_WG}u; k = k + 1u) { total = combine(total, sv[k]); }
    out[M(4u) + o] = total;
  }`
    : `sv[lid] = acc;
  ${treeFold((a, b) => `combine(${a}, ${b})`)}
  if (lid == 0u) { out[M(4u) + o] = sv[0]; }`;
  const body = isSum
    ? /* wgsl */ `
  var acc = ${identity};
  ${lineShare('r', 'acc = combine(acc, x[base + j * inner]);')}
  ${fold}`
    : /* wgsl */ `
  var v = ${identity};
  var vi = EMPTY;
  ${lineShare('r', 'let y = x[base + j * inner]; if (prefer(v, vi, y, j)) { v = y; vi = j; }')}
  sv[lid] = v;
  si[lid] = vi;
  workgroupBarrier();
  for (var s = ${REDUCE_WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s && prefer(sv[lid], si[lid], sv[lid + s], si[lid + s])) { sv[lid] = sv[lid + s]; si[lid] = si[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { out[M(4u) + o] = ${op === 'argmax' || op === 'argmin' ? 'i32(si[0])' : 'sv[0]'}; }`;
  const sg = subgroups && isSum;
  return `${sg ? 'enable subgroups;\n' : ''}${META}${MATH}
const EMPTY: u32 = 0xffffffffu;
${CHUNK_DECL}
fn no_nan(v: ${T}) -> bool { return false; }
${combine}
@group(0) @binding(1) var<storage, read> x: array<${T}>;
@group(0) @binding(2) var<storage, read_write> out: array<${outT}>;
var<workgroup> sv: array<${T}, ${REDUCE_WG}>;
var<workgroup> si: array<u32, ${REDUCE_WG}>;
@compute @workgroup_size(${REDUCE_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32${sg ? ', @builtin(subgroup_invocation_id) sid: u32' : ''}) {
  let o = wid.y * nwg.x + wid.x;
  if (o >= M(0u)) { return; }
  let r = M(1u);
  let inner = M(2u);
  let base = M(3u) + (o / inner) * r * inner + o % inner;
  ${body}
}
`;
}
