import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { keep, tidy } from '../memory.js';
import { shapesEqual } from '../shape.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { isGradEnabled, setGradEnabled } from './grad-mode.js';
import { type Node, RETAIN } from './node.js';
import { edgeOf } from './record.js';

export interface BackwardOptions {
  /** Keep saved tensors so backward can run through the graph again. Defaults to createGraph. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
}

// Provided by ops (add, onesLike, clone) to avoid an import cycle with them.
export interface EngineOps {
  add(a: Tensor, b: Tensor): Tensor;
  addInPlace(a: Tensor, b: Tensor): void;
  onesLike(t: Tensor): Tensor;
  clone(t: Tensor): Tensor;
  cast(t: Tensor, dtype: DType): Tensor;
}
let ops: EngineOps | null = null;
export function setEngineOps(o: EngineOps): void {
  ops = o;
}

function accumulateInto(leaf: Tensor, g: Tensor, createGraph: boolean): void {
  const o = ops!;
  if (leaf.grad === null) {
    // A gradient that shares storage with something else, or is an expanded view, is copied before the leaf owns it.
    let owned = g;
    if (g.storage.refs > 1 || !g.isContiguous() || g.gradFn !== null && !createGraph) {
      owned = o.clone(g);
      g.dispose();
    }
    leaf.grad = keep(owned);
    return;
  }
  if (createGraph || leaf.grad.gradFn !== null) {
    const sum = o.add(leaf.grad, g);
    g.dispose();
    leaf.grad.dispose();
    leaf.grad = keep(sum);
    return;
  }
  o.addInPlace(leaf.grad, g);
  g.dispose();
}

/** Reverse-mode pass from `roots`, as PyTorch's `torch.autograd.backward`. */
export function backward(roots: readonly Tensor[], gradients: readonly (Tensor | null | undefined)[], options: BackwardOptions = {}): void {
  run(roots, gradients, options, null);
}

export interface GradOptions extends BackwardOptions {
  /** Return null (instead of throwing) for inputs the outputs do not depend on. */
  allowUnused?: boolean;
}

/**
 * Gradients of `outputs` with respect to `inputs`, returned instead of
 * accumulated into `.grad` (PyTorch's `torch.autograd.grad`).
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  gradOutputs?: Tensor | readonly (Tensor | null | undefined)[] | null,
  options: GradOptions = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? (outputs as Tensor[]) : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? (inputs as Tensor[]) : [inputs as Tensor];
  const gos = gradOutputs === undefined || gradOutputs === null ? [] : Array.isArray(gradOutputs) ? gradOutputs : [gradOutputs as Tensor];
  const targets = ins.map((t, i) => {
    if (!t._requiresGrad) throw new ValueError(`grad: input ${i} does not require grad`);
    return edgeOf(t)!;
  });
  const captured = new Map<Node, (Tensor | null)[]>();
  for (const e of targets) captured.set(e.node, new Array<Tensor | null>(e.node.numOutputs).fill(null));
  run(outs, gos as (Tensor | null | undefined)[], options, captured);
  return targets.map((e, i) => {
    const g = captured.get(e.node)![e.nr] ?? null;
    if (g === null && !options.allowUnused)
      throw new ValueError(`grad: one of the differentiated tensors (input ${i}) appears to not have been used in the graph; pass {allowUnused: true} to get null`);
    return g;
  });
}

function run(
  roots: readonly Tensor[],
  gradients: readonly (Tensor | null | undefined)[],
  options: BackwardOptions,
  captured: Map<Node, (Tensor | null)[]> | null,
): void {
  const o = ops!;
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const buffers = new Map<Node, (Tensor | null)[]>();
  const pending = new Map<Node, number>();
  const rootNodes: Node[] = [];

  // Validate everything before running anything, so a bad call changes nothing.
  roots.forEach((r, i) => {
    r._live('backward');
    if (!r._requiresGrad)
      throw new ValueError(`backward: element ${i} of tensors does not require grad and does not have a gradFn`);
    const g = gradients[i];
    if (g === null || g === undefined) {
      if (r.numel() !== 1)
        throw new ValueError(`backward: grad can be implicitly created only for scalar outputs; got shape ${fmtShape(r.shape)}`);
    } else {
      g._live('backward');
      if (!shapesEqual(g.shape, r.shape))
        throw new ShapeError(`backward: mismatch in shape: grad_output[${i}] has a shape of ${fmtShape(g.shape)} and output[${i}] has a shape of ${fmtShape(r.shape)}`);
      if (g.device !== r.device)
        throw new ShapeError(`backward: gradient on device ${g.device} for an output on device ${r.device}`);
    }
  });

  const prevMode = isGradEnabled();
  setGradEnabled(createGraph);
  const visited: Node[] = [];
  let completed = false;
  try {
    // Count how many edges lead into each node reachable from the roots (and
    // refuse a freed graph) before anything is allocated.
    for (const r of roots) rootNodes.push(edgeOf(r)!.node);
    const stack = [...new Set(rootNodes)];
    const seen = new Set<Node>(stack);
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.released)
        throw new ValueError(
          `backward: trying to backward through the graph a second time (${n.name}'s saved tensors were freed); pass {retainGraph: true} to the first backward`,
        );
      visited.push(n);
      for (const e of n.next) {
        if (e === null) continue;
        pending.set(e.node, (pending.get(e.node) ?? 0) + 1);
        if (!seen.has(e.node)) {
          seen.add(e.node);
          stack.push(e.node);
        }
      }
    }

    roots.forEach((r, i) => {
      const edge = edgeOf(r)!;
      const g = gradients[i];
      const seed = g === null || g === undefined ? o.onesLike(r) : g._alias();
      if (!createGraph && seed.gradFn !== null) {
        seed.gradFn = null;
        seed._requiresGrad = false;
      }
      addToBuffer(buffers, edge.node, edge.nr, seed, o);
    });


    // Kahn's order, latest-created first among ready nodes (as PyTorch's engine).
    const ready: Node[] = [...new Set(rootNodes)].filter((n) => !pending.get(n));
    while (ready.length > 0) {
      let bi = 0;
      for (let i = 1; i < ready.length; i++) if (ready[i]!.seq > ready[bi]!.seq) bi = i;
      const node = ready[bi]!;
      ready[bi] = ready[ready.length - 1]!;
      ready.pop();
      const grads = buffers.get(node) ?? [null];
      buffers.delete(node);
      const cap = captured?.get(node);
      if (cap !== undefined)
        grads.forEach((g, i) => {
          if (g) cap[i] = createGraph ? g._alias() : g.detach();
        });

      if (node.variable !== null && captured !== null) {
        for (const g of grads) g?.dispose();
        continue;
      }
      // Tensor hooks and retainGrad, per output in registration order (after capture, as PyTorch 1.13's grad()).
      if (node.hooks !== null) runHooks(node, grads, createGraph);
      if (node.variable !== null) {
        const g = grads[0];
        if (g) accumulateInto(node.variable, g, createGraph);
        continue;
      }
      const needs = node.next.map((e) => e !== null);
      // Temporaries of the formula are freed here; only the returned gradients live on.
      const results = tidy(() => node.apply(grads, needs));
      for (let i = 0; i < node.next.length; i++) {
        const e = node.next[i];
        let r = results[i] ?? null;
        if (e === null) {
          if (r !== null && !grads.includes(r)) r.dispose();
          continue;
        }
        if (r !== null) {
          // A gradient has its input's dtype (cat or stack of float32 and float64 hand float64 gradients back).
          if (r.dtype !== e.dtype) {
            const cast = o.cast(r, e.dtype);
            if (!grads.includes(r)) r.dispose();
            r = cast;
          } else if (grads.includes(r)) r = r._alias();
          addToBuffer(buffers, e.node, e.nr, r, o);
        }
        const left = pending.get(e.node)! - 1;
        pending.set(e.node, left);
        if (left === 0) ready.push(e.node);
      }
      for (const g of grads) g?.dispose();
    }
    completed = true;
  } finally {
    setGradEnabled(prevMode);
    for (const bs of buffers.values()) for (const g of bs) g?.dispose();
    // A failed pass keeps its graph, so fixing the cause and retrying works.
    if (completed && !retainGraph) for (const n of visited) n.release();
  }
}

/** Runs output hooks in order; a hook's tensor replaces the gradient (same shape), RETAIN stores it as the tensor's .grad. */
function runHooks(node: Node, grads: (Tensor | null)[], createGraph: boolean): void {
  for (const [nr, list] of node.hooks!) {
    let g: Tensor | null | undefined = grads[nr];
    if (!g) continue;
    for (const hook of [...list]) {
      if (hook === RETAIN) {
        const t = node.retained?.get(nr);
        if (!t || t._disposed) continue;
        if (t.grad !== null) t.grad.dispose();
        t.grad = keep(createGraph ? g._alias() : g.detach());
        continue;
      }
      const cur: Tensor = g;
      // The hook's temporaries are freed; what it returns becomes the engine's own handle.
      const r = tidy((): Tensor | null => {
        const out = hook(cur);
        if (out === undefined || out === null || out === cur) return null;
        if (typeof out !== 'object' || typeof (out as Tensor).shape !== 'object')
          throw new ValueError(`registerHook: a hook on ${node.name}'s output ${nr} returned ${typeof out}, expected a Tensor or nothing`);
        if (!shapesEqual(out.shape, cur.shape))
          throw new ShapeError(`registerHook: a hook has changed the size of the gradient of ${node.name}'s output ${nr}: got ${fmtShape(out.shape)}, expected ${fmtShape(cur.shape)}`);
        if (out.device !== cur.device) throw new ShapeError(`registerHook: a hook returned a gradient on device ${out.device} for one on device ${cur.device}`);
        return out._alias();
      });
      if (r === null) continue;
      cur.dispose();
      g = r;
      grads[nr] = g;
    }
  }
}

function addToBuffer(buffers: Map<Node, (Tensor | null)[]>, node: Node, nr: number, g: Tensor, o: EngineOps): void {
  let b = buffers.get(node);
  if (!b) {
    b = new Array<Tensor | null>(node.numOutputs).fill(null);
    buffers.set(node, b);
  }
  const prev = b[nr];
  if (prev === null || prev === undefined) b[nr] = g;
  else {
    b[nr] = o.add(prev, g);
    prev.dispose();
    g.dispose();
  }
}
