import { type Tensor } from '@tensile/core';
import type { Mismatch } from '../compare.js';
import { compareTensor, toleranceOf } from '../compare.js';
import { NotImplemented } from '../expect-error.js';
import { decodeValue, type GoldenCase, type GoldenTensor, toTensor } from '../golden.js';
import { type Fn, nnNs, requireClass } from '../resolve.js';
import { buildTensorArg, type CaseContext, isTensorArgSpec, runForwardCase } from './forward.js';

interface ModuleLike {
  (...args: unknown[]): unknown;
  loadStateDict(sd: Record<string, Tensor>, strict?: boolean): unknown;
  stateDict(): Record<string, Tensor>;
  train(mode?: boolean): unknown;
  eval(): unknown;
}

/** Builds nn.<layer>(options) and loads a golden state dict into it. */
export function buildModule(layer: string, options: Record<string, unknown>, params: Record<string, GoldenTensor> | undefined, device: string): ModuleLike {
  const Layer = requireClass('@tensile/nn', nnNs, layer);
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) opts[k] = decodeValue(v);
  const m = new Layer(opts) as ModuleLike;
  if (params !== undefined && Object.keys(params).length > 0) {
    const sd: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(params)) sd[k] = toTensor(t, device);
    m.loadStateDict(sd);
  }
  return m;
}

/** Frees a module's parameters and buffers (they are owned by the module, so no tidy scope does). */
export function disposeModule(m: ModuleLike | null): void {
  if (m === null || typeof m.stateDict !== 'function') return;
  for (const t of Object.values(m.stateDict())) t.dispose();
}

export async function runLayerCase(c: GoldenCase, ctx: CaseContext): Promise<Mismatch[]> {
  const name = String(c.layer);
  let module: ModuleLike | null = null;
  try {
    const failures = await runForwardCase(c, ctx, () => {
      const inputs = new Map<string, Tensor | Tensor[]>();
      const specs = (c.args ?? []) as unknown[];
      const args = specs.map((a) => (isTensorArgSpec(a) ? buildTensorArg(a, ctx.backend, inputs) : decodeValue(a)));
      const params = new Map<string, Tensor>();
      // Built before the call so that an error case's unchanged-state check sees the module's own
      // parameters as already there; a constructor that throws is the case's error instead.
      let buildError: unknown = null;
      try {
        module = buildModule(name, (c.options ?? {}) as Record<string, unknown>, c.params as Record<string, GoldenTensor> | undefined, ctx.backend);
        if (c.mode === 'eval') module.eval();
        else module.train(true);
        for (const [k, t] of Object.entries(module.stateDict())) params.set(k, t);
      } catch (e) {
        if (e instanceof NotImplemented) throw e;
        buildError = e;
      }
      const call = () => {
        if (module === null) throw buildError;
        // Recurrent layers take their initial state as one argument, as PyTorch's (h_0, c_0) tuple.
        const forward = module as unknown as Fn;
        if (name === 'LSTM' && args.length === 3) return forward(args[0], args.slice(1));
        return forward(...args);
      };
      // BatchNorm1d's errors may come from its functional form, batchNorm.
      return { call, inputs, params, names: [name, name.replace(/\d+d$/, '')] };
    });
    if (failures.length === 0 && c.buffersAfter !== undefined && module !== null) {
      const sd = (module as ModuleLike).stateDict();
      for (const [k, want] of Object.entries(c.buffersAfter as Record<string, GoldenTensor>)) {
        const m = await compareTensor(`buffer:${k}`, sd[k], want, toleranceOf(c), ctx.stats);
        if (m) failures.push(m);
      }
    }
    return failures;
  } finally {
    disposeModule(module);
  }
}
