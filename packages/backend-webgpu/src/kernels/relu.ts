import { DeviceError, type FusedKernel, isContiguous, numel, type TensorView } from '@tensile/core';
import { grid, Meta, type WebGPUBackend } from '../backend.js';
import { MATH, META } from './math.wgsl.js';

/** relu's gradient from contiguous float32 g and y: 0 where y <= 0 (never at a NaN y), g elsewhere. Slots: [0] n, [1..3] g, y, out offsets. */
function reluBackwardSource(): string {
  return `${META}${MATH}
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_id(wid, nwg, lid, 64u);
  if (i >= M(0u)) { return; }
  let yv = y[M(2u) + i];
  out[M(3u) + i] = select(g[M(1u) + i], 0.0, !is_nan(yv) && yv <= 0.0);
}
`;
}

/** core's reluBackward (where(le(y, 0), 0, g)) as one dispatch instead of two. */
export function reluBackwardKernel(backend: WebGPUBackend): FusedKernel {
  return (inputs, _options, out) => {
    const [g, y] = inputs as readonly TensorView[];
    const n = numel(out.shape);
    if ([g!, y!, out].some((t) => t.dtype !== 'float32' || !isContiguous(t.shape, t.strides) || numel(t.shape) !== n))
      throw new DeviceError(
        `reluBackward: expects contiguous float32 g, y and out of one size, got ${[g!, y!, out].map((t) => `${t.dtype}[${t.shape.join(', ')}]`).join(', ')}`,
      );
    if (n === 0) return;
    backend.dispatch({
      kernel: 'reluBackward',
      key: 'relu:backward',
      source: reluBackwardSource,
      bindings: [
        { buffer: backend.bufferOf(g!, 'reluBackward'), write: false },
        { buffer: backend.bufferOf(y!, 'reluBackward'), write: false },
        { buffer: backend.bufferOf(out, 'reluBackward'), write: true },
      ],
      meta: new Meta().setAll(0, [n, g!.offset, y!.offset, out.offset]).u32,
      groups: grid(Math.ceil(n / 64)),
    });
  };
}
