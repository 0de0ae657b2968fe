import { DTypeError, fmtShape, IndexError, linear, ShapeError, squeeze, type Tensor, tidy, unsqueeze, ValueError, zeros } from '@tensile/core';
import { uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, layerArgs } from './args.js';
import { gruStep, lstmStep, rnnStep, type Step } from './rnn-steps.js';

export interface RNNCellBaseOptions extends FactoryOptions {
  bias?: boolean;
}

export interface RNNCellOptions extends RNNCellBaseOptions {
  /** 'tanh' (the default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

interface CellArgs extends RNNCellOptions {
  inputSize: number;
  hiddenSize: number;
}

/**
 * The shared body of the single-step cells (PyTorch's RNNCellBase): parameters
 * weight_ih [gates * hidden, input], weight_hh [gates * hidden, hidden],
 * bias_ih and bias_hh [gates * hidden], all U(-1/sqrt(hidden), 1/sqrt(hidden));
 * input (N, inputSize) or unbatched (inputSize); states (N, hidden) or (hidden).
 * The step is the one the sequence layers use.
 */
abstract class RNNCellBase<S> extends Module<[Tensor, S?], S> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;
  protected readonly op: string;
  protected readonly numStates: number;

  constructor(op: string, gates: number, numStates: number, args: [number, number, RNNCellOptions?] | [CellArgs], extraKeys: readonly string[] = []) {
    super();
    const o = layerArgs<CellArgs>(op, args, ['inputSize', 'hiddenSize'], ['bias', ...extraKeys, ...FACTORY_KEYS]);
    this.op = op;
    this.numStates = numStates;
    this.inputSize = checkSize(op, 'inputSize', o.inputSize, true);
    this.hiddenSize = checkSize(op, 'hiddenSize', o.hiddenSize);
    this.bias = o.bias ?? true;
    const H = this.hiddenSize;
    this.weight_ih = new Parameter(factoryFull([gates * H, this.inputSize], 0, o));
    this.weight_hh = new Parameter(factoryFull([gates * H, H], 0, o));
    if (this.bias) {
      this.bias_ih = new Parameter(factoryFull([gates * H], 0, o));
      this.bias_hh = new Parameter(factoryFull([gates * H], 0, o));
    } else {
      this.registerParameter('bias_ih', null);
      this.registerParameter('bias_hh', null);
      this.bias_ih = this.bias_hh = null;
    }
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -bound, bound);
  }

  protected abstract step: Step;

  /** The new states from input and the given states (or null: zeros), each checked as PyTorch does. */
  protected run(input: Tensor, given: Tensor[] | null): Tensor[] {
    const op = this.op;
    if (input.dtype !== this.weight_ih.dtype) throw new DTypeError(`${op}: input and weights must have the same dtype, got ${input.dtype} and ${this.weight_ih.dtype}`);
    if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`${op}: Expected input to be 1D or 2D, got ${input.ndim}D instead`);
    const unbatched = input.ndim === 1;
    if (input.shape[input.ndim - 1] !== this.inputSize)
      throw new ShapeError(`${op}: input has inconsistent input_size: got ${input.shape[input.ndim - 1]} expected ${this.inputSize}`);
    const N = unbatched ? 1 : input.shape[0]!;
    given?.forEach((h, i) => {
      const name = this.numStates === 1 ? 'hidden' : `hx[${i}]`;
      if (h.dtype !== input.dtype) throw new DTypeError(`${op}: ${name} and input must have the same dtype, got ${h.dtype} and ${input.dtype}`);
      // PyTorch reads the batch size of a lower-rank state past its last dim: an IndexError.
      if (h.ndim < input.ndim) throw new IndexError(`${op}: Dimension out of range: ${name} of shape ${fmtShape(h.shape)} has no batch dim for a ${input.ndim}D input of shape ${fmtShape(input.shape)}`);
      if (h.ndim !== input.ndim)
        throw new ShapeError(`${op}: Expected ${name} to be ${input.ndim}D for a ${input.ndim}D input, got ${h.ndim}D of shape ${fmtShape(h.shape)}`);
      if (!unbatched && h.shape[0] !== N) throw new ShapeError(`${op}: Input batch size ${N} doesn't match hidden${i} batch size ${h.shape[0]}`);
      if (h.shape[h.ndim - 1] !== this.hiddenSize)
        throw new ShapeError(`${op}: hidden${i} has inconsistent hidden_size: got ${h.shape[h.ndim - 1]}, expected ${this.hiddenSize}`);
    });
    return tidy(() => {
      const x = unbatched ? unsqueeze(input, 0) : input;
      const state =
        given === null
          ? Array.from({ length: this.numStates }, () => zeros([N, this.hiddenSize], { dtype: x.dtype, device: x.device }))
          : given.map((h) => (unbatched ? unsqueeze(h, 0) : h));
      const out = this.step(linear(x, this.weight_ih, this.bias_ih), state, { wHh: this.weight_hh, bHh: this.bias_hh, wHr: null });
      return out.map((s) => (unbatched ? squeeze(s, 0) : s));
    });
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=false'}`;
  }
}

/** One Elman step (PyTorch's nn.RNNCell): `cell(input, hx?)` returns h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu). */
export class RNNCell extends RNNCellBase<Tensor | null> {
  readonly nonlinearity: 'tanh' | 'relu';
  protected step: Step;
  constructor(inputSize: number, hiddenSize: number, options?: RNNCellOptions);
  constructor(options: CellArgs);
  constructor(...args: [number, number, RNNCellOptions?] | [CellArgs]) {
    // Checked before any parameter exists, so a bad option leaves nothing behind.
    const nl = (args.length === 1 ? args[0] : args[2])?.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError(`RNNCell: Unknown nonlinearity: ${String(nl)}. Select from 'tanh' or 'relu'.`);
    super('RNNCell', 1, 1, args, ['nonlinearity']);
    this.nonlinearity = nl;
    this.step = rnnStep(nl);
  }
  forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this.run(input, hx === undefined || hx === null ? null : [hx])[0]!;
  }
  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity !== 'tanh' ? `, nonlinearity='${this.nonlinearity}'` : '');
  }
}

/** One LSTM step (PyTorch's nn.LSTMCell): `cell(input, [h, c]?)` returns `[h', c']`; gates i, f, g, o. */
export class LSTMCell extends RNNCellBase<Tensor[] | null> {
  protected step: Step = lstmStep;
  constructor(inputSize: number, hiddenSize: number, options?: RNNCellBaseOptions);
  constructor(options: Omit<CellArgs, 'nonlinearity'>);
  constructor(...args: [number, number, RNNCellBaseOptions?] | [Omit<CellArgs, 'nonlinearity'>]) {
    super('LSTMCell', 4, 2, args);
  }
  forward(input: Tensor, hx?: Tensor[] | null): Tensor[] {
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2))
      throw new ValueError(`LSTMCell: hx must be a pair [h_0, c_0], got ${Array.isArray(hx) ? `${hx.length} tensor(s)` : typeof hx}`);
    return this.run(input, hx ?? null);
  }
}

/** One GRU step (PyTorch's nn.GRUCell): `cell(input, hx?)` returns h'; gates r, z, n. */
export class GRUCell extends RNNCellBase<Tensor | null> {
  protected step: Step = gruStep;
  constructor(inputSize: number, hiddenSize: number, options?: RNNCellBaseOptions);
  constructor(options: Omit<CellArgs, 'nonlinearity'>);
  constructor(...args: [number, number, RNNCellBaseOptions?] | [Omit<CellArgs, 'nonlinearity'>]) {
    super('GRUCell', 3, 1, args);
  }
  forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this.run(input, hx === undefined || hx === null ? null : [hx])[0]!;
  }
}
