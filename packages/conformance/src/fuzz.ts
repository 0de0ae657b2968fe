import * as core from '@tensile/core';
import { type DType, findBackend, setTrace, type Tensor, tensor, tidyAsync } from '@tensile/core';
import { close, type Mismatch, type Tolerance } from './compare.js';
import { describeError } from './expect-error.js';
import { withLeakCheck } from './leak.js';
import { Rng } from './random.js';
import type { CaseResult } from './results.js';
import { CaseTrace, honestyProblems } from './trace.js';

/**
 * The program fuzzer: random small programs (inputs of random shapes with
 * size-0 and size-1 dims, views, broadcasting, reductions, scans, sort/topk,
 * indexing, matmul, cat/stack, in-place ops on non-leaves, then backward) run
 * on the backend under test and on cpu from the same values, and judged
 * against cpu in float64. Values, gradients and behaviour (the same error
 * class, or both succeed) are compared; a leak or a hang is a failure. A
 * program is plain JSON (a list of steps), so a failure prints it, minimised,
 * and PyTorch can replay the same format (tools/golden/tensile_golden/programs.py).
 */

/** A number in a program's JSON: specials spelled out, since JSON has none of them. */
export type JsonNum = number | 'nan' | 'inf' | '-inf' | '-0';

/** One step; its result is value number <step index>. `args` are earlier value numbers. */
export interface Step {
  op: string;
  args: number[];
  p?: Record<string, unknown>;
}

export interface Program {
  steps: Step[];
  /** Value numbers summed (weighted) into the loss that backward starts from. */
  loss: number[];
}

export const encodeNum = (v: number): JsonNum => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : Object.is(v, -0) ? '-0' : v);
export const decodeNum = (v: JsonNum): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v);

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
/** The loss weight of flat element i (not all ones, so a wrong gradient route shows; the same formula in programs.py). */
export const lossWeight = (i: number): number => 1 + 0.25 * (((i * 7) % 5) - 2);

const UNARY = ['neg', 'abs', 'sign', 'relu', 'floor', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'reciprocal', 'tanh', 'sigmoid', 'sin', 'cos', 'erf', 'square'] as const;
const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow'] as const;
const REDUCE = ['sum', 'mean', 'amax', 'amin', 'prod', 'logsumexp', 'var', 'std', 'maxdim'] as const;
const INPLACE = ['add_', 'sub_', 'mul_', 'div_', 'pow_', 'clamp_', 'fill_', 'zero_', 'copy_'] as const;

type Value = Tensor;

interface RunContext {
  device: string;
  dtype: 'float32' | 'float64';
  /** Multiplies each float input element by (1 + e), |e| <= 2^-22: the sensitivity probe. */
  perturb?: Rng;
  /**
   * float64 with float32's range: each new value is rounded to float32 (and back), so a float64
   * judge of a float32 program overflows, underflows and saturates where float32 does, while
   * computing each op in double.
   */
  round32?: boolean;
  /**
   * Sets each new value's elements at the rounding level of the step's inputs (|v| <= 2^-22 times
   * their largest finite magnitude) to 0: what a float32 backend may legitimately compute there.
   */
  snap?: boolean;
  /**
   * With round32: moves each element of each new value to a neighbouring float32 (-1, 0 or +1 ulp, at
   * random): the rounding of every op, which float32 kernels may do differently by an ulp (a
   * cancellation such as 0.5^1e-6 - 1 or a pow of a negative base at an integer exponent shows
   * it; perturbing the inputs alone does not).
   */
  nudge?: Rng | 1 | -1;
}

const f32View = new Float32Array(1);
const i32View = new Int32Array(f32View.buffer);
/** The float32 `steps` ulps away from the float32 x (finite, non-zero steps only; zero and specials stay). */
function nudge32(x: number, steps: number): number {
  if (steps === 0 || !Number.isFinite(x) || x === 0) return x;
  f32View[0] = x;
  i32View[0]! += x > 0 ? steps : -steps;
  return Number.isFinite(f32View[0]!) ? f32View[0]! : x;
}

function inputTensor(step: Step, ctx: RunContext): Tensor {
  const p = step.p as { shape: number[]; data: JsonNum[]; grad?: boolean; int?: boolean };
  const data = Float64Array.from(p.data, decodeNum);
  if (p.int) return tensor(Int32Array.from(data), { shape: p.shape, device: ctx.device, dtype: 'int32' });
  if (ctx.perturb) for (let i = 0; i < data.length; i++) data[i]! *= 1 + (2 * ctx.perturb.next() - 1) * 2 ** -22;
  return tensor(data, { shape: p.shape, device: ctx.device, dtype: ctx.dtype, requiresGrad: p.grad === true });
}

/** Steps that make no new values (views), so nothing to round. */
const VIEWS = new Set(['input', 'transpose', 'permute', 'slice', 'expand', 'unsqueeze', 'squeeze', 'reshape', 'select', 'detach']);

/** The snap run's step: the result's elements below the rounding level of the inputs become 0 (in place, keeping the version). */
function snapStep(step: Step, vals: readonly Value[], v: Value): void {
  let m = 0;
  for (const a of step.args) {
    const t = vals[a];
    if (t && core.isFloat(t.dtype)) for (const x of t.dataSync()) if (Number.isFinite(x)) m = Math.max(m, Math.abs(x as number));
  }
  const d = Float64Array.from(v.dataSync());
  const level = m * 2 ** -22;
  let changed = false;
  for (let i = 0; i < d.length; i++)
    if (d[i] !== 0 && Math.abs(d[i]!) <= level) {
      d[i] = 0;
      changed = true;
    }
  if (!changed) return;
  const version = v.storage.version;
  try {
    core.noGrad(() => core.copy_(v.detach(), tensor(d, { shape: [...v.shape], dtype: 'float64', device: v.device })));
  } catch {
    // An expanded result cannot be written.
  }
  v.storage.version = version;
}

function runStep(step: Step, vals: readonly Value[], ctx: RunContext): Value {
  const v = applyStep(step, vals, ctx);
  if (!ctx.round32 || VIEWS.has(step.op) || v.dtype !== 'float64' || v.numel() === 0) return v;
  if (ctx.snap) snapStep(step, vals, v);
  // Rounded in place, keeping the storage's version: the judge must see the same autograd
  // graph and the same version checks as the float32 program, only rounded values.
  const version = v.storage.version;
  try {
    const rounded = core.castTo(core.castTo(v.detach(), 'float32'), 'float64');
    const nudger = ctx.nudge;
    const moved = nudger
      ? tensor(
          Float64Array.from(rounded.dataSync(), (x) => nudge32(x as number, typeof nudger === 'number' ? nudger : nudger.int(0, 3) - 1)),
          { shape: [...v.shape], dtype: 'float64', device: v.device },
        )
      : rounded;
    core.noGrad(() => core.copy_(v.detach(), moved));
  } catch {
    // An expanded (overlapping) result cannot be written; its values came from rounded ones anyway.
  }
  v.storage.version = version;
  return v;
}

/** The second operand of a binary or in-place step: a scalar or a value. */
function operand(step: Step, vals: readonly Value[], k = 1): Tensor | number {
  return step.p && 'scalar' in step.p ? decodeNum(step.p.scalar as JsonNum) : vals[step.args[k]!]!;
}

/** Runs one step. Every op is a plain PyTorch call, so programs.py can run the same step. */
export function applyStep(step: Step, vals: readonly Value[], ctx: RunContext): Value {
  const a = vals[step.args[0]!]!;
  // biome-ignore lint/suspicious/noExplicitAny: a step's options are whatever its op takes, read from a generated program
  const p = (step.p ?? {}) as Record<string, any>;
  switch (step.op) {
    case 'input':
      return inputTensor(step, ctx);
    case 'square':
      return core.square(a);
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'maximum':
    case 'minimum':
    case 'pow':
      if ('scalar' in p) return core.binary(step.op, a, decodeNum(p.scalar));
      return core.binary(step.op, a, vals[step.args[1]!]!);
    case 'clamp':
      return core.clamp(a, p.lo, p.hi);
    case 'where':
      return core.where(core.gt(a, 0), vals[step.args[1]!]!, vals[step.args[2]!]!);
    case 'transpose':
      return core.transpose(a, p.d0, p.d1);
    case 'permute':
      return core.permute(a, p.perm);
    case 'slice':
      return core.slice(a, p.dim, p.start, p.end, p.step);
    case 'expand':
      return core.expand(a, p.shape);
    case 'unsqueeze':
      return core.unsqueeze(a, p.dim);
    case 'squeeze':
      return core.squeeze(a, p.dim);
    case 'reshape':
      return core.reshape(a, p.shape);
    case 'select':
      return core.select(a, p.dim, p.index);
    case 'contiguous':
      return core.contiguous(a);
    case 'clone':
      return core.clone(a);
    case 'detach':
      return a.detach();
    case 'sum':
    case 'mean':
    case 'amax':
    case 'amin':
    case 'prod':
    case 'logsumexp':
      return (core[step.op] as (x: Tensor, d?: number | number[], k?: boolean) => Tensor)(a, p.dim, p.keepdim);
    case 'var':
      return core.variance(a, p.dim, { correction: p.correction, keepdim: p.keepdim });
    case 'std':
      return core.std(a, p.dim, { correction: p.correction, keepdim: p.keepdim });
    case 'maxdim':
      return core.max(a, p.dim, p.keepdim).values;
    case 'softmax':
      return core.softmax(a, p.dim);
    case 'logSoftmax':
      return core.logSoftmax(a, p.dim);
    case 'cumsum':
      return core.cumsum(a, p.dim);
    case 'cumprod':
      return core.cumprod(a, p.dim);
    case 'sort':
      return core.sort(a, p.dim, p.descending).values;
    case 'topk':
      return core.topk(a, p.k, p.dim, p.largest).values;
    case 'gather':
      return core.gather(a, p.dim, vals[step.args[1]!]!);
    case 'indexSelect':
      return core.indexSelect(a, p.dim, vals[step.args[1]!]!);
    case 'matmul':
      return core.matmul(a, vals[step.args[1]!]!);
    case 'cat':
      return core.cat(step.args.map((i) => vals[i]!), p.dim);
    case 'stack':
      return core.stack(step.args.map((i) => vals[i]!), p.dim);
    case 'add_':
    case 'sub_':
    case 'mul_':
    case 'div_':
    case 'pow_':
      return (core[step.op] as (t: Tensor, o: Tensor | number) => Tensor)(a, operand(step, vals));
    case 'clamp_':
      return core.clamp_(a, p.lo, p.hi);
    case 'fill_':
      return core.fill_(a, decodeNum(p.scalar));
    case 'zero_':
      return core.zero_(a);
    case 'copy_':
      return core.copy_(a, vals[step.args[1]!]!);
    default:
      if ((UNARY as readonly string[]).includes(step.op)) return core.unary(step.op as core.UnaryOp, a);
      throw new Error(`fuzz: unknown step op ${step.op}`);
  }
}

/** What one run of a program did: the error class that stopped it, or the values and gradients it produced. */
export interface RunResult {
  /** Error class and where: "step 3", "backward" or "readback" (a deferred device-side error). */
  error?: { cls: string; at: string; message: string };
  /** Every float value of the program, read after backward (in-place writes included), as PyTorch would show them. */
  values: { ref: number; shape: number[]; data: Float64Array }[];
  /** The gradient of each input that requires grad (null: none arrived). */
  grads: { ref: number; data: Float64Array | null }[];
}

const errorClass = (e: unknown) => (e instanceof Error ? e.constructor.name : typeof e);

export async function runProgram(prog: Program, ctx: RunContext, trace: CaseTrace | null = null): Promise<RunResult> {
  setTrace(trace);
  if (trace) trace.phase = 'compute';
  try {
    return await tidyAsync(async () => {
      const vals: Value[] = [];
      const out: RunResult = { values: [], grads: [] };
      for (let i = 0; i < prog.steps.length; i++) {
        try {
          vals.push(runStep(prog.steps[i]!, vals, ctx));
        } catch (e) {
          out.error = { cls: errorClass(e), at: `step ${i}`, message: describeError(e) };
          return out;
        }
      }
      const gradRefs = prog.steps.flatMap((s, i) => (s.op === 'input' && (s.p as { grad?: boolean }).grad ? [i] : []));
      try {
        let loss: Tensor | null = null;
        for (const r of prog.loss) {
          const v = vals[r]!;
          if (!core.isFloat(v.dtype)) continue;
          const w = tensor(Float64Array.from({ length: numel(v.shape) }, (_, i) => lossWeight(i)), { shape: [...v.shape], device: ctx.device, dtype: v.dtype });
          const term = core.sum(core.mul(v, w));
          loss = loss === null ? term : core.add(loss, term);
        }
        if (loss?.requiresGrad) loss.backward();
      } catch (e) {
        out.error = { cls: errorClass(e), at: 'backward', message: describeError(e) };
      }
      if (trace) trace.phase = 'check';
      try {
        for (let i = 0; i < vals.length; i++) {
          const v = vals[i]!;
          if (!core.isFloat(v.dtype)) continue;
          out.values.push({ ref: i, shape: [...v.shape], data: Float64Array.from(await v.data()) });
        }
        for (const r of gradRefs) {
          const g = vals[r]!.grad;
          out.grads.push({ ref: r, data: g ? Float64Array.from(await g.data()) : null });
        }
      } catch (e) {
        out.error = { cls: errorClass(e), at: 'readback', message: describeError(e) };
        out.values = [];
        out.grads = [];
      }
      return out;
    });
  } finally {
    setTrace(null);
  }
}

// ---------------------------------------------------------------- generation

const SIZES = [1, 1, 2, 3, 4, 5];
/**
 * Values that find sign-of-zero, overflow and NaN handling (-0 is common: bug 9 was one). No
 * denormals: a gradient like a / (b * b) underflows inside backward in float32, where the float64
 * judge cannot follow (it rounds each step, not each op of a backward formula); the per-kernel
 * differential suite covers denormals.
 */
const SPECIAL = [0, -0, -0, NaN, Infinity, -Infinity, 1, -1, 20, -20, 1e-6];

function randomShape(rng: Rng, maxNdim = 3): number[] {
  const nd = rng.int(0, maxNdim + 1);
  return Array.from({ length: nd }, () => (rng.next() < 0.07 ? 0 : rng.pick(SIZES)));
}

function randomData(rng: Rng, n: number): JsonNum[] {
  const ties = rng.next() < 0.15;
  return Array.from({ length: n }, () => {
    const u = rng.next();
    if (u < 0.08) return encodeNum(Math.fround(rng.pick(SPECIAL)));
    if (ties) return rng.int(-2, 3) * 0.5;
    // Rounded to float32 so every backend starts from the same number.
    return Math.fround(rng.normal() * 1.5);
  });
}

function inputStep(rng: Rng, shape: number[], grad = rng.next() < 0.7): Step {
  return { op: 'input', args: [], p: { shape, data: randomData(rng, numel(shape)), grad } };
}

function indexStep(rng: Rng, shape: number[], size: number): Step {
  const data = Array.from({ length: numel(shape) }, () => (rng.next() < 0.02 ? rng.pick([size, -1 - size]) : size > 0 ? rng.int(0, size) : 0));
  return { op: 'input', args: [], p: { shape, data, int: true } };
}

/** A shape that broadcasts with `s`: some leading dims dropped, some set to 1 (rarely one that does not). */
function broadcastable(rng: Rng, s: readonly number[]): number[] {
  const drop = rng.next() < 0.3 ? rng.int(0, s.length + 1) : 0;
  const out = s.slice(drop).map((d) => (rng.next() < 0.3 ? 1 : d));
  if (rng.next() < 0.03 && out.length > 0) out[0] = out[0]! + 1;
  if (rng.next() < 0.15) out.unshift(rng.pick([1, 2]));
  return out;
}

const scalarOf = (rng: Rng) => encodeNum(rng.pick([0.5, 2, -1.5, 3, 0, -0, 1e-3, 10]));

interface GenState {
  steps: Step[];
  vals: Value[];
}

/** Appends a fresh input and returns its value number. */
function fresh(g: GenState, step: Step, ctx: RunContext): number {
  g.steps.push(step);
  g.vals.push(applyStep(step, g.vals, ctx));
  return g.vals.length - 1;
}

const dimOf = (rng: Rng, nd: number) => (nd === 0 ? rng.pick([0, -1]) : rng.int(-nd, nd));
const optDims = (rng: Rng, nd: number): number | number[] | undefined => {
  const u = rng.next();
  if (u < 0.25 || nd === 0) return undefined;
  if (u < 0.4 && nd >= 2) return [...new Set([rng.int(0, nd), rng.int(0, nd)])];
  return dimOf(rng, nd);
};

/** Proposes one step on value x (maybe adding fresh inputs first; those stay even when the step is dropped). */
function propose(rng: Rng, g: GenState, xi: number, ctx: RunContext): Step {
  const x = g.vals[xi]!;
  const s = [...x.shape];
  const nd = s.length;
  const u = rng.next();
  if (u < 0.17) return { op: rng.pick(UNARY), args: [xi] };
  if (u < 0.34) {
    const op = rng.pick(BINARY);
    const v = rng.next();
    if (v < 0.3) return { op, args: [xi], p: { scalar: op === 'pow' ? rng.pick([2, 3, 0.5, -0.5, -1, 1.5, 0]) : scalarOf(rng) } };
    const other = v < 0.55 ? rng.int(0, g.vals.length) : fresh(g, inputStep(rng, broadcastable(rng, s)), ctx);
    return rng.next() < 0.5 ? { op, args: [xi, other] } : { op, args: [other, xi] };
  }
  if (u < 0.37) return { op: 'clamp', args: [xi], p: { lo: rng.pick([-1, -0.5, 0, undefined]), hi: rng.pick([0.5, 1, 2, undefined]) } };
  if (u < 0.4) {
    const o = fresh(g, inputStep(rng, broadcastable(rng, s)), ctx);
    return { op: 'where', args: [rng.next() < 0.5 ? xi : o, xi, o] };
  }
  if (u < 0.52) {
    // Views.
    const w = rng.int(0, 9);
    if (w === 0 && nd >= 2) {
      const d0 = rng.int(0, nd);
      return { op: 'transpose', args: [xi], p: { d0, d1: (d0 + rng.int(1, nd)) % nd } };
    }
    if (w === 1 && nd >= 2) {
      const perm = s.map((_, i) => i);
      for (let i = nd - 1; i > 0; i--) {
        const j = rng.int(0, i + 1);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      return { op: 'permute', args: [xi], p: { perm } };
    }
    if ((w === 2 || w === 3) && nd >= 1) {
      const dim = rng.int(0, nd);
      const n = s[dim]!;
      const start = rng.int(0, n + 1);
      return { op: 'slice', args: [xi], p: { dim, start, end: rng.int(start, n + 2), step: rng.pick([1, 1, 2, 3]) } };
    }
    if (w === 4) {
      const shape = s.map((d) => (d === 1 && rng.next() < 0.6 ? rng.pick([0, 2, 3]) : d));
      if (rng.next() < 0.4) shape.unshift(rng.pick([1, 2]));
      return { op: 'expand', args: [xi], p: { shape } };
    }
    if (w === 5) return { op: 'unsqueeze', args: [xi], p: { dim: rng.int(-nd - 1, nd + 1) } };
    if (w === 6 && nd >= 1) return { op: 'select', args: [xi], p: { dim: rng.int(0, nd), index: rng.int(-1, Math.max(1, s[0]!)) } };
    if (w === 7) {
      const n = numel(s);
      const shape = n === 0 ? [0, rng.pick([1, 2])] : rng.next() < 0.5 ? [n] : [n === 1 ? 1 : rng.pick([1, n]), -1];
      return { op: 'reshape', args: [xi], p: { shape } };
    }
    return { op: rng.pick(['squeeze', 'contiguous', 'clone', 'detach']), args: [xi], ...(nd > 0 ? { p: { dim: rng.int(0, nd) } } : {}) };
  }
  if (u < 0.64) {
    const op = rng.pick(REDUCE);
    const keepdim = rng.next() < 0.4;
    if (op === 'maxdim') return { op, args: [xi], p: { dim: dimOf(rng, nd), keepdim } };
    const dim = op === 'logsumexp' ? (nd === 0 ? 0 : rng.next() < 0.3 && nd >= 2 ? [0, nd - 1] : dimOf(rng, nd)) : optDims(rng, nd);
    return { op, args: [xi], p: { dim, keepdim, ...(op === 'var' || op === 'std' ? { correction: rng.pick([0, 1]) } : {}) } };
  }
  if (u < 0.68) return { op: rng.pick(['softmax', 'logSoftmax']), args: [xi], p: { dim: dimOf(rng, nd) } };
  if (u < 0.72) return { op: rng.pick(['cumsum', 'cumprod']), args: [xi], p: { dim: dimOf(rng, nd) } };
  if (u < 0.76) {
    const dim = dimOf(rng, nd);
    if (rng.next() < 0.5) return { op: 'sort', args: [xi], p: { dim, descending: rng.next() < 0.5 } };
    const n = nd === 0 ? 1 : s[(dim + nd) % nd]!;
    return { op: 'topk', args: [xi], p: { k: rng.int(0, n + 1), dim, largest: rng.next() < 0.5 } };
  }
  if (u < 0.8 && nd >= 1) {
    const dim = rng.int(0, nd);
    if (rng.next() < 0.5) {
      const is = s.map((d, j) => (j === dim ? rng.int(0, 4) : rng.int(Math.min(1, d), d + 1)));
      return { op: 'gather', args: [xi, fresh(g, indexStep(rng, is, s[dim]!), ctx)], p: { dim } };
    }
    return { op: 'indexSelect', args: [xi, fresh(g, indexStep(rng, [rng.int(0, 4)], s[dim]!), ctx)], p: { dim } };
  }
  if (u < 0.86 && nd >= 1) {
    const k = s[nd - 1]!;
    const n = rng.pick([0, 1, 2, 3]);
    const batch = nd >= 2 && rng.next() < 0.5 ? s.slice(0, nd - 2).map((d) => (rng.next() < 0.3 ? 1 : d)) : [];
    const ws = nd === 1 || rng.next() < 0.2 ? [k] : [...batch, k, n];
    if (rng.next() < 0.25 && ws.length >= 2) {
      const t = fresh(g, inputStep(rng, [...ws.slice(0, -2), ws[ws.length - 1]!, ws[ws.length - 2]!]), ctx);
      const tt = fresh(g, { op: 'transpose', args: [t], p: { d0: -1, d1: -2 } }, ctx);
      return { op: 'matmul', args: [xi, tt] };
    }
    return { op: 'matmul', args: [xi, fresh(g, inputStep(rng, ws), ctx)] };
  }
  if (u < 0.9) {
    const dim = rng.int(0, nd + (rng.next() < 0.5 ? 1 : 0) || 1);
    if (rng.next() < 0.5 && nd >= 1) {
      const cs = s.slice();
      const cd = Math.min(dim, nd - 1);
      cs[cd] = rng.int(0, 3);
      return { op: 'cat', args: [xi, fresh(g, inputStep(rng, cs), ctx)], p: { dim: cd } };
    }
    return { op: 'stack', args: rng.next() < 0.3 ? [xi, xi] : [xi, fresh(g, inputStep(rng, s), ctx)], p: { dim: Math.min(dim, nd) } };
  }
  // In-place ops, mostly on non-leaves (a view of one, at times).
  const op = rng.pick(INPLACE);
  let t = xi;
  if (g.steps[t]!.op === 'input' && rng.next() < 0.85) t = fresh(g, { op: rng.pick(['mul', 'add']), args: [xi], p: { scalar: 1 } }, ctx);
  if (rng.next() < 0.3 && nd >= 1) {
    const dim = rng.int(0, nd);
    t = fresh(g, { op: 'slice', args: [t], p: { dim, start: rng.int(0, 2), end: s[dim]! + 1, step: rng.pick([1, 2]) } }, ctx);
  }
  const ts = [...g.vals[t]!.shape];
  if (op === 'clamp_') return { op, args: [t], p: { lo: rng.pick([-1, -0.25, 0, undefined]), hi: rng.pick([0.25, 1, undefined]) } };
  if (op === 'fill_') return { op, args: [t], p: { scalar: scalarOf(rng) } };
  if (op === 'zero_') return { op, args: [t] };
  if (op !== 'copy_' && rng.next() < 0.4) return { op, args: [t], p: { scalar: op === 'pow_' ? rng.pick([2, 0.5, -1]) : scalarOf(rng) } };
  const bs = broadcastable(rng, ts).slice(-Math.max(ts.length, 0) || undefined);
  return { op, args: [t, rng.next() < 0.15 ? rng.int(0, g.vals.length) : fresh(g, inputStep(rng, ts.length === 0 ? [] : bs), ctx)] };
}

/** Generates the program of one seed: its shapes and validity come from running each step on cpu in float64 as it is made. */
export async function generateProgram(seed: number): Promise<Program> {
  const rng = new Rng(seed);
  const ctx: RunContext = { device: 'cpu', dtype: 'float64' };
  return tidyAsync(async () => {
    const g: GenState = { steps: [], vals: [] };
    fresh(g, inputStep(rng, randomShape(rng)), ctx);
    if (rng.next() < 0.4) fresh(g, inputStep(rng, randomShape(rng)), ctx);
    const target = rng.int(1, 9);
    let made = 0;
    for (let tries = 0; made < target && tries < 40; tries++) {
      const floats = g.vals.map((v, i) => (core.isFloat(v.dtype) ? i : -1)).filter((i) => i >= 0);
      const xi = rng.next() < 0.5 ? floats[floats.length - 1]! : rng.pick(floats);
      const before = g.steps.length;
      const step = propose(rng, g, xi, ctx);
      try {
        g.vals.push(applyStep(step, g.vals, ctx));
        g.steps.push(step);
        made++;
      } catch {
        // Mostly try something else; now and then keep the failing step: both sides must fail alike.
        if (rng.next() < 0.1) {
          g.steps.push(step);
          break;
        }
        // Fresh inputs made for the dropped step stay: harmless, and the value numbers stay valid.
        void before;
      }
    }
    const n = g.steps.length;
    const loss = [n - 1];
    if (n > 2 && rng.next() < 0.5) loss.push(rng.int(0, n - 1));
    return { steps: g.steps, loss };
  });
}

// ---------------------------------------------------------------- judging

/** Ops whose result is one of several equal inputs, so a zero's sign follows their order of comparison. */
const PICKS = new Set(['amax', 'amin', 'maxdim', 'sort', 'topk']);

/** float32 results judged against cpu: per element, within this of cpu's float32 value... */
const F32_TOL: Tolerance = { rtol: 1e-4, atol: 1e-5 };
/**
 * ...or of cpu's float64 value, widened by the program's own sensitivity: the
 * inputs are perturbed by up to 2^-22 relative (four float32 ulps) and the
 * spread of the float64 results is what float32 rounding of the inputs alone
 * can move them. Each op rounds its result once more, which the factor covers
 * (16x the spread for programs of at most ~10 ops).
 */
const SPREAD_FACTOR = 16;
/** How many float32 roundings (2^-24 relative each) of a gradient's largest element its sums may lose: 16. */
const GRAD_SUM_ROUNDING = 2 ** -20;
const maxFinite = (d: Float64Array) => d.reduce((m, x) => (Number.isFinite(x) ? Math.max(m, Math.abs(x)) : m), 0);
/** float64 runs of other backends against cpu's float64: the spread scaled from float32's epsilon to float64's (2^-29). */
const F64_TOL: Tolerance = { rtol: 1e-9, atol: 1e-12 };

function behaviour(r: RunResult): string {
  return r.error ? `throws ${r.error.cls} at ${r.error.at}` : 'succeeds';
}

/** Same error class (where it happens may differ: an async device defers index errors to the readback). */
function sameBehaviour(a: RunResult, b: RunResult): boolean {
  if (!a.error || !b.error) return !a.error && !b.error;
  if (a.error.cls !== b.error.cls) return false;
  return a.error.at === b.error.at || a.error.at === 'readback' || b.error.at === 'readback';
}

const fmt = (v: number) => (Number.isNaN(v) ? 'nan' : Object.is(v, -0) ? '-0' : String(v));

/** Compares got with the references element by element: close to any of them (with its tolerance) passes. */
function compareElements(what: string, got: Float64Array, refs: { data: Float64Array; tol: Tolerance }[], spreadOf: (i: number) => number | null, spreadScale: number, sameDtypeRef: boolean, snapped: Float64Array | null, picksAmongZeros: boolean): Mismatch | null {
  for (let i = 0; i < got.length; i++) {
    // Ill-conditioned: the element moves (or turns NaN/inf) when intermediates at the rounding level of
    // their inputs become exact zeros, as a float32 backend may compute them (20 - logsumexp(-2.25, 20)
    // is -2e-10 on one and 0 on another, so v / v is 1 or NaN). Which one a backend gets is rounding,
    // not a bug, and no reference can judge it. Elements that do not depend on such a zero are judged as before.
    if (snapped && !close(snapped[i]!, refs[refs.length - 1]!.data[i]!, refs[refs.length - 1]!.tol)) continue;
    const spread = spreadOf(i);
    // Unstable (a perturbed run turns NaN/inf here, or back): only a reference of the same dtype, exactly computed alike, can judge it.
    if (spread === null && !sameDtypeRef) continue;
    const g = got[i]!;
    // The sign of a zero is part of the value (1 / x, atan2, copysign and rsqrt read it): against a
    // reference of the same dtype, a zero must have its sign. Rounding cannot flip it: a sum that
    // cancels exactly is +0 in any order, and -0 comes only from -0 terms, products and quotients.
    // A reduction that picks one of several equal elements (amin, amax, sort) may pick +0 or -0:
    // that depends on its order of comparison, which PyTorch does not fix either (amin of the same
    // relu output is +0 in float32 and -0 in float64 there).
    const z = refs[0]?.data[i];
    if (sameDtypeRef && !picksAmongZeros && g === 0 && z === 0 && Object.is(g, -0) !== Object.is(z, -0)) return { what, message: `element ${i}: got ${fmt(g)}, want ${fmt(z)} (the sign of a zero)`, index: i, got: g, want: z };
    let ok = false;
    for (const r of spread === null ? refs.slice(0, 1) : refs) {
      const w = r.data[i]!;
      // cpu's float32 against float64 alone: a backward formula of large or infinite values
      // (x^2 of 1e20, inf * exp(-200)) overflows or underflows float32's range inside one op, which
      // the judge (rounding once per step) cannot follow. Other backends meet cpu's float32 there.
      if (!sameDtypeRef && spreadScale === 1 && !Number.isFinite(g) && (!Number.isFinite(w) || Math.abs(w) >= 1e15)) {
        ok = true;
        break;
      }
      if (close(g, w, { rtol: r.tol.rtol, atol: r.tol.atol + SPREAD_FACTOR * (spread ?? 0) * spreadScale })) {
        ok = true;
        break;
      }
    }
    if (!ok) return { what, message: `element ${i}: got ${fmt(g)}, want ${refs.map((r) => fmt(r.data[i]!)).join(' or ')}`, index: i, got: g, want: refs[refs.length - 1]!.data[i]! };
  }
  return null;
}

/** The largest move of element i over perturbed runs of each (base, perturbed) family; null where one turns special. */
function spreadFn(families: { base: Float64Array; perturbed: Float64Array[] }[]): (i: number) => number | null {
  return (i) => {
    let s = 0;
    for (const { base, perturbed } of families) {
      const b = base[i]!;
      for (const p of perturbed) {
        const v = p[i]!;
        if (Number.isFinite(b) !== Number.isFinite(v) || Number.isNaN(b) !== Number.isNaN(v)) return null;
        if (Number.isFinite(b)) s = Math.max(s, Math.abs(v - b));
        else if (!Number.isNaN(b) && b !== v) return null;
      }
    }
    return s;
  };
}

/** A reference run and its perturbed runs: how far rounding and conditioning can move each result. */
interface Family {
  base: RunResult;
  perturbed: RunResult[];
}

function compareRuns(steps: readonly Step[], got: RunResult, refs: { r: RunResult; tol: Tolerance }[], families: Family[], spreadScale: number, label: string, sameDtypeRef: boolean, snap: RunResult | null = null): Mismatch[] {
  const base = refs[refs.length - 1]!.r;
  const out: Mismatch[] = [];
  const pick = (r: RunResult, kind: 'values' | 'grads', ref: number) => (r[kind] as { ref: number; data: Float64Array | null; shape?: number[] }[]).find((v) => v.ref === ref);
  for (const kind of ['values', 'grads'] as const) {
    for (const g of got[kind] as { ref: number; data: Float64Array | null; shape?: number[] }[]) {
      const b = pick(base, kind, g.ref);
      const what = `${label}${kind === 'values' ? 'value' : 'grad'} v${g.ref}`;
      if (!b) continue;
      if (g.shape && b.shape && g.shape.join() !== b.shape.join()) {
        out.push({ what, message: `shape [${g.shape}], cpu gives [${b.shape}]` });
        continue;
      }
      if ((g.data === null) !== (b.data === null)) {
        out.push({ what, message: g.data === null ? 'no gradient arrived; cpu has one' : 'a gradient arrived; cpu has none' });
        continue;
      }
      if (g.data === null || b.data === null) continue;
      if (g.data.length !== b.data.length) {
        out.push({ what, message: `${g.data.length} elements, cpu gives ${b.data.length}` });
        continue;
      }
      const n = b.data.length;
      const arr = (r: RunResult) => {
        const d = pick(r, kind, g.ref)?.data;
        return d instanceof Float64Array && d.length === n ? d : null;
      };
      const fams = families.flatMap((f) => {
        const fb = arr(f.base);
        return fb ? [{ base: fb, perturbed: f.perturbed.map(arr).filter((d): d is Float64Array => d !== null) }] : [];
      });
      // A float32 gradient is summed from each path's contribution, rounded as it goes, and the
      // float64 judge sums exactly: where the contributions cancel (x - logSoftmax(x) gives +g and
      // -(g - softmax * sum g)), float32 keeps nothing of a term far below the others, as PyTorch's
      // float32 does. Against the float64 judge, a gradient element may be off by a few roundings of
      // the tensor's largest element.
      const sums = kind === 'grads' && spreadScale === 1 ? GRAD_SUM_ROUNDING * maxFinite(b.data) : 0;
      const rs = refs.map(({ r, tol }, k) => ({ data: pick(r, kind, g.ref)?.data, tol: k === refs.length - 1 ? { ...tol, atol: tol.atol + sums } : tol })).filter((x): x is { data: Float64Array; tol: Tolerance } => x.data instanceof Float64Array && x.data.length === b.data!.length);
      const m = compareElements(what, g.data, rs, spreadFn(fams), spreadScale, sameDtypeRef, snap ? arr(snap) : null, kind === 'values' && PICKS.has(steps[g.ref]?.op ?? ''));
      if (m) out.push(m);
    }
  }
  return out;
}

export interface FuzzCheckOptions {
  /** Milliseconds a program may take on the backend before it counts as a hang. */
  timeoutMs?: number;
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a program on `backend` and the references; returns every difference (empty: it agrees). */
export async function checkProgram(prog: Program, backend: string, options: FuzzCheckOptions = {}): Promise<Mismatch[]> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const failures: Mismatch[] = [];
  // The float64 judge of float32 runs keeps float32's range (round32); float64 runs get a plain float64 one.
  const c64 = await runProgram(prog, { device: 'cpu', dtype: 'float64', round32: true });
  const p64: RunResult[] = [];
  for (const k of [1, 2]) p64.push(await runProgram(prog, { device: 'cpu', dtype: 'float64', round32: true, perturb: new Rng(k) }));
  // Every op's result an ulp off, at random and all one way: where a cliff (a NaN or an infinity one
  // ulp away) or a cancellation makes float32 kernels that differ by an ulp differ by more.
  for (const nudge of [new Rng(5), 1, -1] as const) p64.push(await runProgram(prog, { device: 'cpu', dtype: 'float64', round32: true, nudge }));
  const c32 = await runProgram(prog, { device: 'cpu', dtype: 'float32' });
  // float32 runs from perturbed inputs: the rounding noise of the float32 computation itself
  // (cancellation inside a backward formula, an intermediate that overflows), which the float64
  // judge's own perturbations cannot show.
  const p32: RunResult[] = [];
  for (const k of [3, 4]) p32.push(await runProgram(prog, { device: 'cpu', dtype: 'float32', perturb: new Rng(k) }));
  const f32: Family[] = [
    { base: c64, perturbed: p64 },
    { base: c32, perturbed: p32 },
  ];
  const trace = new CaseTrace();
  const runTarget = async (dtype: 'float32' | 'float64'): Promise<RunResult | null> => {
    try {
      const { value, leak } = await withLeakCheck(backend, () => withTimeout(runProgram(prog, { device: backend, dtype }, backend === 'cpu' ? null : trace), timeoutMs, `the program in ${dtype} on ${backend}`));
      if (leak) failures.push({ ...leak, what: `${dtype} memory` });
      return value;
    } catch (e) {
      failures.push({ what: `${dtype} run`, message: describeError(e) });
      return null;
    }
  };
  if (backend === 'cpu') {
    // cpu's float32 against its own float64: the same behaviour (a version check may not depend on the dtype), values within float32 rounding.
    const t32 = await runTarget('float32');
    if (t32) {
      if (!sameBehaviour(t32, c64)) failures.push({ what: 'behaviour', message: `float32 ${behaviour(t32)}, float64 ${behaviour(c64)}` });
      else if (!t32.error || t32.error.at === 'backward') {
        const snap = await runProgram(prog, { device: 'cpu', dtype: 'float64', round32: true, snap: true });
        failures.push(...compareRuns(prog.steps, t32, [{ r: c64, tol: F32_TOL }], f32, 1, 'float32 ', false, sameBehaviour(snap, c64) ? snap : null));
      }
    }
  } else {
    const t32 = await runTarget('float32');
    if (t32) {
      if (!sameBehaviour(t32, c32)) failures.push({ what: 'behaviour', message: `this backend ${behaviour(t32)}, cpu ${behaviour(c32)}` });
      else if (!t32.error || t32.error.at === 'backward') {
        const snap = await runProgram(prog, { device: 'cpu', dtype: 'float64', round32: true, snap: true });
        failures.push(...compareRuns(prog.steps, t32, [{ r: c32, tol: F32_TOL }, { r: c64, tol: F32_TOL }], f32, 1, 'float32 ', true, sameBehaviour(snap, c64) ? snap : null));
      }
    }
    if (findBackend(backend)?.supportsFloat64) {
      const t64 = await runTarget('float64');
      if (t64) {
        const r64 = await runProgram(prog, { device: 'cpu', dtype: 'float64' });
        const q64: RunResult[] = [];
        for (const k of [1, 2]) q64.push(await runProgram(prog, { device: 'cpu', dtype: 'float64', perturb: new Rng(k) }));
        if (!sameBehaviour(t64, r64)) failures.push({ what: 'behaviour', message: `float64: this backend ${behaviour(t64)}, cpu ${behaviour(r64)}` });
        else if (!t64.error || t64.error.at === 'backward') failures.push(...compareRuns(prog.steps, t64, [{ r: r64, tol: F64_TOL }], [{ base: r64, perturbed: q64 }], 2 ** -29, 'float64 ', true));
      }
    }
    for (const p of honestyProblems(trace.counts, backend)) failures.push({ what: 'honesty', message: p });
  }
  return failures;
}

// ---------------------------------------------------------------- shrinking

/** Removes steps (and every step that depends on them), renumbering the rest; null when nothing is left to judge. */
export function removeSteps(prog: Program, drop: ReadonlySet<number>): Program | null {
  const gone = new Set(drop);
  for (let i = 0; i < prog.steps.length; i++) if (prog.steps[i]!.args.some((a) => gone.has(a))) gone.add(i);
  const map = new Map<number, number>();
  const steps: Step[] = [];
  prog.steps.forEach((s, i) => {
    if (gone.has(i)) return;
    map.set(i, steps.length);
    steps.push({ ...s, args: s.args.map((a) => map.get(a)!) });
  });
  if (steps.length === 0) return null;
  let loss = prog.loss.filter((r) => map.has(r)).map((r) => map.get(r)!);
  if (loss.length === 0) loss = [steps.length - 1];
  return { steps, loss };
}

/** The input with one dim cut to `size`: the leading block of its data. */
function shrinkInput(step: Step, dim: number, size: number): Step {
  const p = step.p as { shape: number[]; data: JsonNum[] };
  const shape = p.shape.slice();
  const old = shape[dim]!;
  shape[dim] = size;
  const inner = numel(p.shape.slice(dim + 1));
  const data = p.data.filter((_, i) => Math.floor(i / inner) % old < size);
  return { ...step, p: { ...step.p, shape, data } };
}

/**
 * Shrinks a failing program while it keeps failing: drops steps (with what
 * depends on them), loss terms, and cuts input dims, up to `budget` checks.
 */
export async function shrinkProgram(prog: Program, fails: (p: Program) => Promise<boolean>, budget = 150): Promise<Program> {
  let best = prog;
  let left = budget;
  const attempt = async (p: Program | null): Promise<boolean> => {
    if (p === null || left <= 0) return false;
    left--;
    if (await fails(p)) {
      best = p;
      return true;
    }
    return false;
  };
  for (let progress = true; progress && left > 0; ) {
    progress = false;
    for (let i = best.steps.length - 1; i >= 0; i--) if (i < best.steps.length && (await attempt(removeSteps(best, new Set([i]))))) progress = true;
    if (best.loss.length > 1) for (let k = 0; k < best.loss.length; k++) if (await attempt({ ...best, loss: best.loss.filter((_, j) => j !== k) })) progress = true;
    for (let i = 0; i < best.steps.length; i++) {
      const s = best.steps[i]!;
      if (s.op !== 'input') continue;
      const shape = (s.p as { shape: number[] }).shape;
      for (let d = 0; d < shape.length; d++)
        for (const size of [1, shape[d]! - 1]) {
          const cur = (best.steps[i]!.p as { shape: number[] }).shape;
          if (size < 0 || size >= cur[d]!) continue;
          const steps = best.steps.slice();
          steps[i] = shrinkInput(best.steps[i]!, d, size);
          if (await attempt({ ...best, steps })) progress = true;
        }
      // Simpler numbers: specials first kept, ordinary values rounded.
      const data = (best.steps[i]!.p as { data: JsonNum[] }).data;
      const rounded = data.map((v) => (typeof v === 'number' && !(s.p as { int?: boolean }).int ? Math.round(v * 4) / 4 : v));
      if (rounded.some((v, k) => v !== data[k])) {
        const steps = best.steps.slice();
        steps[i] = { ...best.steps[i]!, p: { ...best.steps[i]!.p, data: rounded } };
        if (await attempt({ ...best, steps })) progress = true;
      }
    }
  }
  return best;
}

/** A program as code, one line a step, for the failure report. */
export function formatProgram(prog: Program): string {
  const lines = prog.steps.map((s, i) => {
    const p = s.p ?? {};
    if (s.op === 'input') {
      const q = p as { shape: number[]; data: JsonNum[]; grad?: boolean; int?: boolean };
      return `v${i} = tensor(${JSON.stringify(q.data)}, shape [${q.shape}]${q.int ? ', int32' : ''}${q.grad ? ', requiresGrad' : ''})`;
    }
    const args = s.args.map((a) => `v${a}`).join(', ');
    return `v${i} = ${s.op}(${args}${Object.keys(p).length ? `, ${JSON.stringify(p)}` : ''})`;
  });
  lines.push(`loss = ${prog.loss.map((r) => `sum(v${r} * w)`).join(' + ')}; loss.backward()`);
  return lines.join('\n');
}

// ---------------------------------------------------------------- running

export interface FuzzOptions {
  /** Programs to run. */
  count?: number;
  /** Seed of the first program; program i uses seed + i, so `--seed <that> --fuzz 1` reruns one. */
  seed?: number;
  /** Stop after this many milliseconds (with at least one program run). */
  timeLimitMs?: number;
  /** Stop after this many failing programs (default 5): each one is shrunk, which costs time. */
  maxFailures?: number;
  /** Called after each program (progress). */
  onProgram?: (done: number, failed: number) => void;
  timeoutMs?: number;
}

export interface FuzzFailure {
  seed: number;
  failures: Mismatch[];
  program: Program;
  minimised: Program;
}

export interface FuzzResult {
  backend: string;
  seed: number;
  programs: number;
  failed: FuzzFailure[];
  ms: number;
}

export const FUZZ_SEED = 25_000;

export async function runFuzz(backend: string, options: FuzzOptions = {}): Promise<FuzzResult> {
  const seed = options.seed ?? FUZZ_SEED;
  const count = options.count ?? 100;
  const maxFailures = options.maxFailures ?? 5;
  const t0 = Date.now();
  const failed: FuzzFailure[] = [];
  let programs = 0;
  for (let i = 0; i < count; i++) {
    if (options.timeLimitMs !== undefined && i > 0 && Date.now() - t0 > options.timeLimitMs) break;
    const s = (seed + i) >>> 0;
    let program: Program;
    let failures: Mismatch[];
    try {
      program = await generateProgram(s);
      failures = await checkProgram(program, backend, options);
    } catch (e) {
      program ??= { steps: [], loss: [] };
      failures = [{ what: 'fuzzer', message: describeError(e) }];
    }
    programs++;
    if (failures.length > 0) {
      const minimised = program.steps.length === 0 ? program : await shrinkProgram(program, async (p) => (await checkProgram(p, backend, options).catch(() => [{ what: 'x', message: '' }])).length > 0);
      const finalFailures = minimised === program ? failures : await checkProgram(minimised, backend, options).catch((e) => [{ what: 'fuzzer', message: describeError(e) }]);
      failed.push({ seed: s, failures: finalFailures, program, minimised });
    }
    options.onProgram?.(programs, failed.length);
    if (failed.length >= maxFailures) break;
  }
  return { backend, seed, programs, failed, ms: Date.now() - t0 };
}

export function formatFuzzFailure(f: FuzzFailure, backend: string): string {
  return [
    `fuzz program seed ${f.seed} fails on ${backend} (rerun: --backend ${backend} --fuzz 1 --seed ${f.seed}):`,
    ...f.failures.slice(0, 4).map((m) => `  ${m.what}: ${m.message}`),
    '  minimised program:',
    ...formatProgram(f.minimised).split('\n').map((l) => `    ${l}`),
    `  as JSON: ${JSON.stringify(f.minimised)}`,
  ].join('\n');
}

/** The fuzz run as conformance results: one per failing program, and one that passed for the clean rest. */
export function fuzzCases(r: FuzzResult): CaseResult[] {
  const base = { kind: 'fuzz' as const, subject: 'program fuzzer', file: 'fuzz', backend: r.backend, maxRelError: 0 };
  const out: CaseResult[] = r.failed.map((f) => ({ ...base, id: `fuzz/seed-${f.seed}`, status: 'failed' as const, seed: f.seed, failures: [{ what: 'program', message: formatFuzzFailure(f, r.backend) }] }));
  out.push({ ...base, id: `fuzz/${r.seed}+${r.programs}`, status: r.programs > 0 ? 'passed' : 'failed', seed: r.seed, failures: r.programs > 0 ? [] : [{ what: 'fuzz', message: 'no program ran' }] });
  return out;
}

export type { DType };
