import type { Tensor } from '@tensile/core';
import type { Mismatch } from '../compare.js';
import { compareTensor, toleranceOf } from '../compare.js';
import { NotImplemented } from '../expect-error.js';
import { decodeValue, type GoldenCase, type GoldenTensor, toTensor } from '../golden.js';
import { type Fn, nnNs, requireClass } from '../resolve.js';
import { buildTensorArg, type CaseContext, isTensorSpec, runForwardCase } from './forward.js';

interface ModuleLike {
  (...args: unknown[]): unknown;
  loadStateDict(sd: Record<string, Tensor>, strict?: boolean): unknown;
  stateDict(): Record<string, Tensor>;
  train(mode?: boolean): unknown;
  eval(): unknown;
}

/** An option that is itself a module (TransformerEncoder's encoderLayer, norm): {module, options}. */
function isModuleSpec(v: unknown): v is { module: string; options: Record<string, unknown> } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { module?: unknown }).module === 'string' && Object.keys(v).length === 2 && 'options' in v;
}

/**
 * Layers whose forward takes this many positional tensors, then one options object: every later
 * tensor argument is the option of its name (attnMask, srcKeyPaddingMask, ...) and a plain-object
 * argument holds the others (needWeights, ...).
 */
const KEYWORD_FORWARD: Record<string, number> = {
  MultiheadAttention: 3,
  TransformerEncoderLayer: 1,
  TransformerEncoder: 1,
  TransformerDecoderLayer: 2,
  TransformerDecoder: 2,
  Transformer: 2,
};

/** Builds nn.<layer>(options) and loads a golden state dict into it. */
export function buildModule(layer: string, options: Record<string, unknown>, params: Record<string, GoldenTensor> | undefined, device: string): ModuleLike {
  const Layer = requireClass('@tensile/nn', nnNs, layer);
  const opts: Record<string, unknown> = {};
  const nested: ModuleLike[] = [];
  for (const [k, v] of Object.entries(options)) {
    if (isModuleSpec(v)) nested.push((opts[k] = buildModule(v.module, v.options, undefined, device)) as ModuleLike);
    else opts[k] = decodeValue(v);
  }
  let m: ModuleLike;
  try {
    m = new Layer(opts) as ModuleLike;
  } finally {
    // Option modules the layer copied (TransformerEncoder's encoderLayer) are not in its state: free them.
    const owned = new Set(nested.length > 0 && m! !== undefined ? Object.values(m!.stateDict()) : []);
    for (const n of nested) for (const t of Object.values(n.stateDict())) if (!owned.has(t)) t.dispose();
  }
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
      const args = specs.map((a) => (isTensorSpec(a) ? buildTensorArg(a, ctx.backend, inputs) : decodeValue(a)));
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
        if ((name === 'LSTM' || name === 'LSTMCell') && args.length === 3) return forward(args[0], args.slice(1));
        const positional = KEYWORD_FORWARD[name];
        if (positional !== undefined) {
          const options: Record<string, unknown> = {};
          specs.slice(positional).forEach((spec, i) => {
            const a = args[positional + i];
            if (isTensorSpec(spec)) options[spec.name!] = a;
            else Object.assign(options, a as Record<string, unknown>);
          });
          return forward(...args.slice(0, positional), ...(specs.length > positional ? [options] : []));
        }
        return forward(...args);
      };
      // BatchNorm1d's errors may come from its functional form, batchNorm.
      // The Transformer layers' errors may come from their MultiheadAttention.
      const names = [name, name.replace(/\d+d$/, ''), ...(name.startsWith('Transformer') ? ['MultiheadAttention'] : [])];
      return { call, inputs, params, names };
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
