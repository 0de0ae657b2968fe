import { foldSource, laneCount, laneFold, laneTree, REDUCE_WG } from './reduce.wgsl.js';
import { MATH, META } from './math.wgsl.js';

export type SoftmaxVariant = 'softmax' | 'logSoftmax' | 'softmaxBackward' | 'logSoftmaxBackward';

/** The max shift: the NaN-propagating max, 0 where it is -inf (a +inf max is subtracted: inf - inf makes the line NaN, as PyTorch). */
const SHIFT = 'fn shift(m: f32) -> f32 { if (bitcast<u32>(m) == 0xff800000u) { return 0.0; } return m; }';

/** The forward's output from x, the shift m and the sum s of exp(x - m) (for logSoftmax, lse = log(s)). */
const forwardOut = (log: boolean, x: string) => (log ? `(${x} - m) - lse` : `t_div(t_exp(${x} - m), s)`);
/** The gradient from g, y and s, the sum of g * y (softmax) or of g (logSoftmax). */
const backwardOut = (log: boolean, g: string, y: string) => (log ? `${g} - t_exp(${y}) * s` : `${y} * (${g} - s)`);

/**
 * softmax / logSoftmax and their gradients along the middle axis of
 * contiguous float32 [outer, n, inner] lines of at most TILE elements, in one
 * dispatch: one workgroup per line, whose invocations fold their elements
 * and then combine by the tree in workgroup memory exactly as the reduce
 * kernels fold one tile (see reduce.wgsl.ts), so the sums round as the
 * composite's do. The forward shifts by the NaN-propagating max (0 where it
 * is -inf); the gradients read (g, y). `inPlace`: the forward reads its
 * input from `out` (a strided input copied there first); each invocation
 * reads an element before writing it. Each invocation loops at most about
 * 3 x PER_LANE times, far below llvmpipe's budget. Uniform slots: [0] lines,
 * [1] n, [2] inner, [3] out offset, [4] x (or g) offset, [5] y offset.
 * Longer lines go in passes (softmaxLong* below).
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
  const at = (q: string) => `base + (${q} * ${REDUCE_WG}u + lid) * inner`;
  const add = (a: string, b: string) => `(${a} + ${b})`;
  const each = (body: (q: string) => string) => `for (var q = 0u; q < cl; q = q + 1u) { ${body('q')} }`;
  let body: string;
  if (!backward) {
    const xq = (q: string) => `${X}[M(4u) + ${at(q)}]`;
    body = `var mx = -f_inf();
  ${each((q) => `mx = t_max(mx, ${xq(q)});`)}
  sv[lid] = mx;
  ${laneTree((a, b) => `t_max(${a}, ${b})`)}
  let m = shift(sv[0]);
  workgroupBarrier();
  var sum = 0.0;
  ${laneFold('sum', 'f32', '0.0', add, 'cl', (q) => `t_exp(${xq(q)} - m)`)}
  sv[lid] = sum;
  ${laneTree(add)}
  let s = sv[0];
  ${log ? 'let lse = t_log(s);' : ''}
  ${each((q) => `let xv = ${xq(q)}; out[M(3u) + ${at(q)}] = ${forwardOut(log, 'xv')};`)}`;
  } else {
    const g = (q: string) => `x[M(4u) + ${at(q)}]`;
    const y = (q: string) => `y[M(5u) + ${at(q)}]`;
    body = `var sum = 0.0;
  ${laneFold('sum', 'f32', '0.0', add, 'cl', (q) => (log ? g(q) : `${g(q)} * ${y(q)}`))}
  sv[lid] = sum;
  ${laneTree(add)}
  let s = sv[0];
  ${each((q) => `out[M(3u) + ${at(q)}] = ${backwardOut(log, g(q), y(q))};`)}`;
  }
  return `${META}${MATH}
${SHIFT}
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
  let cl = ${laneCount('n')};
  ${body}
}
`;
}

/*
 * Lines longer than one tile go in passes, each a tree reduction in the
 * reduce kernels' order (treeReduce in reduce.ts), into per-line scratch:
 * the forward's max (softmaxLongMaxSource, every pass), then the sum of
 * exp(x - shift) or of g * y / g (softmaxLongSumSource for the first pass,
 * the float32 sum's source after), then one invocation per element writes
 * the result (softmaxLongWriteSource).
 */

/** A pass of the per-line NaN-propagating max: input [3] offset (the forward's x, or out when in place), partial results or the line maxima out. */
export function softmaxLongMaxSource(): string {
  return foldSource({
    S: 'f32',
    identity: '-f_inf()',
    combine: (a, b) => `t_max(${a}, ${b})`,
    decls: `@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;`,
    load: (j) => `x[M(3u) + base + (${j}) * inner]`,
    store: (v) => `out[M(4u) + g] = ${v};`,
  });
}

/** The first pass of the per-line sum: of exp(x - shift(max)) (forward; x at offset [3]), or of g * y / g (gradients; g at [3], y at [6]). */
export function softmaxLongSumSource(variant: SoftmaxVariant): string {
  const backward = variant.endsWith('Backward');
  const log = variant.startsWith('log');
  const x = (j: string) => `x[M(3u) + base + (${j}) * inner]`;
  const y = (j: string) => `y[M(6u) + base + (${j}) * inner]`;
  return foldSource({
    S: 'f32',
    identity: '0.0',
    combine: (a, b) => `(${a} + ${b})`,
    decls: `${SHIFT}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> ${backward ? 'y' : 'mx'}: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;`,
    prologue: backward ? '' : 'let m = shift(mx[o]);',
    load: backward ? (j) => (log ? x(j) : `${x(j)} * ${y(j)}`) : (j) => `t_exp(${x(j)} - m)`,
    store: (v) => `out[M(4u) + g] = ${v};`,
  });
}

/**
 * One invocation per element of the [outer, n, inner] layout, from the
 * per-line max (forward) and sum. Uniform slots: [0] elements, [1] n,
 * [2] inner, [3] out offset, [4] x (or g) offset, [5] y offset.
 */
export function softmaxLongWriteSource(variant: SoftmaxVariant, inPlace: boolean): string {
  const backward = variant.endsWith('Backward');
  const log = variant.startsWith('log');
  const decls = backward
    ? ['x', 'y', 'sm']
    : inPlace
      ? ['mx', 'sm']
      : ['x', 'mx', 'sm'];
  const X = inPlace ? 'out[M(3u) + i]' : 'x[M(4u) + i]';
  return `${META}${MATH}
${SHIFT}
${decls.map((name, k) => `@group(0) @binding(${k + 1}) var<storage, read> ${name}: array<f32>;`).join('\n')}
@group(0) @binding(${decls.length + 1}) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_id(wid, nwg, lid, 64u);
  if (i >= M(0u)) { return; }
  let inner = M(2u);
  let line = (i / (M(1u) * inner)) * inner + i % inner;
  let s = sm[line];
  ${
    backward
      ? `out[M(3u) + i] = ${backwardOut(log, 'x[M(4u) + i]', 'y[M(5u) + i]')};`
      : `let m = shift(mx[line]);
  ${log ? 'let lse = t_log(s);' : ''}
  let xv = ${X};
  out[M(3u) + i] = ${forwardOut(log, 'xv')};`
  }
}
`;
}
