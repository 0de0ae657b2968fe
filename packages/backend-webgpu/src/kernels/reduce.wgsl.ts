import type { DType, ReduceOp } from '@tensile/core';
import { WGSL_TYPE } from './elementwise.wgsl.js';
import { MATH, META } from './math.wgsl.js';

/**
 * Reductions over the middle axis of a contiguous [outer, r, inner] view, as a
 * tree in passes (reduce.ts runs them). Each line is cut into tiles of TILE =
 * 64 x PER_LANE elements, one workgroup of 64 invocations per tile; the
 * invocation `lid` folds the tile's elements q * 64 + lid (q = 0, 1, ...) in
 * runs of BLOCK, and the runs pairwise (a binary counter of partial results:
 * run 2k + 1 joins run 2k, then their sum joins the pair before, ...), then a
 * tree in workgroup memory (or, for sum/prod where the adapter offers the
 * `subgroups` feature, subgroup operations and that tree) folds the 64
 * results. A line of more than one tile leaves one partial result per tile,
 * and the next pass folds those the same way, until one is left per line.
 * So a result is a tree of depth at most about BLOCK + log2(r) per pass
 * (and there are ceil(log(r) / log(TILE)) passes): float sums drift like
 * log r, not like r.
 *
 * Loops: the llvmpipe of Debian 12's own Mesa 22 (gallivm's loop limiter;
 * the Mesa 25 of bookworm-backports does not do this) gives a shader
 * invocation one budget of 65535 loop iterations for all its loops together
 * (counted per back-edge, once for a whole SIMD group of invocations) and
 * then silently ends every loop after its current iteration: no error, wrong
 * numbers. A pass here loops at most about PER_LANE + 2 PER_LANE / BLOCK +
 * 16 times per invocation, whatever the shape, and every other kernel keeps its total
 * well below the budget too. (That llvmpipe also runs an `if` body with
 * every invocation masked off, so work is skipped by loop bounds, not by
 * branches: lanes past a short line loop zero times.)
 *
 * Extremes carry (value, index) pairs: NaN wins (max and min propagate it),
 * ties keep the smaller index, so argmax/argmin return the first extreme;
 * between passes the pairs travel as u32 pairs (value bits, index).
 *
 * Uniform slots: [0] workgroups (lines x tiles), [1] r, [2] inner, [3] input
 * offset, [4] output offset, [5] tiles per line; kernels with more inputs use
 * [6] onwards.
 */

export const REDUCE_WG = 64;
/** Elements of a tile per invocation. */
export const PER_LANE = 256;
/** Elements one workgroup folds in one pass. */
export const TILE = REDUCE_WG * PER_LANE;
/** Elements an invocation adds serially before its runs fold pairwise. */
export const BLOCK = 8;
/** Levels of the binary counter: 2^16 runs, far more than PER_LANE / BLOCK. */
const LEVELS = 16;

/**
 * WGSL statements that set `acc` (declared by the caller) to the fold of
 * this invocation's `count` elements `load(q)`, q = 0 .. count - 1, in runs
 * of BLOCK folded pairwise (see above). Needs the state type S.
 */
export function laneFold(acc: string, S: string, identity: string, combine: (a: string, b: string) => string, count: string, load: (q: string) => string): string {
  return `{
    var st: array<${S}, ${LEVELS}>;
    var runs = 0u;
    for (var q0 = 0u; q0 < ${count}; q0 = q0 + ${BLOCK}u) {
      var v = ${identity};
      for (var q = q0; q < min(${count}, q0 + ${BLOCK}u); q = q + 1u) { v = ${combine('v', load('q'))}; }
      var c = runs;
      var l = 0u;
      while ((c & 1u) == 1u) { v = ${combine('st[l]', 'v')}; c = c >> 1u; l = l + 1u; }
      st[l] = v;
      runs = runs + 1u;
    }
    var t = ${identity};
    for (var l = 0u; (runs >> l) != 0u; l = l + 1u) {
      if (((runs >> l) & 1u) == 1u) { t = ${combine('st[l]', 't')}; }
    }
    ${acc} = t;
  }`;
}

/** How many of a tile's `cnt` elements invocation `lid` holds (elements q * 64 + lid). */
export const laneCount = (cnt: string): string => `select(0u, (${cnt} - lid + ${REDUCE_WG - 1}u) / ${REDUCE_WG}u, lid < ${cnt})`;

/** Folds sv[0..63] into sv[0] pairwise (written out, so no loop), leaving every invocation able to read sv[0]. */
export function laneTree(combine: (a: string, b: string) => string): string {
  let s = 'workgroupBarrier();';
  for (let h = REDUCE_WG / 2; h >= 1; h /= 2) s += `\n  if (lid < ${h}u) { sv[lid] = ${combine('sv[lid]', `sv[lid + ${h}u]`)}; }\n  workgroupBarrier();`;
  return s;
}

/** How one pass reads its elements, folds them and writes a tile's result. */
export interface FoldSpec {
  /** WGSL type of a partial result. */
  readonly S: string;
  readonly identity: string;
  readonly combine: (a: string, b: string) => string;
  /** Bindings (from 1) and helper functions. */
  readonly decls: string;
  /** The partial result of line position j (in scope: o, the line; base, its first element; inner; r). */
  readonly load: (j: string) => string;
  /** Writes the tile's result v as output g (for the last pass, g is the line). */
  readonly store: (v: string) => string;
  /** Statements after the line's coordinates are known (before any element is read). */
  readonly prologue?: string;
  /** Fold each subgroup's results with this subgroup operation before the tree. */
  readonly subgroup?: 'Add' | 'Mul';
}

/** One pass of a tree reduction: one workgroup per (line, tile). */
export function foldSource(spec: FoldSpec): string {
  const sg = spec.subgroup !== undefined;
  const fold = sg ? `acc = select(${spec.identity}, subgroup${spec.subgroup}(acc), sid == 0u);\n  ` : '';
  return `${sg ? 'enable subgroups;\n' : ''}${META}${MATH}
const EMPTY: u32 = 0xffffffffu;
${spec.decls}
var<workgroup> sv: array<${spec.S}, ${REDUCE_WG}>;
@compute @workgroup_size(${REDUCE_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32${sg ? ', @builtin(subgroup_invocation_id) sid: u32' : ''}) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= M(0u)) { return; }
  let r = M(1u);
  let inner = M(2u);
  let tiles = M(5u);
  let o = g / tiles;
  let j0 = (g % tiles) * ${TILE}u;
  let base = (o / inner) * r * inner + o % inner;
  let cnt = min(${TILE}u, r - j0);
  ${spec.prologue ?? ''}
  var acc = ${spec.identity};
  ${laneFold('acc', spec.S, spec.identity, spec.combine, laneCount('cnt'), (q) => spec.load(`j0 + ${q} * ${REDUCE_WG}u + lid`))}
  ${fold}sv[lid] = acc;
  ${laneTree(spec.combine)}
  if (lid == 0u) { ${spec.store('sv[0]')} }
}
`;
}

/** Where a reduce pass reads: the input tensor, or the previous pass's partial results. */
export type PassEnd = 'tensor' | 'partials';

const isIndexed = (op: ReduceOp) => op !== 'sum' && op !== 'prod';

/** Bytes of one partial result of `op` between passes. */
export const partialBytes = (op: ReduceOp): number => (isIndexed(op) ? 8 : 4);

/**
 * One pass of reduce `op`: reading the input (`from` 'tensor') or partial
 * results, writing the output (`to` 'tensor') or partial results. Sums and
 * products keep partial results in the output's type, so one source serves
 * every pass.
 */
export function reduceSource(op: ReduceOp, x: DType, subgroups: boolean, from: PassEnd = 'tensor', to: PassEnd = 'tensor'): string {
  const T = WGSL_TYPE[x];
  if (!isIndexed(op)) {
    const sym = op === 'sum' ? '+' : '*';
    return foldSource({
      S: T,
      identity: `${T}(${op === 'prod' ? 1 : 0})`,
      combine: (a, b) => `(${a} ${sym} ${b})`,
      decls: `@group(0) @binding(1) var<storage, read> x: array<${T}>;
@group(0) @binding(2) var<storage, read_write> out: array<${T}>;`,
      load: (j) => `x[M(3u) + base + (${j}) * inner]`,
      store: (v) => `out[M(4u) + g] = ${v};`,
      subgroup: subgroups ? (op === 'sum' ? 'Add' : 'Mul') : undefined,
    });
  }
  const nan = x === 'float32' ? 'is_nan' : 'no_nan';
  const better = op === 'amax' || op === 'argmax' ? '>' : '<';
  const outT = op === 'argmax' || op === 'argmin' ? 'i32' : T;
  const input =
    from === 'tensor'
      ? `@group(0) @binding(1) var<storage, read> x: array<${T}>;`
      : '@group(0) @binding(1) var<storage, read> x: array<u32>;';
  const output =
    to === 'tensor'
      ? `@group(0) @binding(2) var<storage, read_write> out: array<${outT}>;`
      : '@group(0) @binding(2) var<storage, read_write> out: array<u32>;';
  return foldSource({
    S: 'P',
    identity: `P(${T}(0), EMPTY)`,
    combine: (a, b) => `pick(${a}, ${b})`,
    decls: /* wgsl */ `struct P { v: ${T}, i: u32 }
fn no_nan(v: ${T}) -> bool { return false; }
// Is b preferred to a? An empty slot (index EMPTY) never is, and always loses.
fn prefer(a: P, b: P) -> bool {
  if (b.i == EMPTY) { return false; }
  if (a.i == EMPTY) { return true; }
  let na = ${nan}(a.v);
  let nb = ${nan}(b.v);
  if (na || nb) { return nb && (!na || b.i < a.i); }
  return (b.v ${better} a.v) || (b.v == a.v && b.i < a.i);
}
fn pick(a: P, b: P) -> P { if (prefer(a, b)) { return b; } return a; }
${input}
${output}`,
    load:
      from === 'tensor'
        ? (j) => `P(x[M(3u) + base + (${j}) * inner], ${j})`
        : (j) => `P(bitcast<${T}>(x[2u * (base + ${j})]), x[2u * (base + ${j}) + 1u])`,
    store:
      to === 'tensor'
        ? (v) => `out[M(4u) + g] = ${op === 'argmax' || op === 'argmin' ? `i32(${v}.i)` : `${v}.v`};`
        : (v) => `out[2u * g] = bitcast<u32>(${v}.v); out[2u * g + 1u] = ${v}.i;`,
  });
}
