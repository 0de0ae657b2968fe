import { MATH, META } from './math.wgsl.js';

/**
 * Fused scaled-dot-product attention, one invocation per row (a query row for
 * the forward and dQ, a key row for dK / dV), so no L x S scores ever exist:
 * each invocation walks the other side's rows once, accumulating straight into
 * its own (contiguous) output row. Uniform slots:
 * [0] batch, [1] L, [2] S, [3] E, [4] Ev, [5] isCausal, [6] mask kind
 * (0 none, 1 bool, 2 float), [7] scale (f32 bits), [8..11] the batch shape
 * right-aligned into 4 dims (leading 1s), [12..16] offsets of the contiguous
 * tensors (forward: out, lse; backward: dq, dk, dv, out, lse), then per
 * strided tensor (q, k, v, mask, g) 7 slots from STRIDED + 7 t: offset, row
 * stride, column stride and the 4 batch strides.
 */
export const STRIDED = 20;
export const BATCH_DIMS = 4;

const COMMON = (mask: boolean) => `${META}${MATH}
fn boff(t: u32, b: u32) -> u32 {
  let base = ${STRIDED}u + 7u * t;
  var rem = b;
  var off = M(base);
  for (var d = ${BATCH_DIMS - 1}i; d >= 0i; d = d - 1i) {
    let size = M(8u + u32(d));
    off = off + (rem % size) * M(base + 3u + u32(d));
    rem = rem / size;
  }
  return off;
}
fn at(t: u32, off: u32, r: u32, c: u32) -> u32 { let base = ${STRIDED}u + 7u * t; return off + r * M(base + 1u) + c * M(base + 2u); }
fn neg_inf(x: f32) -> bool { return bitcast<u32>(x) == 0xff800000u; }
// The masked, scaled score of query row i against key j (-inf where it may not attend):
// q * scale rounded first, as the composite's mul(query, scale), then the f32 dot product.
fn score(b: u32, i: u32, j: u32, qo: u32, ko: u32, mo: u32) -> f32 {
  if (M(5u) == 1u && j > i) { return -f_inf(); }
  ${mask ? 'if (M(6u) == 1u && mk[at(3u, mo, i, j)] == 0u) { return -f_inf(); }' : ''}
  let scale = bitcast<f32>(M(7u));
  var s = 0.0;
  for (var e = 0u; e < M(3u); e = e + 1u) { s = s + (q[at(0u, qo, i, e)] * scale) * k[at(1u, ko, j, e)]; }
  ${mask ? 'if (M(6u) == 2u) { s = s + bitcast<f32>(mk[at(3u, mo, i, j)]); }' : ''}
  return s;
}
fn mask_off(b: u32) -> u32 { ${mask ? 'return boff(3u, b);' : 'return 0u;'} }
`;

const IN = (first: number, names: string[], mask: boolean) =>
  [...names, ...(mask ? ['mk'] : [])]
    .map((n, i) => `@group(0) @binding(${first + i}) var<storage, read> ${n}: array<${n === 'mk' ? 'u32' : 'f32'}>;`)
    .join('\n');

const ENTRY = `@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;

/** Forward: per query row an online softmax over all keys (running max m and sum l rescale the output row), then out /= l and lse = m + log(l). */
export function attentionForwardSource(mask: boolean): string {
  return `${COMMON(mask)}
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> lse: array<f32>;
${IN(3, ['q', 'k', 'v'], mask)}
${ENTRY} {
  let row = linear_id(wid, nwg, lid, 64u);
  let L = M(1u);
  if (row >= M(0u) * L) { return; }
  let b = row / L;
  let i = row % L;
  let Ev = M(4u);
  let qo = boff(0u, b);
  let ko = boff(1u, b);
  let vo = boff(2u, b);
  let mo = mask_off(b);
  let o = M(12u) + row * Ev;
  for (var e = 0u; e < Ev; e = e + 1u) { out[o + e] = 0.0; }
  var m = -f_inf();
  var l = 0.0;
  for (var j = 0u; j < M(2u); j = j + 1u) {
    let s = score(b, i, j, qo, ko, mo);
    if (neg_inf(s)) { continue; }
    if (is_nan(s) || f_lt(m, s)) {
      let corr = select(t_exp(m - s), 0.0, neg_inf(m));
      l = l * corr;
      for (var e = 0u; e < Ev; e = e + 1u) { out[o + e] = out[o + e] * corr; }
      m = s;
    }
    let p = t_exp(s - m);
    l = l + p;
    for (var e = 0u; e < Ev; e = e + 1u) { out[o + e] = out[o + e] + p * v[at(2u, vo, j, e)]; }
  }
  if (l == 0.0) { lse[M(13u) + row] = -f_inf(); return; }
  for (var e = 0u; e < Ev; e = e + 1u) { out[o + e] = out[o + e] / l; }
  lse[M(13u) + row] = m + t_log(l);
}
`;
}

/** D_i = rowsum(dO * O) of query row i (recomputed where needed instead of held). */
const DELTA = `fn delta(b: u32, i: u32, go: u32) -> f32 {
  let Ev = M(4u);
  let yo = M(15u) + (b * M(1u) + i) * Ev;
  var d = 0.0;
  for (var e = 0u; e < Ev; e = e + 1u) { d = d + g[at(4u, go, i, e)] * y[yo + e]; }
  return d;
}
fn dp_of(i: u32, j: u32, go: u32, vo: u32) -> f32 {
  var d = 0.0;
  for (var e = 0u; e < M(4u); e = e + 1u) { d = d + g[at(4u, go, i, e)] * v[at(2u, vo, j, e)]; }
  return d;
}`;

/**
 * Backward. `rows` 'query': dQ_i = scale * sum_j P_ij (dP_ij - D_i) K_j; 'key': dV_j = sum_i P_ij dO_i and
 * dK_j = sum_i P_ij (dP_ij - D_i) (scale * Q_i), with P recomputed from lse (0 where lse is -inf: nothing to attend).
 */
export function attentionBackwardSource(rows: 'query' | 'key', mask: boolean): string {
  const outs =
    rows === 'query'
      ? '@group(0) @binding(1) var<storage, read_write> dq: array<f32>;'
      : '@group(0) @binding(1) var<storage, read_write> dk: array<f32>;\n@group(0) @binding(2) var<storage, read_write> dv: array<f32>;';
  const first = rows === 'query' ? 2 : 3;
  const head = `${COMMON(mask)}
${outs}
${IN(first, ['g', 'q', 'k', 'v', 'y', 'lse'], mask)}
${DELTA}
${ENTRY} {
  let row = linear_id(wid, nwg, lid, 64u);
  let L = M(1u);
  let S = M(2u);
  let E = M(3u);
  let Ev = M(4u);
  let n = select(S, L, ${rows === 'query'});
  if (row >= M(0u) * n) { return; }
  let b = row / n;
  let r = row % n;
  let qo = boff(0u, b);
  let ko = boff(1u, b);
  let vo = boff(2u, b);
  let gb = boff(4u, b);
  let mo = mask_off(b);
  let lo = M(16u) + b * L;`;
  if (rows === 'query')
    return `${head}
  let o = M(12u) + row * E;
  for (var e = 0u; e < E; e = e + 1u) { dq[o + e] = 0.0; }
  let li = lse[lo + r];
  if (neg_inf(li)) { return; }
  let d = delta(b, r, gb);
  for (var j = 0u; j < S; j = j + 1u) {
    let s = score(b, r, j, qo, ko, mo);
    if (neg_inf(s)) { continue; }
    let p = t_exp(s - li);
    let ds = p * (dp_of(r, j, gb, vo) - d);
    for (var e = 0u; e < E; e = e + 1u) { dq[o + e] = dq[o + e] + ds * k[at(1u, ko, j, e)]; }
  }
  let scale = bitcast<f32>(M(7u));
  for (var e = 0u; e < E; e = e + 1u) { dq[o + e] = dq[o + e] * scale; }
}
`;
  return `${head}
  let ok = M(13u) + row * E;
  let ov = M(14u) + row * Ev;
  for (var e = 0u; e < E; e = e + 1u) { dk[ok + e] = 0.0; }
  for (var e = 0u; e < Ev; e = e + 1u) { dv[ov + e] = 0.0; }
  let scale = bitcast<f32>(M(7u));
  for (var i = 0u; i < L; i = i + 1u) {
    let li = lse[lo + i];
    if (neg_inf(li)) { continue; }
    let s = score(b, i, r, qo, ko, mo);
    if (neg_inf(s)) { continue; }
    let p = t_exp(s - li);
    let ds = p * (dp_of(i, r, gb, vo) - delta(b, i, gb));
    for (var e = 0u; e < Ev; e = e + 1u) { dv[ov + e] = dv[ov + e] + p * g[at(4u, gb, i, e)]; }
    for (var e = 0u; e < E; e = e + 1u) { dk[ok + e] = dk[ok + e] + ds * (q[at(0u, qo, i, e)] * scale); }
  }
}
`;
}
