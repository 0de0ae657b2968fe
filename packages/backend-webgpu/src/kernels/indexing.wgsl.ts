import type { DType } from '@tensile/core';
import { WGSL_TYPE } from './elementwise.wgsl.js';
import { META } from './math.wgsl.js';

/**
 * gather, scatter and scatterAdd along one dim. An index outside [0, size) is
 * not an access: the kernel records it in the device-side error record (the
 * first one wins) and the next `await data()`/`ready()` throws IndexError.
 *
 * scatter/scatterAdd run one invocation per fiber (every index coordinate but
 * `dim`), walking that fiber's indices in order. Two positions can only hit the
 * same destination when they share a fiber, so there are no write conflicts,
 * no atomics, and float accumulation happens in exactly the cpu backend's order.
 * Long fibers are walked in chunks of SCATTER_CHUNK positions, one dispatch
 * each, in order (Mesa's llvmpipe stops any shader loop after 65535 iterations).
 *
 * Uniform slots: [0] invocations, [1] ndim, [2] dim, [3] size along dim,
 * [4] x/dst offset, [5] index offset, [6] out/src offset, [7] fiber length,
 * [8..15] index shape (scatter: 1 at dim), [16..23] index strides,
 * [24..31] x (gather) or src (scatter) strides, [32..39] dst strides,
 * [48] first and [49] end position of this scatter chunk.
 */

export const SCATTER_CHUNK = 16384;

/** Codes of the kernels that raise device-side errors (backend.ts ERROR_OPS maps the index kernels back to names; 4 is a value check). */
export const ERROR_CODE = { gather: 1, scatter: 2, scatterAdd: 3, check: 4 } as const;

const FLAG = /* wgsl */ `
fn flag(op: u32, v: i32, size: u32, dim: u32) {
  if (atomicAdd(&err[0], 1u) == 0u) {
    atomicStore(&err[1], op);
    atomicStore(&err[2], bitcast<u32>(v));
    atomicStore(&err[3], size);
    atomicStore(&err[4], dim);
  }
}`;

const HEAD = /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_id(wid, nwg, lid, 64u);
  if (i >= M(0u)) { return; }
  let dim = M(2u);
  let size = M(3u);`;

export function gatherSource(dtype: DType): string {
  const T = WGSL_TYPE[dtype];
  return `${META}
@group(0) @binding(1) var<storage, read> x: array<${T}>;
@group(0) @binding(2) var<storage, read> idx: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${T}>;
@group(0) @binding(4) var<storage, read_write> err: array<atomic<u32>>;
${FLAG}
${HEAD}
  var rem = i;
  var ip = M(5u);
  var xp = M(4u);
  for (var d = i32(M(1u)) - 1; d >= 0; d = d - 1) {
    let ud = u32(d);
    let c = rem % M(8u + ud);
    rem = rem / M(8u + ud);
    ip = ip + c * M(16u + ud);
    if (ud != dim) { xp = xp + c * M(24u + ud); }
  }
  let v = idx[ip];
  if (v < 0 || u32(v) >= size) {
    flag(${ERROR_CODE.gather}u, v, size, dim);
    out[M(6u) + i] = ${T}(0);
    return;
  }
  out[M(6u) + i] = x[xp + u32(v) * M(24u + dim)];
}
`;
}

export function scatterSource(dtype: DType, accumulate: boolean): string {
  const T = WGSL_TYPE[dtype];
  const write = accumulate ? 'dst[at] = dst[at] + src[sp + j * sstep];' : 'dst[at] = src[sp + j * sstep];';
  return `${META}
@group(0) @binding(1) var<storage, read_write> dst: array<${T}>;
@group(0) @binding(2) var<storage, read> idx: array<i32>;
@group(0) @binding(3) var<storage, read> src: array<${T}>;
@group(0) @binding(4) var<storage, read_write> err: array<atomic<u32>>;
${FLAG}
${HEAD}
  var rem = i;
  var ip = M(5u);
  var sp = M(6u);
  var dp = M(4u);
  for (var d = i32(M(1u)) - 1; d >= 0; d = d - 1) {
    let ud = u32(d);
    let c = rem % M(8u + ud);
    rem = rem / M(8u + ud);
    ip = ip + c * M(16u + ud);
    sp = sp + c * M(24u + ud);
    if (ud != dim) { dp = dp + c * M(32u + ud); }
  }
  let istep = M(16u + dim);
  let sstep = M(24u + dim);
  let dstep = M(32u + dim);
  for (var j = M(48u); j < M(49u); j = j + 1u) {
    let v = idx[ip + j * istep];
    if (v < 0 || u32(v) >= size) {
      flag(${accumulate ? ERROR_CODE.scatterAdd : ERROR_CODE.scatter}u, v, size, dim);
      continue;
    }
    let at = dp + u32(v) * dstep;
    ${write}
  }
}
`;
}
