import {
  cat,
  DTypeError,
  fmtShape,
  linear,
  select,
  ShapeError,
  shapesEqual,
  stack,
  type Tensor,
  tidy,
  transpose,
  unsqueeze,
  squeeze,
  ValueError,
  zeros,
} from '@tensile/core';
import { dropout } from '../functional/layers.js';
import { checkDropoutP } from '../functional/layer-checks.js';
import { uniform_ } from '../init.js';
import { gruStep, lstmStep, rnnStep, type Step, type StepWeights } from './rnn-steps.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, layerArgs } from './args.js';

export interface RNNOptions extends FactoryOptions {
  numLayers?: number;
  bias?: boolean;
  /** Input and output as (N, L, features) instead of (L, N, features); states keep (layers * directions, N, hidden). */
  batchFirst?: boolean;
  dropout?: number;
  bidirectional?: boolean;
  /** LSTM only: project each hidden state to this size with weight_hr_l{k} (PyTorch's proj_size; 0, the default, is none). */
  projSize?: number;
}

interface RNNArgs extends RNNOptions {
  inputSize: number;
  hiddenSize: number;
}

interface Weights extends StepWeights {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Parameter | null;
  bHh: Parameter | null;
  /** LSTM's projection [projSize, hidden], or null. */
  wHr: Parameter | null;
}


/**
 * The shared body of RNN, LSTM and GRU (PyTorch's RNNBase): parameters
 * weight_ih_l{k}[_reverse], weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, all
 * initialised U(-1/sqrt(hidden), 1/sqrt(hidden)), gates stacked along dim 0.
 * The input projection of every time step is one matmul; the recurrence is
 * composed from core ops, so it runs (and differentiates) on every backend.
 */
abstract class RNNBase extends Module<[Tensor, (Tensor | Tensor[] | null)?], [Tensor, Tensor | Tensor[]]> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly bidirectional: boolean;
  readonly dropout: number;
  readonly projSize: number;
  protected abstract readonly gates: number;
  protected abstract readonly numStates: number;

  constructor(op: string, gates: number, args: [number, number, RNNOptions?] | [RNNArgs], extraKeys: readonly string[] = []) {
    super();
    const o = layerArgs<RNNArgs>(op, args, ['inputSize', 'hiddenSize'], ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'projSize', ...extraKeys, ...FACTORY_KEYS]);
    this.inputSize = checkSize(op, 'inputSize', o.inputSize, true);
    this.hiddenSize = checkSize(op, 'hiddenSize', o.hiddenSize);
    this.numLayers = checkSize(op, 'numLayers', o.numLayers ?? 1);
    this.bias = o.bias ?? true;
    this.batchFirst = o.batchFirst ?? false;
    this.bidirectional = o.bidirectional ?? false;
    this.dropout = o.dropout ?? 0;
    checkDropoutP(op, this.dropout);
    this.projSize = checkSize(op, 'projSize', o.projSize ?? 0, true);
    if (this.projSize !== 0 && op !== 'LSTM') throw new ValueError(`${op}: projSize is only supported for LSTM, got ${this.projSize}`);
    if (this.projSize >= this.hiddenSize) throw new ValueError(`${op}: projSize has to be smaller than hiddenSize, got projSize ${this.projSize} and hiddenSize ${this.hiddenSize}`);
    const H = this.hiddenSize;
    // The size of h (what the next step and layer see): the projection's when there is one.
    const R = this.projSize || H;
    for (let l = 0; l < this.numLayers; l++)
      for (const suffix of this.bidirectional ? ['', '_reverse'] : ['']) {
        const inSize = l === 0 ? this.inputSize : R * (this.bidirectional ? 2 : 1);
        this.registerParameter(`weight_ih_l${l}${suffix}`, new Parameter(factoryFull([gates * H, inSize], 0, o)));
        this.registerParameter(`weight_hh_l${l}${suffix}`, new Parameter(factoryFull([gates * H, R], 0, o)));
        if (this.bias) {
          this.registerParameter(`bias_ih_l${l}${suffix}`, new Parameter(factoryFull([gates * H], 0, o)));
          this.registerParameter(`bias_hh_l${l}${suffix}`, new Parameter(factoryFull([gates * H], 0, o)));
        }
        if (this.projSize > 0) this.registerParameter(`weight_hr_l${l}${suffix}`, new Parameter(factoryFull([this.projSize, H], 0, o)));
      }
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -bound, bound);
  }

  protected abstract step: Step;
  protected abstract stateError(i: number, want: number[], got: readonly number[]): string;

  private weights(l: number, suffix: string): Weights {
    const get = (n: string) => this._parameters.get(`${n}_l${l}${suffix}`) ?? null;
    return { wIh: get('weight_ih')!, wHh: get('weight_hh')!, bIh: get('bias_ih'), bHh: get('bias_hh'), wHr: get('weight_hr') };
  }

  forward(input: Tensor, hx?: Tensor | Tensor[] | null): [Tensor, Tensor | Tensor[]] {
    const op = this.constructor.name;
    const dirs = this.bidirectional ? 2 : 1;
    const unbatched = input.ndim === 2;
    const w0 = this._parameters.get('weight_ih_l0')!;
    if (input.dtype !== w0.dtype) throw new DTypeError(`${op}: input and weights must have the same dtype, got ${input.dtype} and ${w0.dtype}`);
    if (input.ndim !== 2 && input.ndim !== 3) throw new ShapeError(`${op}: Expected input to be 2D or 3D, got ${input.ndim}D instead`);
    if (input.shape[input.ndim - 1] !== this.inputSize)
      throw new ShapeError(`${op}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.shape[input.ndim - 1]}`);
    if (input.shape[unbatched || !this.batchFirst ? 0 : 1] === 0) throw new ShapeError(`${op}: Expected sequence length to be larger than 0 in RNN, got input of size ${fmtShape(input.shape)}`);
    const given = hx === undefined || hx === null ? null : Array.isArray(hx) ? hx : [hx];
    if (given !== null && given.length !== this.numStates) throw new ValueError(`${op}: expected ${this.numStates} initial state tensor(s), got ${given.length}`);
    const N = unbatched ? 1 : input.shape[this.batchFirst ? 0 : 1]!;
    // h is projSize wide with a projection; c always hiddenSize.
    const sizes = Array.from({ length: this.numStates }, (_, i) => (i === 0 && this.projSize > 0 ? this.projSize : this.hiddenSize));
    given?.forEach((h, i) => {
      const want = unbatched ? [this.numLayers * dirs, sizes[i]!] : [this.numLayers * dirs, N, sizes[i]!];
      if (!shapesEqual(h.shape, want)) throw new ShapeError(`${op}: ${this.stateError(i, want, h.shape)}`);
    });
    return tidy(() => {
      // Work in (L, N, features) with a batch dim.
      let x = unbatched ? unsqueeze(input, 1) : this.batchFirst ? transpose(input, 0, 1) : input;
      const init = given === null ? null : given.map((h) => (unbatched ? unsqueeze(h, 1) : h));
      const L = x.shape[0]!;
      const finals: Tensor[][] = Array.from({ length: this.numStates }, () => []);
      for (let l = 0; l < this.numLayers; l++) {
        const outs: Tensor[] = [];
        for (let d = 0; d < dirs; d++) {
          const w = this.weights(l, d === 1 ? '_reverse' : '');
          const k = l * dirs + d;
          let state = init === null ? sizes.map((size) => zeros([N, size], { dtype: x.dtype, device: x.device })) : init.map((s) => select(s, 0, k));
          const xw = linear(x, w.wIh, w.bIh); // every time step's input projection at once
          const hs: Tensor[] = new Array(L);
          for (let s = 0; s < L; s++) {
            const t = d === 1 ? L - 1 - s : s;
            state = this.step(select(xw, 0, t), state, w);
            hs[t] = state[0]!;
          }
          outs.push(stack(hs, 0));
          state.forEach((st, i) => finals[i]!.push(st));
        }
        x = dirs === 1 ? outs[0]! : cat(outs, 2);
        // As PyTorch: in training, dropout on every layer's output but the last.
        if (l < this.numLayers - 1) x = dropout(x, this.dropout, this.training);
      }
      let output = unbatched ? squeeze(x, 1) : this.batchFirst ? transpose(x, 0, 1) : x;
      const states = finals.map((f) => {
        const s = stack(f, 0);
        return unbatched ? squeeze(s, 1) : s;
      });
      output = output.contiguous();
      return [output, this.numStates === 1 ? states[0]! : states];
    });
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.numLayers !== 1 ? `, numLayers=${this.numLayers}` : ''}${this.projSize ? `, projSize=${this.projSize}` : ''}${this.batchFirst ? ', batchFirst=true' : ''}${this.bidirectional ? ', bidirectional=true' : ''}`;
  }
}

/**
 * Long short-term memory (PyTorch's nn.LSTM): `lstm(input, [h0, c0]?)`
 * returns `[output, [hN, cN]]`; gates i, f, g, o.
 */
export class LSTM extends RNNBase {
  protected readonly gates = 4;
  protected readonly numStates = 2;
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions);
  constructor(options: RNNArgs);
  constructor(...args: [number, number, RNNOptions?] | [RNNArgs]) {
    super('LSTM', 4, args);
  }
  protected step: Step = lstmStep;
  protected stateError(i: number, want: number[], got: readonly number[]): string {
    return `Expected hidden[${i}] size (${want.join(', ')}), got ${fmtShape(got)}`;
  }
}

/**
 * Gated recurrent unit (PyTorch's nn.GRU): `gru(input, h0?)` returns
 * `[output, hN]`; gates r, z, n with the reset gate applied after the
 * recurrent matmul, as PyTorch.
 */
export class GRU extends RNNBase {
  protected readonly gates = 3;
  protected readonly numStates = 1;
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions);
  constructor(options: RNNArgs);
  constructor(...args: [number, number, RNNOptions?] | [RNNArgs]) {
    super('GRU', 3, args);
  }
  protected step: Step = gruStep;
  protected stateError(_i: number, want: number[], got: readonly number[]): string {
    return `Expected hidden size (${want.join(', ')}), got ${fmtShape(got)}`;
  }
}

export interface VanillaRNNOptions extends RNNOptions {
  /** The activation of each step: 'tanh' (the default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * The Elman RNN (PyTorch's nn.RNN): h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
 * (or relu); `rnn(input, h0?)` returns `[output, hN]`.
 */
export class RNN extends RNNBase {
  protected readonly gates = 1;
  protected readonly numStates = 1;
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options?: VanillaRNNOptions);
  constructor(options: RNNArgs & VanillaRNNOptions);
  constructor(...args: [number, number, VanillaRNNOptions?] | [RNNArgs & VanillaRNNOptions]) {
    // Checked before any parameter exists, so a bad option leaves nothing behind.
    const nl = (args.length === 1 ? args[0] : args[2])?.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError(`RNN: Unknown nonlinearity '${String(nl)}'. Select from 'tanh' or 'relu'.`);
    super('RNN', 1, args, ['nonlinearity']);
    this.nonlinearity = nl;
    this.step = rnnStep(nl);
  }
  protected step: Step;
  protected stateError(_i: number, want: number[], got: readonly number[]): string {
    return `Expected hidden size (${want.join(', ')}), got ${fmtShape(got)}`;
  }
  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity !== 'tanh' ? `, nonlinearity='${this.nonlinearity}'` : '');
  }
}
