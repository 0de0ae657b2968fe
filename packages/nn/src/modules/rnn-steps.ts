// One time step of each recurrent cell, shared by the sequence layers (RNN, LSTM, GRU)
// and the single-step cells (RNNCell, LSTMCell, GRUCell). Internal: not exported by the package.
import { add, chunk, linear, mul, relu, sigmoid, sub, tanh, type Tensor } from '@tensile/core';
import type { Parameter } from '../parameter.js';

export interface StepWeights {
  wHh: Parameter;
  bHh: Parameter | null;
  /** LSTM's projection [projSize, hidden], or null. */
  wHr: Parameter | null;
}

/** One step of a cell: (input projection W_ih x + b_ih at t, previous state) -> new state. */
export type Step = (xw: Tensor, state: Tensor[], w: StepWeights) => Tensor[];

/** Elman: h' = nonlinearity(xw + W_hh h + b_hh). */
export const rnnStep =
  (nonlinearity: 'tanh' | 'relu'): Step =>
  (xw, [h], w) => {
    const pre = add(xw, linear(h!, w.wHh, w.bHh));
    return [nonlinearity === 'relu' ? relu(pre) : tanh(pre)];
  };

/** LSTM: gates i, f, g, o; state [h, c]. */
export const lstmStep: Step = (xw, [h, c], w) => {
  const g = add(xw, linear(h!, w.wHh, w.bHh));
  const [i, f, gg, o] = chunk(g, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const c2 = add(mul(sigmoid(f), c!), mul(sigmoid(i), tanh(gg)));
  const h2 = mul(sigmoid(o), tanh(c2));
  return [w.wHr === null ? h2 : linear(h2, w.wHr), c2];
};

/** GRU: gates r, z, n, the reset gate applied after the recurrent matmul (as PyTorch). */
export const gruStep: Step = (xw, [h], w) => {
  const hw = linear(h!, w.wHh, w.bHh);
  const [xr, xz, xn] = chunk(xw, 3, 1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = chunk(hw, 3, 1) as [Tensor, Tensor, Tensor];
  const r = sigmoid(add(xr, hr));
  const z = sigmoid(add(xz, hz));
  const n = tanh(add(xn, mul(r, hn)));
  return [add(mul(sub(1, z), n), mul(z, h!))];
};
