import { MATH, META } from './math.wgsl.js';

/**
 * One Adam step in place over contiguous float32 param, grad, expAvg,
 * expAvgSq (and maxExpAvgSq with amsgrad), op by op as core's composite and
 * with this backend's own division, square root and NaN-propagating max.
 * Uniform slots: [0] n, [1] flags (1 weight decay, 2 decoupled, 4 maximize),
 * [2..6] the tensors' offsets, [8..16] float32 scalars: beta1, 1 - beta1,
 * beta2, 1 - beta2, weightDecay, 1 - lr * weightDecay, -stepSize,
 * bias2Sqrt, eps.
 */
export function adamSource(amsgrad: boolean): string {
  return `${META}${MATH}
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> exp_avg: array<f32>;
@group(0) @binding(4) var<storage, read_write> exp_avg_sq: array<f32>;
${amsgrad ? '@group(0) @binding(5) var<storage, read_write> max_sq: array<f32>;' : ''}
fn S(i: u32) -> f32 { return bitcast<f32>(M(8u + i)); }
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_id(wid, nwg, lid, 64u);
  if (i >= M(0u)) { return; }
  let flags = M(1u);
  var p = param[M(2u) + i];
  var d = grad[M(3u) + i];
  if ((flags & 4u) != 0u) { d = -d; }
  if ((flags & 1u) != 0u) {
    if ((flags & 2u) != 0u) { p = p * S(5u); } else { d = d + p * S(4u); }
  }
  let m = exp_avg[M(4u) + i] * S(0u) + d * S(1u);
  var v = exp_avg_sq[M(5u) + i] * S(2u) + (d * d) * S(3u);
  exp_avg[M(4u) + i] = m;
  exp_avg_sq[M(5u) + i] = v;
  ${amsgrad ? 'v = t_max(max_sq[M(6u) + i], v); max_sq[M(6u) + i] = v;' : ''}
  let denom = t_div(t_sqrt(v), S(7u)) + S(8u);
  param[M(2u) + i] = p + t_div(m, denom) * S(6u);
}
`;
}
