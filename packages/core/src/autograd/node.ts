import { ValueError, fmtShape } from '../errors.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';

export interface Edge {
  readonly node: Node;
  readonly nr: number;
  /** The input's dtype: a gradient flowing along the edge is cast to it (as PyTorch's engine does). */
  readonly dtype: DType;
}

/**
 * A backward function receives the gradient of its first output (`g`), the
 * saved tensors (checked against in-place modification), all output
 * gradients, and which inputs need a gradient; it returns one gradient (or
 * null) per input, computed with differentiable ops so that double backward works.
 */
export type BackwardFn = (g: Tensor, saved: readonly Tensor[], needs: readonly boolean[], grads: readonly (Tensor | null)[]) => (Tensor | null)[];

let sequence = 0;

/** A tensor hook (PyTorch's Tensor.register_hook): sees the gradient, may return a replacement. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook may return nothing, as a PyTorch hook returns None
export type TensorHook = (grad: Tensor) => Tensor | void | undefined | null;

/** The place of retainGrad among an output's hooks: PyTorch 1.13 keeps the gradient as it is at that point of the list. */
export const RETAIN = Symbol('retainGrad');

/** What `registerHook` returns; `remove()` takes the hook out (calling it twice is harmless). */
export interface RemovableHandle {
  remove(): void;
}

export class Node {
  readonly seq = sequence++;
  /** Set when backward ran without retainGraph: a second pass is an error, as in PyTorch. */
  released = false;
  /** Output tensors that called retainGrad(), by output number. */
  retained: Map<number, Tensor> | null = null;
  /** Hooks of each output (by output number), in registration order; RETAIN marks where retainGrad was called. */
  hooks: Map<number, (TensorHook | typeof RETAIN)[]> | null = null;
  /** Live handles whose gradFn is this node, plus downstream nodes with an edge to it. */
  private refs = 0;
  private freed = false;

  constructor(
    readonly name: string,
    readonly next: readonly (Edge | null)[],
    private backwardFn: BackwardFn | null,
    private saved: Tensor[],
    private savedVersions: number[],
    readonly numOutputs: number,
    /** Set on the AccumulateGrad node of a leaf. */
    readonly variable: Tensor | null = null,
  ) {
    for (const e of next) e?.node.ref();
  }

  /** Adds a hook on output `nr` (the tensor's gradient as it reaches this node), run after those registered before it. */
  addHook(nr: number, hook: TensorHook | typeof RETAIN): RemovableHandle {
    if (this.hooks === null) this.hooks = new Map();
    let list = this.hooks.get(nr);
    if (list === undefined) this.hooks.set(nr, (list = []));
    list.push(hook);
    return {
      remove: () => {
        const l = this.hooks?.get(nr);
        const i = l === undefined ? -1 : l.indexOf(hook);
        if (i >= 0) l!.splice(i, 1);
      },
    };
  }

  ref(): void {
    this.refs++;
  }

  unref(): void {
    if (--this.refs === 0) this.free();
  }

  /** Unreachable from any live tensor: free saved tensors and let go of the inputs' nodes. */
  free(): void {
    if (this.variable !== null || this.freed) return;
    this.freed = true;
    this.release();
    for (const e of this.next) e?.node.unref();
  }

  /** @internal */
  setSaved(saved: Tensor[], versions: number[]): void {
    this.saved = saved;
    this.savedVersions = versions;
  }

  unpack(): Tensor[] {
    const saved = this.saved;
    for (let i = 0; i < saved.length; i++) {
      const t = saved[i]!;
      if (t.storage.version !== this.savedVersions[i])
        throw new ValueError(
          `backward: one of the variables needed for gradient computation has been modified by an inplace operation: tensor of shape ${fmtShape(t.shape)}, saved by ${this.name}, is at version ${t.storage.version}; expected version ${this.savedVersions[i]} instead`,
        );
    }
    return saved;
  }

  apply(grads: readonly (Tensor | null)[], needs: readonly boolean[]): (Tensor | null)[] {
    if (this.released || this.backwardFn === null)
      throw new ValueError(
        `backward: trying to backward through the graph a second time (${this.name}'s saved tensors were freed); pass {retainGraph: true} to the first backward`,
      );
    const g = grads[0];
    if (g === null || g === undefined) return this.next.map(() => null);
    return this.backwardFn(g, this.unpack(), needs, grads);
  }

  release(): void {
    if (this.variable !== null) return;
    this.released = true;
    this.backwardFn = null;
    for (const t of this.saved) t.dispose();
    this.saved = [];
  }
}
