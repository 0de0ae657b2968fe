import './methods.js';

export { Tensor, isTensor, emptyOn, type NestedArray } from './tensor.js';
export type { DType, FloatDType, HostArray } from './dtype.js';
export { isFloat, promoteTypes, bytesPerElement, DTYPES, arrayFor } from './dtype.js';
export { TensileError, ShapeError, DTypeError, DeviceError, IndexError, ValueError, fmtShape } from './errors.js';
export { checkOptions } from './options.js';
export * from './shape.js';
export type { Backend, Storage, TensorView, MemoryInfo, ValueCheck, KernelSignatures, Kernel, KernelTable, FusedKernel } from './backend/backend.js';
export {
  registerBackend,
  registerKernel,
  setBackend,
  getBackend,
  ready,
  type ReadyOptions,
  listBackends,
  findBackend,
  getBackendObject,
  kernelCoverage,
  fusedKernel,
  fusedKernelCall,
  setTrace,
  type Trace,
} from './backend/registry.js';
export { PRIMITIVES, COMPOSITES, OP_TABLE, isPrimitive, type OpSpec, type PrimitiveSpec, type PrimitiveOp, type CompositeOp, type OpName, type UnaryOp, type BinaryOp, type ReduceOp } from './ops/table.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/grad-mode.js';
export { backward, grad, type BackwardOptions, type GradOptions } from './autograd/engine.js';
export { needsGrad, needsGradList, record } from './autograd/record.js';
export type { BackwardFn } from './autograd/node.js';
export { tidy, tidyAsync, keep, dispose, memory, resetPeakMemory } from './memory.js';
export { Generator, manualSeed, defaultGenerator } from './random.js';
export * from './creation.js';
export * from './ops/elementwise.js';
export { castTo, toDtype } from './ops/cast.js';
export { toDevice, toDeviceAsync } from './ops/device.js';
export * from './ops/reduce.js';
export * from './ops/view.js';
export * from './ops/indexing.js';
export * from './ops/scan.js';
export { add_, sub_, mul_, div_, pow_, fill_, zero_, copy_, clamp_, maskedFill_, checkWritable } from './ops/inplace.js';
export { declareComposite, declaredComposites, type CompositeDeclaration, type FusedCheck } from './ops/declare.js';
export { matmul, linear, linearComposed, bmm, addmm, baddbmm, type AddmmOptions } from './ops/matmul.js';
export { tril, triu } from './ops/tri.js';
export {
  flip, roll, outer, diag, trace, diff, lerp, isclose, allclose, allcloseSync, equal, equalSync, cross, cdist, meshgrid, repeatInterleave, toLong,
  type DiffOptions, type IsCloseOptions, type CdistOptions, type MeshgridOptions,
} from './ops/tensor-ops.js';
export { einsum } from './ops/einsum.js';
export { tile } from './ops/tile.js';
export { hypot } from './ops/hypot.js';
export { cummax, cummin } from './ops/cumextreme.js';
export { logcumsumexp } from './ops/logcumsumexp.js';
export { median } from './ops/median.js';
export { kthvalue, kthvalueAsync } from './ops/kthvalue.js';
export { quantile, type QuantileOptions, type QuantileInterpolation } from './ops/quantile.js';
export { searchsorted, type SearchsortedOptions } from './ops/searchsorted.js';
export { bincount, bincountAsync, type BincountOptions } from './ops/bincount.js';
export { polygamma } from './ops/polygamma.js';
export { multinomial, type MultinomialOptions } from './ops/multinomial.js';
export { bernoulli, bernoulli_, type BernoulliOptions } from './ops/bernoulli.js';
export { normal, normal_, type NormalOptions } from './ops/normal.js';
export { nonzero, nonzeroSync, maskedSelect, maskedSelectSync, type NonzeroOptions } from './ops/nonzero.js';
export { unique, uniqueSync, type UniqueOptions } from './ops/unique.js';
export {
  scaledDotProductAttention,
  type ScaledDotProductAttentionOptions,
  type AttentionKernelOptions,
  attentionScores,
  attentionForwardComposed,
  attentionBackwardComposed,
} from './ops/attention.js';
export {
  softmax,
  logSoftmax,
  softmaxComposed,
  logSoftmaxComposed,
  softmaxBackward,
  logSoftmaxBackward,
  softmaxBackwardComposed,
  logSoftmaxBackwardComposed,
} from './ops/softmax.js';
export { rawView, deviceOf, deviceOfList, requireFloat, requireIndex, type Scalar, type TensorOrScalar } from './ops/util.js';
export type { Loss, Reduction } from './loss.js';
export { unfoldWindows, foldWindows, padSpatial, windowTable, type WindowSpec } from './ops/window.js';
export { fromHostArray } from './creation.js';
