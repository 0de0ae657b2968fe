import { findBackend, kthvalueAsync, PRIMITIVES, type Tensor, tensor } from '@tensile/core';
import type { Mismatch } from '../compare.js';
import { NotImplemented } from '../expect-error.js';
import { decodeValue, type GoldenCase } from '../golden.js';
import { camel, type Fn, requireFunction } from '../resolve.js';
import { buildTensorArg, type CaseContext, isTensorSpec, type Prepared, runForwardCase } from './forward.js';

type Bound = Record<string, unknown>;

interface OpAdapter {
  /** PyTorch's parameter names in order: positional args bind in this order, kwargs by name. */
  params: string[];
  /** Library names to look for (core first, then nn.functional). */
  fn: string[];
  /** The call in the library's convention; default: the bound values positionally, trailing unset ones dropped. */
  call?: (f: Fn, a: Bound) => unknown;
  /** The result is read back to the host by the op itself (allclose, equal): one readback is the result. */
  hostResult?: boolean;
}

/** Only the options that were given: the library rejects keys it does not know, and undefined must not count. */
function given(a: Bound, keys: readonly string[]): Bound {
  const o: Bound = {};
  for (const k of keys) if (a[k] !== undefined) o[k] = a[k];
  return o;
}

const op = (params: string, fn?: string, call?: OpAdapter['call']): Partial<OpAdapter> => ({ params: params.split(' '), ...(fn ? { fn: [fn] } : {}), ...(call ? { call } : {}) });
const reduction = op('input dim keepdim');
/** PyTorch signatures whose trailing options are an options object in Tensile. */
const withOptions = (params: string, positional: number, fn?: string) =>
  op(params, fn, (f, a) => {
    const names = params.split(' ');
    return f(...names.slice(0, positional).map((n) => a[n]), given(a, names.slice(positional)));
  });

const TABLE: Record<string, Partial<OpAdapter>> = {
  add: op('input other alpha'),
  sub: op('input other alpha'),
  pow: op('input exponent'),
  where: op('condition input other'),
  clamp: op('input min max'),
  softplus: op('input beta threshold'),
  leaky_relu: op('input negativeSlope'),
  elu: op('input alpha'),
  gelu: op('input approximate'),
  hardtanh: op('input minVal maxVal'),
  dropout: op('input p training'),
  layer_norm: withOptions('input normalizedShape weight bias eps', 2),
  group_norm: withOptions('input numGroups weight bias eps', 2),
  rms_norm: withOptions('input normalizedShape weight eps', 2),
  cumsum: op('input dim'),
  cumprod: op('input dim'),
  sort: withOptions('input dim descending stable', 1),
  topk: withOptions('input k dim largest sorted', 2),
  argsort: op('input dim descending'),
  masked_fill: op('input mask value'),
  gather: op('input dim index'),
  scatter: op('input dim index src'),
  scatter_add: op('input dim index src'),
  index_select: op('input dim index'),
  index_put: op('input indices values accumulate'),
  take_along_dim: op('input indices dim'),
  one_hot: op('input numClasses'),
  normalize: withOptions('input p dim eps', 1),
  add_: op('input other alpha'),
  sub_: op('input other alpha'),
  select: op('input dim index'),
  slice: op('input dim start end step'),
  unflatten: op('input dim sizes'),
  softmax: op('input dim'),
  log_softmax: op('input dim'),
  matmul: op('input other'),
  bmm: op('input mat2'),
  addmm: withOptions('input mat1 mat2 beta alpha', 3),
  baddbmm: withOptions('input batch1 batch2 beta alpha', 3),
  tril: op('input diagonal'),
  triu: op('input diagonal'),
  diagonal: op('input offset dim1 dim2'),
  repeat: op('input repeats'),
  unbind: op('input dim'),
  // Getters, as PyTorch's x.T and x.mT: the call reads the property (fn only proves core has the view ops).
  T: { params: ['input'], fn: ['permute'], call: (_f, a) => (a.input as Tensor).T },
  mT: { params: ['input'], fn: ['transpose'], call: (_f, a) => (a.input as Tensor).mT },
  scaled_dot_product_attention: withOptions('query key value attnMask dropoutP isCausal scale', 3),
  multi_head_attention_forward: withOptions(
    'query key value embedDimToCheck numHeads inProjWeight inProjBias biasK biasV addZeroAttn dropoutP outProjWeight outProjBias ' +
      'training keyPaddingMask needWeights attnMask useSeparateProjWeight qProjWeight kProjWeight vProjWeight staticK staticV averageAttnWeights',
    13,
  ),
  linear: op('input weight bias'),
  flip: op('input dims'),
  roll: op('input shifts dims'),
  outer: op('input vec2'),
  diag: op('input diagonal'),
  diff: withOptions('input n dim prepend append', 1),
  lerp: op('input end weight'),
  isclose: withOptions('input other rtol atol equalNan', 2),
  // allclose / equal resolve to a boolean (they read back): the golden stores it as a 0-d bool tensor.
  allclose: {
    ...op('input other rtol atol equalNan', undefined, async (f, a) =>
      tensor(await (f(a.input, a.other, given(a, ['rtol', 'atol', 'equalNan'])) as Promise<boolean>), { device: (a.input as Tensor).device })),
    hostResult: true,
  },
  equal: { ...op('input other', undefined, async (f, a) => tensor(await (f(a.input, a.other) as Promise<boolean>), { device: (a.input as Tensor).device })), hostResult: true },
  cross: op('input other dim'),
  nonzero: { ...op('input asTuple', undefined, (f, a) => f(a.input, given(a, ['asTuple']))), hostResult: true },
  masked_select: { ...op('input mask'), hostResult: true },
  unique: { ...withOptions('input sorted returnInverse returnCounts dim', 1), hostResult: true },
  cdist: withOptions('x1 x2 p computeMode', 2),
  meshgrid: withOptions('tensors indexing', 1),
  repeat_interleave: op('input repeats dim'),
  tile: op('input dims'),
  hypot: op('input other'),
  cummax: op('input dim'),
  cummin: op('input dim'),
  logcumsumexp: op('input dim'),
  median: op('input dim keepdim'),
  // The index comes from a host quickselect: a device without synchronous readback reads the input
  // first (kthvalueAsync), its one readback, as nonzero's and unique's.
  kthvalue: {
    ...op('input k dim keepdim', undefined, (f, a) => {
      const x = a.input as Tensor;
      const args = [x, a.k as number, (a.dim as number | undefined) ?? -1, (a.keepdim as boolean | undefined) ?? false] as const;
      return findBackend(x.device)?.syncReadback === false ? kthvalueAsync(...args) : f(...args);
    }),
    hostResult: true,
  },
  quantile: op('input q dim keepdim interpolation'),
  searchsorted: withOptions('sortedSequence input sorter outInt32 right side', 2),
  bincount: withOptions('input weights minlength', 1),
  // Tensor methods (PyTorch's x.long(), x.type_as(y), ...): fn only proves core has the function behind them.
  float: { params: ['input'], fn: ['toDtype'], call: (_f, a) => (a.input as Tensor).float() },
  int: { params: ['input'], fn: ['toDtype'], call: (_f, a) => (a.input as Tensor).int() },
  long: { params: ['input'], fn: ['toLong'], call: (_f, a) => (a.input as Tensor).long() },
  bool: { params: ['input'], fn: ['toDtype'], call: (_f, a) => (a.input as Tensor).bool() },
  type_as: { params: ['input', 'other'], fn: ['toDtype'], call: (_f, a) => (a.input as Tensor).typeAs(a.other as Tensor) },
  view_as: { params: ['input', 'other'], fn: ['view'], call: (_f, a) => (a.input as Tensor).viewAs(a.other as Tensor) },
  reshape_as: { params: ['input', 'other'], fn: ['reshape'], call: (_f, a) => (a.input as Tensor).reshapeAs(a.other as Tensor) },
  sum: reduction,
  prod: reduction,
  mean: reduction,
  amax: reduction,
  amin: reduction,
  logsumexp: reduction,
  max: reduction,
  min: reduction,
  argmax: reduction,
  argmin: reduction,
  all: reduction,
  any: reduction,
  var: withOptions('input dim unbiased keepdim correction', 1, 'variance'),
  std: withOptions('input dim unbiased keepdim correction', 1),
  norm: op('input p dim keepdim'),
  reshape: op('input shape'),
  view: op('input shape'),
  transpose: op('input dim0 dim1'),
  permute: op('input dims'),
  expand: op('input size'),
  cat: op('tensors dim'),
  stack: op('tensors dim'),
  narrow: op('input dim start length'),
  squeeze: op('input dim'),
  unsqueeze: op('input dim'),
  flatten: op('input startDim endDim'),
  split: op('tensor splitSizeOrSections dim'),
  chunk: op('input chunks dim'),
  conv1d: withOptions('input weight bias stride padding dilation groups', 3),
  conv2d: withOptions('input weight bias stride padding dilation groups', 3),
  max_pool1d: withOptions('input kernelSize stride padding dilation ceilMode returnIndices', 2),
  max_pool2d: withOptions('input kernelSize stride padding dilation ceilMode returnIndices', 2),
  avg_pool1d: withOptions('input kernelSize stride padding ceilMode countIncludePad', 2),
  avg_pool2d: withOptions('input kernelSize stride padding ceilMode countIncludePad divisorOverride', 2),
  bilinear: op('input1 input2 weight bias'),
  embedding_bag: withOptions('input weight offsets maxNorm normType scaleGradByFreq mode sparse perSampleWeights includeLastOffset paddingIdx', 3),
  pad_sequence: withOptions('sequences batchFirst paddingValue', 1),
  pad: withOptions('input pad mode value', 2),
  interpolate: withOptions('input size scaleFactor mode alignCorners recomputeScaleFactor', 1),
  pixel_shuffle: op('input upscaleFactor'),
  pixel_unshuffle: op('input downscaleFactor'),
  unfold: withOptions('input kernelSize dilation padding stride', 2),
  fold: withOptions('input outputSize kernelSize dilation padding stride', 3),
  adaptive_max_pool1d: withOptions('input outputSize returnIndices', 2),
  adaptive_max_pool2d: withOptions('input outputSize returnIndices', 2),
  instance_norm: withOptions('input runningMean runningVar weight bias useInputStats momentum eps', 3),
};

// Every elementwise primitive takes PyTorch's (input) or (input, other).
for (const [name, spec] of Object.entries(PRIMITIVES)) {
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (TABLE[snake] !== undefined) continue;
  if (spec.kind === 'unary') TABLE[snake] = op('input');
  else if (spec.kind === 'binary') TABLE[snake] = op('input other');
}

/** The adapter for a PyTorch op name; an op outside the table binds positionally, with kwargs as a trailing options object. */
function adapterFor(name: string): OpAdapter {
  const t = TABLE[name];
  const fn = t?.fn ?? [camel(name)];
  if (t?.params) return { params: t.params, fn, ...(t.call ? { call: t.call } : {}), ...(t.hostResult ? { hostResult: true } : {}) };
  return { params: [], fn };
}

function bind(name: string, a: OpAdapter, args: unknown[], kwargs: Bound): { bound: Bound; extra: unknown[] } {
  const bound: Bound = {};
  const extra: unknown[] = [];
  args.forEach((v, i) => {
    if (i < a.params.length) bound[a.params[i]!] = v;
    else if (a.params.length === 0) extra.push(v);
    else throw new NotImplemented(`not implemented: ${name} takes ${a.params.length} positional argument(s) (${a.params.join(', ')}), the case passes ${args.length}`);
  });
  for (const [k, v] of Object.entries(kwargs)) {
    if (a.params.length > 0 && !a.params.includes(k)) throw new NotImplemented(`not implemented: ${name} has no option '${k}' (known: ${a.params.join(', ')})`);
    bound[k] = v;
  }
  return { bound, extra };
}

function invoke(a: OpAdapter, f: Fn, bound: Bound, extra: unknown[], kwargs: Bound): unknown {
  if (a.call) return a.call(f, bound);
  if (a.params.length === 0) return Object.keys(kwargs).length > 0 ? f(...extra, kwargs) : f(...extra);
  const vals = a.params.map((p) => bound[p]);
  while (vals.length > 0 && vals[vals.length - 1] === undefined) vals.pop();
  return f(...vals);
}

export function runOpCase(c: GoldenCase, ctx: CaseContext): Promise<Mismatch[]> {
  const name = String(c.op);
  return runForwardCase(c, ctx, (): Prepared => {
    const a = adapterFor(name);
    const f = requireFunction(`op ${name}`, a.fn);
    const inputs = new Map<string, Tensor | Tensor[]>();
    const args = ((c.args ?? []) as unknown[]).map((x) => (isTensorSpec(x) ? buildTensorArg(x, ctx.backend, inputs) : decodeValue(x)));
    const kwargs: Bound = {};
    for (const [k, v] of Object.entries((c.kwargs ?? {}) as Bound)) kwargs[k] = decodeValue(v);
    const { bound, extra } = bind(name, a, args, kwargs);
    return { call: () => invoke(a, f, bound, extra, kwargs), inputs, names: [name, camel(name), ...a.fn], ...(a.hostResult ? { hostResult: true } : {}) };
  });
}
