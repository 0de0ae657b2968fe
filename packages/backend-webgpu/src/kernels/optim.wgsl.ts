import { MATH, META } from './math.wgsl.js';

/**
 * The frame every step kernel shares: param (binding 1) and grad (2), then the state buffers named
 * in `state` from binding 3 on; S(k) reads float32 scalar k from uniform slot 8 + k; one element
 * per invocation, `i`, with the uniform's flags in `flags`.
 */
function stepShader(state: readonly string[], body: string): string {
  return `${META}${MATH}
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
${state.map((name, k) => `@group(0) @binding(${k + 3}) var<storage, read_write> ${name}: array<f32>;`).join('\n')}
fn S(i: u32) -> f32 { return bitcast<f32>(M(8u + i)); }
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_id(wid, nwg, lid, 64u);
  if (i >= M(0u)) { return; }
  let flags = M(1u);
${body}
}
`;
}

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
  return stepShader(
    ['exp_avg', 'exp_avg_sq', ...(amsgrad ? ['max_sq'] : [])],
    `
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
`,
  );
}

/**
 * One SGD step in place over contiguous float32 param, grad (and the momentum
 * buffer with momentum), op by op as @tensile/optim's composite.
 * Uniform slots: [0] n, [1] flags (1 weight decay, 2 maximize, 4 nesterov,
 * 8 first), [2..4] the tensors' offsets, [8..11] float32 scalars: weightDecay,
 * momentum, 1 - dampening, -lr.
 */
export function sgdSource(momentum: boolean): string {
  return stepShader(
    momentum ? ['buf'] : [],
    `
  let p = param[M(2u) + i];
  var d = grad[M(3u) + i];
  if ((flags & 2u) != 0u) { d = -d; }
  if ((flags & 1u) != 0u) { d = d + p * S(0u); }
  ${
    momentum
      ? `var b = d;
  if ((flags & 8u) == 0u) { b = buf[M(4u) + i] * S(1u) + d * S(2u); }
  buf[M(4u) + i] = b;
  if ((flags & 4u) != 0u) { d = d + b * S(1u); } else { d = b; }`
      : ''
  }
  param[M(2u) + i] = p + d * S(3u);
`,
  );
}

/**
 * One RMSprop step in place over contiguous float32 param, grad, squareAvg
 * (and gradAvg when centered, the momentum buffer with momentum), op by op as
 * @tensile/optim's composite, with this backend's own division and square root.
 * Uniform slots: [0] n, [1] flags (1 weight decay, 2 maximize), [2..6] the
 * tensors' offsets, [8..13] float32 scalars: weightDecay, alpha, 1 - alpha,
 * eps, momentum, -lr.
 */
export function rmspropSource(centered: boolean, momentum: boolean): string {
  const b = centered ? 5 : 4; // the momentum buffer's binding
  return stepShader(
    ['square_avg', ...(centered ? ['grad_avg'] : []), ...(momentum ? ['buf'] : [])],
    `
  let p = param[M(2u) + i];
  var d = grad[M(3u) + i];
  if ((flags & 2u) != 0u) { d = -d; }
  if ((flags & 1u) != 0u) { d = d + p * S(0u); }
  let sq = square_avg[M(4u) + i] * S(1u) + (d * d) * S(2u);
  square_avg[M(4u) + i] = sq;
  ${
    centered
      ? `let ga = grad_avg[M(5u) + i] * S(1u) + d * S(2u);
  grad_avg[M(5u) + i] = ga;
  let avg = t_sqrt(sq + (ga * ga) * -1.0) + S(3u);`
      : 'let avg = t_sqrt(sq) + S(3u);'
  }
  ${
    momentum
      ? `let b = buf[M(${b + 1}u) + i] * S(4u) + t_div(d, avg);
  buf[M(${b + 1}u) + i] = b;
  param[M(2u) + i] = p + b * S(5u);`
      : 'param[M(2u) + i] = p + t_div(d, avg) * S(5u);'
  }
`,
  );
}
