import { add, DTypeError, fmtShape, matmul, mul, permute, reshape, ShapeError, sum, type Tensor, tidy, unsqueeze } from '@tensile/core';

/**
 * y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o]
 * (PyTorch's F.bilinear): weight [out, in1, in2], inputs with the same leading dims.
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  for (const [name, t] of [['input1', input1], ['input2', input2]] as const)
    if (t.dtype !== weight.dtype) throw new DTypeError(`bilinear(): ${name} and weight must have the same dtype, got ${t.dtype} and ${weight.dtype}`);
  if (weight.ndim !== 3) throw new ShapeError(`bilinear(): weight must be 3-D [outFeatures, in1Features, in2Features], got shape ${fmtShape(weight.shape)}`);
  const [O, I1, I2] = weight.shape as [number, number, number];
  if (input1.ndim === 0 || input2.ndim === 0) throw new ShapeError(`bilinear(): inputs must have at least one dim, got ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}`);
  if (input1.shape[input1.ndim - 1] !== I1)
    throw new ShapeError(`bilinear(): input1 size does not match weight size: got ${input1.shape[input1.ndim - 1]} but expected ${I1}`);
  if (input2.shape[input2.ndim - 1] !== I2)
    throw new ShapeError(`bilinear(): input2 size does not match weight size: got ${input2.shape[input2.ndim - 1]} but expected ${I2}`);
  if (fmtShape(input1.shape.slice(0, -1)) !== fmtShape(input2.shape.slice(0, -1)))
    throw new ShapeError(`bilinear(): input batch dimensions do not match: got ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}`);
  if (bias !== null && bias !== undefined) {
    if (bias.dtype !== weight.dtype) throw new DTypeError(`bilinear(): bias and weight must have the same dtype, got ${bias.dtype} and ${weight.dtype}`);
    if (bias.ndim !== 1 || bias.shape[0] !== O) throw new ShapeError(`bilinear(): bias size does not match weight size: got ${fmtShape(bias.shape)} but expected [${O}]`);
  }
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
