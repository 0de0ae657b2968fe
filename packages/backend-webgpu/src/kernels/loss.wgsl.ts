import { MATH, META } from './math.wgsl.js';
import { laneCount, laneFold, laneTree, REDUCE_WG } from './reduce.wgsl.js';

/*
 * Cross-entropy's hot path as two kernels around the fused logSoftmax:
 * the reduced nll of contiguous float32 log-probabilities [N, C] at int32
 * targets [N] (one workgroup), and the gradient for the logits (one
 * workgroup per row). Both count the targets that are not ignored in u32
 * (exact), and the forward folds the per-row losses in the reduce kernels'
 * order (laneFold, laneTree), so the sum rounds as the composite's does.
 * Uniform slots: [0] N, [1] C, [2] logp offset, [3] target offset, [4] out
 * offset, [5] ignoreIndex (i32 bits), [6] 1 for 'mean', [7] g offset.
 */

const COUNT = `
var<workgroup> cv: array<u32, ${REDUCE_WG}>;
fn kept_count(lid: u32) -> u32 {
  var c = 0u;
  for (var r = lid; r < M(0u); r = r + ${REDUCE_WG}u) { if (tgt[M(3u) + r] != bitcast<i32>(M(5u))) { c = c + 1u; } }
  cv[lid] = c;
  workgroupBarrier();
  for (var h = ${REDUCE_WG / 2}u; h >= 1u; h = h / 2u) {
    if (lid < h) { cv[lid] = cv[lid] + cv[lid + h]; }
    workgroupBarrier();
  }
  return cv[0];
}`;

export function nllReducedSource(): string {
  // The loss of row r: -logp[r, t], 0 where t is ignored (or outside [0, C): the index check reports those).
  const loss = (q: string) => `row_loss(${q} * ${REDUCE_WG}u + lid)`;
  return `${META}${MATH}
@group(0) @binding(1) var<storage, read> logp: array<f32>;
@group(0) @binding(2) var<storage, read> tgt: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
var<workgroup> sv: array<f32, ${REDUCE_WG}>;
${COUNT}
fn row_loss(r: u32) -> f32 {
  let t = tgt[M(3u) + r];
  if (t == bitcast<i32>(M(5u)) || t < 0 || u32(t) >= M(1u)) { return 0.0; }
  return -logp[M(2u) + r * M(1u) + u32(t)];
}
@compute @workgroup_size(${REDUCE_WG})
fn main(@builtin(local_invocation_index) lid: u32) {
  let n = M(0u);
  let cl = ${laneCount('n')};
  var sum = 0.0;
  ${laneFold('sum', 'f32', '0.0', (a, b) => `(${a} + ${b})`, 'cl', loss)}
  sv[lid] = sum;
  ${laneTree((a, b) => `(${a} + ${b})`)}
  let total = sv[0];
  let kept = kept_count(lid);
  if (lid == 0u) {
    if (M(6u) == 0u) { out[M(4u)] = total; }
    else if (kept == 0u) { out[M(4u)] = f_nan(); }
    else { out[M(4u)] = t_div(total, f32(kept)); }
  }
}
`;
}

/**
 * The gradient for the logits: with s = -g / count ('mean'; 0 when every
 * target is ignored) or -g ('sum') at a kept target and 0 elsewhere, as
 * nllLoss's gradient, row r of the output is logSoftmaxBackward of it:
 * gl[j] - exp(logp[r, j]) * sum(gl) (so a NaN log-probability gives NaN, as the composite).
 */
export function crossEntropyBackwardSource(): string {
  return `${META}${MATH}
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> logp: array<f32>;
@group(0) @binding(3) var<storage, read> tgt: array<i32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
${COUNT}
@compute @workgroup_size(${REDUCE_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = wid.y * nwg.x + wid.x;
  let mean = M(6u) != 0u;
  // Every workgroup counts (uniformly, before any return) so the barriers stay in uniform control flow.
  let kept = select(1u, kept_count(lid), mean);
  if (r >= M(0u)) { return; }
  let c = M(1u);
  let t = tgt[M(3u) + r];
  let keep = t != bitcast<i32>(M(5u)) && t >= 0 && u32(t) < c;
  var scale = g[M(7u)];
  if (mean) { scale = select(0.0, t_div(scale, f32(kept)), kept != 0u); }
  let gl = select(0.0, -scale, keep);
  for (var j = lid; j < c; j = j + ${REDUCE_WG}u) {
    let gj = select(0.0, gl, keep && u32(t) == j);
    out[M(4u) + r * c + j] = gj - t_exp(logp[M(2u) + r * c + j]) * gl;
  }
}
`;
}
