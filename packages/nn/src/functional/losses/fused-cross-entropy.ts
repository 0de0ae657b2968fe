import {
  arange,
  declareComposite,
  div,
  emptyOn,
  eq,
  fusedKernelCall,
  Generator,
  isGradEnabled,
  logicalAnd,
  logSoftmax,
  logSoftmaxBackward,
  ne,
  needsGrad,
  neg,
  noGrad,
  randn,
  record,
  sum,
  type Tensor,
  tidy,
  unsqueeze,
  where,
} from '@tensile/core';
import { reduceWeighted, nllTerms } from './nll-loss.js';

/** The largest batch and class count the fused path takes. */
const FUSED_MAX = 16384;

/**
 * What a backend's fused `nllLossReduced` and `crossEntropyBackward` kernels receive: the ignored
 * class index and the reduction ('mean' divides by the number of targets not ignored; NaN when
 * every target is ignored).
 */
export interface NllKernelOptions {
  readonly ignoreIndex: number;
  readonly reduction: 'mean' | 'sum';
}

/**
 * nllLoss of contiguous float32 log-probabilities [N, C] at int32 targets [N], without class
 * weights, reduced to a scalar: the composite of primitives (nllTerms + reduceWeighted) that a
 * fused kernel must match.
 */
export function nllLossReducedComposed(logp: Tensor, target: Tensor, o: NllKernelOptions): Tensor {
  return tidy(() => {
    const { loss, weights, kept } = nllTerms(logp, target, null, o.ignoreIndex);
    return reduceWeighted(loss, weights, kept, o.reduction);
  });
}

/** The gradient nllLossReduced sends to each log-probability for a scalar upstream gradient g. */
function nllGradComposed(g: Tensor, logp: Tensor, target: Tensor, o: NllKernelOptions): Tensor {
  return tidy(() => {
    const kept = ne(target, o.ignoreIndex);
    let scale: Tensor = g;
    if (o.reduction === 'mean') {
      const count = sum(where(kept, 1, 0)).to(logp.dtype);
      // Every target ignored: the loss is NaN and its gradient 0, as PyTorch's.
      scale = where(eq(count, 0), 0, div(g, where(eq(count, 0), 1, count)));
    }
    const safe = where(kept, target, 0);
    const hit = logicalAnd(eq(unsqueeze(safe, 1), arange(logp.shape[1]!, { device: logp.device, dtype: 'int32' })), unsqueeze(kept, 1));
    return where(hit, neg(scale), 0);
  });
}

/**
 * crossEntropy's gradient with respect to the logits, from the saved log-probabilities:
 * logSoftmaxBackward of nllLoss's gradient, op by op (what a fused `crossEntropyBackward` kernel
 * must match; differentiable in g and logp).
 */
export function crossEntropyBackwardComposed(g: Tensor, logp: Tensor, target: Tensor, o: NllKernelOptions): Tensor {
  return tidy(() => logSoftmaxBackward(nllGradComposed(g, logp, target, o), logp, 1));
}

/**
 * Class-index cross-entropy of [N, C] float32 logits without class weights or label smoothing,
 * reduced by 'mean' or 'sum', through a backend's fused kernels (null where it has none): the
 * fused logSoftmax, one kernel for the reduced nll and one for the whole gradient, three
 * dispatches instead of about thirty on a GPU. The gradient stays differentiable: where a graph
 * of it is needed (createGraph), it is built from differentiable ops of the logits instead.
 */
export function crossEntropyViaFused(input: Tensor, target: Tensor, o: NllKernelOptions): Tensor | null {
  if (input.dtype !== 'float32' || input.ndim !== 2 || target.dtype !== 'int32') return null;
  // Up to one reduce tile of rows and of classes: the kernels loop over them per invocation (see webgpu's loss.wgsl.ts).
  if (input.shape[0]! > FUSED_MAX || input.shape[1]! > FUSED_MAX) return null;
  const backend = input.storage.backend;
  const forward = fusedKernelCall('nllLossReduced', backend);
  if (forward === undefined || fusedKernelCall('crossEntropyBackward', backend) === undefined) return null;
  const logp = noGrad(() => logSoftmax(input, 1));
  const loss = emptyOn(backend.name, [], 'float32');
  forward([logp, target], o as unknown as Readonly<Record<string, unknown>>, loss);
  if (needsGrad(input))
    record('crossEntropy', [input], [loss], [logp], (g, saved) => [crossEntropyBackward(g, saved[0]!, target, o, input)]);
  return loss;
}

function crossEntropyBackward(g: Tensor, logp: Tensor, target: Tensor, o: NllKernelOptions, input: Tensor): Tensor {
  const k =
    g.dtype === 'float32' && !needsGrad(g) && !(isGradEnabled() && input.requiresGrad)
      ? fusedKernelCall('crossEntropyBackward', logp.storage.backend)
      : undefined;
  if (k === undefined) {
    // A graph of the gradient is wanted: the log-probabilities again, now as a function of the logits.
    return tidy(() => crossEntropyBackwardComposed(g, logSoftmax(input, 1), target, o));
  }
  const out = emptyOn(logp.device, logp.shape, 'float32');
  k([g.isContiguous() ? g : g.contiguous(), logp, target], o as unknown as Readonly<Record<string, unknown>>, out);
  return out;
}

const logpOf = (device: string, seed: number, n: number, c: number): Tensor =>
  logSoftmax(randn([n, c], { device, generator: new Generator(seed) }), 1);
/** Targets with one of every kind of entry: classes, and the ignored index in the variants that ignore some. */
const targetsOf = (device: string, n: number, c: number, ignored: number | null): Tensor =>
  tidy(() => {
    const t = arange(n, { device, dtype: 'int32' }).mul(3).remainder(c);
    return ignored === null ? t : where(eq(arange(n, { device, dtype: 'int32' }).remainder(3), 1), ignored, t);
  });
const NLL_VARIANTS = [
  { reduction: 'mean', ignoreIndex: -100, ignored: null },
  { reduction: 'sum', ignoreIndex: -100, ignored: null },
  { reduction: 'mean', ignoreIndex: 2, ignored: 2 },
  { reduction: 'mean', ignoreIndex: -1, ignored: -1, shape: [1, 4] },
  { reduction: 'sum', ignoreIndex: 0, ignored: 0, shape: [6, 300] },
];
const shapeOf = (v: Readonly<Record<string, unknown>>) => (v.shape as [number, number] | undefined) ?? [5, 7];

declareComposite(
  'nllLossReduced',
  {
    group: 'nn',
    dtype: 'float-only',
    arity: 2,
    differentiable: false,
    doc: "nllLoss of contiguous float32 log-probabilities [N, C] at int32 targets [N] without class weights, reduced ('mean' over the targets not ignored, or 'sum') to a scalar: cross-entropy's forward after the fused logSoftmax",
  },
  {
    inputs: (device, seed, v) => {
      const [n, c] = shapeOf(v);
      return [logpOf(device, seed, n, c), targetsOf(device, n, c, v.ignored as number | null)];
    },
    variants: NLL_VARIANTS,
    inputKeys: ['ignored', 'shape'],
    composed: (ins, o) => nllLossReducedComposed(ins[0]!, ins[1]!, o as unknown as NllKernelOptions),
  },
);

declareComposite(
  'crossEntropyBackward',
  {
    group: 'nn',
    dtype: 'float-only',
    arity: 3,
    differentiable: false,
    doc: "cross-entropy's gradient for the logits from a scalar gradient g, the saved log-probabilities [N, C] and int32 targets [N], without class weights: logSoftmaxBackward of nllLoss's gradient in one pass",
  },
  {
    inputs: (device, seed, v) => {
      const [n, c] = shapeOf(v);
      return [
        randn([], { device, generator: new Generator(seed + 7) }),
        logpOf(device, seed, n, c),
        targetsOf(device, n, c, v.ignored as number | null),
      ];
    },
    variants: NLL_VARIANTS,
    inputKeys: ['ignored', 'shape'],
    composed: (ins, o) => crossEntropyBackwardComposed(ins[0]!, ins[1]!, ins[2]!, o as unknown as NllKernelOptions),
  },
);
