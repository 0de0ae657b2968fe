import { CHUNK_DECL, lineShare, REDUCE_WG, treeFold } from './reduce.wgsl.js';
import { MATH, META } from './math.wgsl.js';

export type SoftmaxVariant = 'softmax' | 'logSoftmax' | 'softmaxBackward' | 'logSoftmaxBackward';

/**
 * softmax / logSoftmax and their gradients along the middle axis of
 * contiguous float32 [outer, n, inner] lines: one workgroup per line, whose
 * invocations fold strided shares and combine them by a tree in workgroup
 * memory, as the reduce kernels do, so the sums round as the composite's.
 * The forward shifts by the NaN-propagating max (0 where it is infinite);
 * the gradients read (g, y). `inPlace`: the forward reads its input from
 * `out` (a strided input copied there first); each invocation reads an
 * element before writing it. Uniform slots: [0] lines, [1] n, [2] inner,
 * [3] out offset, [4] x (or g) offset, [5] y offset.
 */
export function softmaxSource(variant: SoftmaxVariant, inPlace: boolean): string {
  const backward = variant.endsWith('Backward');
  const log = variant.startsWith('log');
  const X = inPlace ? 'out' : 'x';
  const inputs = inPlace
    ? ''
    : backward
      ? '@group(0) @binding(1) var<storage, read> x: array<f32>;\n@group(0) @binding(2) var<storage, read> y: array<f32>;'
      : '@group(0) @binding(1) var<storage, read> x: array<f32>;';
  const outBinding = inPlace ? 1 : backward ? 3 : 2;
  const at = (arr: string, slot: number) => `${arr}[M(${slot}u) + base + j * inner]`;
  // The line's partial results (in a block of its own): a fold over a strided share, then the tree; sv[0] holds the total.
  const total = (init: string, step: string, combine: (a: string, b: string) => string) => `{
  var acc = ${init};
  ${lineShare('n', step)}
  sv[lid] = acc;
  ${treeFold(combine)}
  }`;
  let body: string;
  if (!backward) {
    const xj = at(X, 4);
    body = `${total('-f_inf()', `acc = t_max(acc, ${xj});`, (a, b) => `t_max(${a}, ${b})`)}
  var m = sv[0];
  if (is_inf(m)) { m = 0.0; }
  workgroupBarrier();
  ${total('0.0', `acc = acc + t_exp(${xj} - m);`, (a, b) => `${a} + ${b}`)}
  let sum = sv[0];
  ${log ? 'let lse = t_log(sum);' : ''}
  ${lineShare('n', log ? `out[M(3u) + base + j * inner] = (${xj} - m) - lse;` : `out[M(3u) + base + j * inner] = t_div(t_exp(${xj} - m), sum);`)}`;
  } else {
    const g = at('x', 4);
    const y = at('y', 5);
    body = `${total('0.0', log ? `acc = acc + ${g};` : `acc = acc + ${g} * ${y};`, (a, b) => `${a} + ${b}`)}
  let sum = sv[0];
  ${lineShare('n', log ? `out[M(3u) + base + j * inner] = ${g} - t_exp(${y}) * sum;` : `out[M(3u) + base + j * inner] = ${y} * (${g} - sum);`)}`;
  }
  return `${META}${MATH}
${CHUNK_DECL}
${inputs}
@group(0) @binding(${outBinding}) var<storage, read_write> out: array<f32>;
var<workgroup> sv: array<f32, ${REDUCE_WG}>;
@compute @workgroup_size(${REDUCE_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = wid.y * nwg.x + wid.x;
  if (o >= M(0u)) { return; }
  let n = M(1u);
  let inner = M(2u);
  let base = (o / inner) * n * inner + o % inner;
  ${body}
}
`;
}
