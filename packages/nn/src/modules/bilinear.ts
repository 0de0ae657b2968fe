import { add, DTypeError, fmtShape, matmul, mul, reshape, ShapeError, sum, type Tensor, tidy, unsqueeze, permute } from '@tensile/core';
import { uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { biasParameter, checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, layerArgs } from './args.js';

export interface BilinearOptions extends FactoryOptions {
  bias?: boolean;
}

interface BilinearArgs extends BilinearOptions {
  in1Features: number;
  in2Features: number;
  outFeatures: number;
}

/** y = x1^T A x2 + b with A of shape [out, in1, in2] (PyTorch's nn.Bilinear). */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  for (const [name, t] of [['input1', input1], ['input2', input2]] as const)
    if (t.dtype !== weight.dtype) throw new DTypeError(`bilinear(): ${name} and weight must have the same dtype, got ${t.dtype} and ${weight.dtype}`);
  const [O, I1, I2] = weight.shape as [number, number, number];
  if (input1.shape[input1.ndim - 1] !== I1)
    throw new ShapeError(`bilinear(): input1 size does not match weight size: got ${input1.shape[input1.ndim - 1]} but expected ${I1}`);
  if (input2.shape[input2.ndim - 1] !== I2)
    throw new ShapeError(`bilinear(): input2 size does not match weight size: got ${input2.shape[input2.ndim - 1]} but expected ${I2}`);
  if (fmtShape(input1.shape.slice(0, -1)) !== fmtShape(input2.shape.slice(0, -1)))
    throw new ShapeError(`bilinear(): input batch dimensions do not match: got ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}`);
  const lead = input1.shape.slice(0, -1);
  return tidy(() => {
    const x1 = reshape(input1, [-1, I1]);
    const x2 = reshape(input2, [-1, I2]);
    // (x1 @ A viewed as [in1, out * in2]) then contract with x2 over in2.
    const a = reshape(permute(weight, [1, 0, 2]), [I1, O * I2]);
    const t = reshape(matmul(x1, a), [-1, O, I2]);
    let y = sum(mul(t, unsqueeze(x2, 1)), 2);
    if (bias !== null && bias !== undefined) y = add(y, bias);
    return reshape(y, [...lead, O]);
  });
}

export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, options?: BilinearOptions);
  constructor(options: BilinearArgs);
  constructor(...args: [number, number, number, BilinearOptions?] | [BilinearArgs]) {
    super();
    const o = layerArgs<BilinearArgs>('Bilinear', args, ['in1Features', 'in2Features', 'outFeatures'], ['bias', ...FACTORY_KEYS]);
    this.in1Features = checkSize('Bilinear', 'in1Features', o.in1Features);
    this.in2Features = checkSize('Bilinear', 'in2Features', o.in2Features);
    this.outFeatures = checkSize('Bilinear', 'outFeatures', o.outFeatures);
    this.weight = new Parameter(factoryFull([this.outFeatures, this.in1Features, this.in2Features], 0, o));
    this.bias = biasParameter(this, o.bias ?? true, this.outFeatures, o);
    const bound = 1 / Math.sqrt(this.in1Features);
    uniform_(this.weight, -bound, bound);
    if (this.bias !== null) uniform_(this.bias, -bound, bound);
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }
}
