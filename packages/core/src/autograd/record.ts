import type { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { type BackwardFn, type Edge, Node } from './node.js';

/** True when grad mode is on and some input requires a gradient. */
type Arg = Tensor | number | boolean | null | undefined;

export function needsGrad(a?: Arg, b?: Arg, c?: Arg): boolean {
  if (!isGradEnabled()) return false;
  return (
    (typeof a === 'object' && a !== null && a._requiresGrad) ||
    (typeof b === 'object' && b !== null && b._requiresGrad) ||
    (typeof c === 'object' && c !== null && c._requiresGrad)
  );
}

export function needsGradList(ts: readonly (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of ts) if (t?._requiresGrad) return true;
  return false;
}

function accumulator(t: Tensor): Node {
  if (t._accumulator === null) t._accumulator = new Node('AccumulateGrad', [], null, [], [], 1, t);
  return t._accumulator;
}

export function edgeOf(t: Tensor | null | undefined): Edge | null {
  if (!t?._requiresGrad) return null;
  if (t.gradFn !== null) return { node: t.gradFn, nr: t.outputNr, dtype: t.dtype };
  return { node: accumulator(t), nr: 0, dtype: t.dtype };
}

/**
 * Records an op in the autograd graph. `inputs` are the differentiable inputs
 * in the order the backward function returns their gradients; `save` are the
 * tensors backward needs (held by reference and checked for in-place changes).
 * Call only when needsGrad(...) is true.
 */
export function record(
  name: string,
  inputs: readonly Arg[],
  outputs: readonly Tensor[],
  save: readonly Tensor[],
  backward: BackwardFn,
): void {
  const next = inputs.map((t) => (typeof t === 'object' ? edgeOf(t) : null));
  const node = new Node(name, next, backward, [], [], outputs.length);
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i]!;
    // A new output with its own gradient formula is no view for autograd, even where a composite
    // made it as a view of a temporary (an in-place op's output is its input: that stays linked).
    if (o._viewBase !== null && !inputs.includes(o)) {
      o._viewBase = null;
      o._viewFn = null;
      o._viewCreation = null;
    }
    if (o.dtype !== 'float32' && o.dtype !== 'float64') continue;
    o.gradFn = node;
    o.outputNr = i;
    o._requiresGrad = true;
  }
  // Saved after the outputs are linked, so a saved output keeps its place in the graph (double backward).
  const saved = new Array<Tensor>(save.length);
  const versions = new Array<number>(save.length);
  for (let i = 0; i < save.length; i++) {
    const s = save[i]!;
    const a = s._alias(true);
    a._kept = true;
    // A saved leaf must reach the same AccumulateGrad node as the leaf itself.
    if (s.gradFn === null && s._requiresGrad) a._accumulator = accumulator(s);
    saved[i] = a;
    versions[i] = s.storage.version;
  }
  node.setSaved(saved, versions);
  // A node none of whose outputs carries a gradient is unreachable already.
  if (!outputs.some((o) => o.gradFn === node)) node.free();
}
