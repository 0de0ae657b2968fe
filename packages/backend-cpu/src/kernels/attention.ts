import type { FusedKernel, HostArray, TensorView } from '@tensile/core';
import type { CpuBackend } from '../backend.js';
import { dataOf } from '../strided.js';

/** Keys per tile: the scores of one query row against one tile are all the kernel holds. */
const TILE = 64;

/** Element offsets of each flat batch index of a view [...batch, a, b] (broadcast dims have stride 0). */
function batchOffsets(v: TensorView, nb: number, count: number): Float64Array {
  const offs = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    let rem = b;
    let off = v.offset;
    for (let d = nb - 1; d >= 0; d--) {
      const size = v.shape[d]!;
      off += (rem % size) * v.strides[d]!;
      rem = Math.floor(rem / size);
    }
    offs[b] = off;
  }
  return offs;
}

interface Geometry {
  nb: number;
  batch: number;
  L: number;
  S: number;
  E: number;
  Ev: number;
}

function geometry(q: TensorView, v: TensorView): Geometry {
  const nb = q.shape.length - 2;
  let batch = 1;
  for (let d = 0; d < nb; d++) batch *= q.shape[d]!;
  return { nb, batch, L: q.shape[nb]!, S: v.shape[nb]!, E: q.shape[nb + 1]!, Ev: v.shape[nb + 1]! };
}

/** The masked, scaled score of query row i against key j, or -inf where it may not attend. */
function scoreFn(
  Q: HostArray,
  qo: number,
  qs: readonly number[],
  K: HostArray,
  ko: number,
  ks: readonly number[],
  M: HostArray | null,
  mo: number,
  ms: readonly number[],
  o: Readonly<Record<string, unknown>>,
  nb: number,
  E: number,
  qScaled: Float64Array,
): (i: number, j: number) => number {
  const causal = o.isCausal === true;
  const kind = o.mask as string;
  const isFloat32 = Q instanceof Float32Array;
  const qe = qs[nb + 1]!;
  const qr = qs[nb]!;
  const kr = ks[nb]!;
  const ke = ks[nb + 1]!;
  const mr = M === null ? 0 : ms[nb]!;
  const mc = M === null ? 0 : ms[nb + 1]!;
  let row = -1;
  return (i, j) => {
    if (causal && j > i) return -Infinity;
    if (kind === 'bool' && !M![mo + i * mr + j * mc]) return -Infinity;
    if (row !== i) {
      // q * scale rounded to the dtype first, as the composite's mul(query, scale).
      const scale = o.scale as number;
      for (let e = 0; e < E; e++) qScaled[e] = isFloat32 ? Math.fround(Q[qo + i * qr + e * qe]! * scale) : Q[qo + i * qr + e * qe]! * scale;
      row = i;
    }
    let s = 0;
    const kb = ko + j * kr;
    for (let e = 0; e < E; e++) s += qScaled[e]! * K[kb + e * ke]!;
    if (isFloat32) s = Math.fround(s);
    if (kind === 'float') s += M![mo + i * mr + j * mc]!;
    return s;
  };
}

/**
 * Fused attention forward: inputs [out, lse, q, k, v, mask?] (out and lse contiguous, the rest any
 * strides, all at the broadcast batch shape). Per query row, keys in tiles with an online softmax:
 * a running max and sum rescale the accumulated output, so no L x S scores exist. lse is the row's
 * log-sum-exp (-inf, and a zero output, for a row with nothing to attend to).
 */
export const attentionKernel: FusedKernel = (inputs, o, out) => {
  const [, lseV, qV, kV, vV] = inputs as [TensorView, TensorView, TensorView, TensorView, TensorView];
  const mV = inputs[5] ?? null;
  const { nb, batch, L, S, E, Ev } = geometry(qV, vV);
  const backend = out.storage.backend as CpuBackend;
  backend.noteScratch?.((Ev + E + TILE) * 8);
  const O = dataOf(out);
  const LSE = dataOf(lseV);
  const Q = dataOf(qV),
    K = dataOf(kV),
    V = dataOf(vV),
    M = mV === null ? null : dataOf(mV);
  const qOff = batchOffsets(qV, nb, batch),
    kOff = batchOffsets(kV, nb, batch),
    vOff = batchOffsets(vV, nb, batch);
  const mOff = mV === null ? null : batchOffsets(mV, nb, batch);
  const acc = new Float64Array(Ev);
  const qScaled = new Float64Array(E);
  const tile = new Float64Array(TILE);
  const vr = vV.strides[nb]!,
    ve = vV.strides[nb + 1]!;
  for (let b = 0; b < batch; b++) {
    const score = scoreFn(
      Q,
      qOff[b]!,
      qV.strides,
      K,
      kOff[b]!,
      kV.strides,
      M,
      mOff === null ? 0 : mOff[b]!,
      mV?.strides ?? [],
      o,
      nb,
      E,
      qScaled,
    );
    const vo = vOff[b]!;
    for (let i = 0; i < L; i++) {
      let m = -Infinity;
      let l = 0;
      acc.fill(0);
      for (let j0 = 0; j0 < S; j0 += TILE) {
        const n = Math.min(TILE, S - j0);
        let tm = -Infinity;
        for (let t = 0; t < n; t++) {
          const s = score(i, j0 + t);
          tile[t] = s;
          if (s > tm) tm = s;
        }
        if (tm === -Infinity) continue;
        const mNew = Math.max(m, tm);
        const corr = Math.exp(m - mNew);
        if (corr !== 1) {
          l *= corr;
          for (let e = 0; e < Ev; e++) acc[e]! *= corr;
        }
        for (let t = 0; t < n; t++) {
          if (tile[t] === -Infinity) continue;
          const p = Math.exp(tile[t]! - mNew);
          l += p;
          const vb = vo + (j0 + t) * vr;
          for (let e = 0; e < Ev; e++) acc[e] += p * V[vb + e * ve]!;
        }
        m = mNew;
      }
      const ob = out.offset + (b * L + i) * Ev;
      if (l === 0) {
        for (let e = 0; e < Ev; e++) O[ob + e] = 0;
        LSE[lseV.offset + b * L + i] = -Infinity;
      } else {
        for (let e = 0; e < Ev; e++) O[ob + e] = acc[e]! / l;
        LSE[lseV.offset + b * L + i] = m + Math.log(l);
      }
    }
  }
};

/**
 * Fused attention backward: inputs [dq, dk, dv, g, q, k, v, out, lse, mask?] (dq, dk, dv, out and
 * lse contiguous at the broadcast batch shape). Each probability is recomputed from its score and
 * the saved lse, p = exp(s - lse); with D = rowsum(g * out), ds = p (g·v - D), dq += ds k scale,
 * dk += ds q scale, dv += p g. Scratch is one batch's dk and dv in float64, never L x S.
 */
export const attentionBackwardKernel: FusedKernel = (inputs, o) => {
  const [dqV, dkV, dvV, gV, qV, kV, vV, yV, lseV] = inputs as TensorView[] as [
    TensorView,
    TensorView,
    TensorView,
    TensorView,
    TensorView,
    TensorView,
    TensorView,
    TensorView,
    TensorView,
  ];
  const mV = inputs[9] ?? null;
  const { nb, batch, L, S, E, Ev } = geometry(qV, vV);
  const backend = dqV.storage.backend as CpuBackend;
  const scale = o.scale as number;
  backend.noteScratch?.((S * (E + Ev) + 2 * E + Ev) * 8);
  const DQ = dataOf(dqV),
    DK = dataOf(dkV),
    DV = dataOf(dvV),
    G = dataOf(gV),
    Y = dataOf(yV),
    LSE = dataOf(lseV);
  const Q = dataOf(qV),
    K = dataOf(kV),
    V = dataOf(vV),
    M = mV === null ? null : dataOf(mV);
  const gOff = batchOffsets(gV, nb, batch),
    qOff = batchOffsets(qV, nb, batch),
    kOff = batchOffsets(kV, nb, batch),
    vOff = batchOffsets(vV, nb, batch);
  const mOff = mV === null ? null : batchOffsets(mV, nb, batch);
  const dk = new Float64Array(S * E),
    dv = new Float64Array(S * Ev),
    dq = new Float64Array(E),
    qScaled = new Float64Array(E),
    gRow = new Float64Array(Ev);
  const gr = gV.strides[nb]!,
    ge = gV.strides[nb + 1]!;
  const kr = kV.strides[nb]!,
    ke = kV.strides[nb + 1]!,
    vr = vV.strides[nb]!,
    ve = vV.strides[nb + 1]!;
  for (let b = 0; b < batch; b++) {
    const score = scoreFn(
      Q,
      qOff[b]!,
      qV.strides,
      K,
      kOff[b]!,
      kV.strides,
      M,
      mOff === null ? 0 : mOff[b]!,
      mV?.strides ?? [],
      o,
      nb,
      E,
      qScaled,
    );
    dk.fill(0);
    dv.fill(0);
    const go = gOff[b]!,
      ko = kOff[b]!,
      vo = vOff[b]!;
    for (let i = 0; i < L; i++) {
      dq.fill(0);
      const lse = LSE[lseV.offset + b * L + i]!;
      let D = 0;
      const yb = yV.offset + (b * L + i) * Ev;
      for (let e = 0; e < Ev; e++) {
        gRow[e] = G[go + i * gr + e * ge]!;
        D += gRow[e]! * Y[yb + e]!;
      }
      if (lse !== -Infinity)
        for (let j = 0; j < S; j++) {
          const s = score(i, j);
          if (s === -Infinity) continue;
          const p = Math.exp(s - lse);
          let dp = 0;
          const vb = vo + j * vr;
          for (let e = 0; e < Ev; e++) {
            dp += gRow[e]! * V[vb + e * ve]!;
            dv[j * Ev + e] += p * gRow[e]!;
          }
          const ds = p * (dp - D);
          const kb = ko + j * kr;
          for (let e = 0; e < E; e++) {
            dq[e] += ds * K[kb + e * ke]!;
            dk[j * E + e] += ds * qScaled[e]!;
          }
        }
      const qb = dqV.offset + (b * L + i) * E;
      for (let e = 0; e < E; e++) DQ[qb + e] = dq[e]! * scale;
    }
    DK.set(dk, dkV.offset + b * S * E);
    DV.set(dv, dvV.offset + b * S * Ev);
  }
};
