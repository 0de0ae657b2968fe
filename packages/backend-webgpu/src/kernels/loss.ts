import { DeviceError, type FusedKernel, isContiguous, type TensorView } from '@tensile/core';
import { grid, Meta, type WebGPUBackend } from '../backend.js';
import { crossEntropyBackwardSource, nllReducedSource } from './loss.wgsl.js';

/** The options @tensile/nn's cross-entropy passes (NllKernelOptions there). */
interface NllOptions {
  readonly ignoreIndex: number;
  readonly reduction: 'mean' | 'sum';
}

function nllMeta(op: string, logp: TensorView, target: TensorView, out: TensorView, o: NllOptions): Meta {
  if (logp.dtype !== 'float32' || logp.shape.length !== 2 || !isContiguous(logp.shape, logp.strides))
    throw new DeviceError(`${op}: expects contiguous float32 log-probabilities [N, C], got ${logp.dtype}[${logp.shape.join(', ')}]`);
  if (
    target.dtype !== 'int32' ||
    target.shape.length !== 1 ||
    target.shape[0] !== logp.shape[0] ||
    !isContiguous(target.shape, target.strides)
  )
    throw new DeviceError(`${op}: expects contiguous int32 targets [${logp.shape[0]}], got ${target.dtype}[${target.shape.join(', ')}]`);
  const meta = new Meta().setAll(0, [logp.shape[0]!, logp.shape[1]!, logp.offset, target.offset, out.offset]);
  meta.scalar(5, o.ignoreIndex, 'int32');
  return meta.set(6, o.reduction === 'mean' ? 1 : 0);
}

/** @tensile/nn's nllLossReduced: the reduced nll of cross-entropy's forward as one dispatch (one workgroup) instead of about sixteen. */
export function nllReducedKernel(backend: WebGPUBackend): FusedKernel {
  return (inputs, options, out) => {
    const [logp, target] = inputs as readonly TensorView[];
    const meta = nllMeta('nllLossReduced', logp!, target!, out, options as unknown as NllOptions);
    const read = (t: TensorView) => ({ buffer: backend.bufferOf(t, 'nllLossReduced'), write: false });
    backend.dispatch({
      kernel: 'nllLossReduced',
      key: 'loss:nllReduced',
      source: nllReducedSource,
      bindings: [read(logp!), read(target!), { buffer: backend.bufferOf(out, 'nllLossReduced'), write: true }],
      meta: meta.u32,
      groups: [1, 1, 1],
    });
  };
}

/** @tensile/nn's crossEntropyBackward: the logits' gradient (nll's gradient, then logSoftmax's) as one dispatch instead of about twelve. */
export function crossEntropyBackwardKernel(backend: WebGPUBackend): FusedKernel {
  return (inputs, options, out) => {
    const [g, logp, target] = inputs as readonly TensorView[];
    if (g!.dtype !== 'float32' || g!.shape.length !== 0)
      throw new DeviceError(`crossEntropyBackward: expects a float32 scalar gradient, got ${g!.dtype}[${g!.shape.join(', ')}]`);
    const meta = nllMeta('crossEntropyBackward', logp!, target!, out, options as unknown as NllOptions).set(7, g!.offset);
    const n = logp!.shape[0]!;
    if (n === 0 || logp!.shape[1] === 0) return;
    const read = (t: TensorView) => ({ buffer: backend.bufferOf(t, 'crossEntropyBackward'), write: false });
    backend.dispatch({
      kernel: 'crossEntropyBackward',
      key: 'loss:crossEntropyBackward',
      source: crossEntropyBackwardSource,
      bindings: [read(g!), read(logp!), read(target!), { buffer: backend.bufferOf(out, 'crossEntropyBackward'), write: true }],
      meta: meta.u32,
      groups: grid(n),
    });
  };
}
