import { expect, test } from 'vitest';
import * as T from '@tensile/core';
import '@tensile/backend-cpu';

// PyTorch converts a Python number to the op's common dtype before computing: in float32,
// x / 0.001 divides by float32(0.001), exactly as x / tensor(0.001) does (the other backends agree).
test("a scalar operand is rounded to the tensor operands' float32 dtype, in arithmetic and comparisons", () => {
  const x = T.tensor([0.5, 2.75, 1, -3, 7.25]);
  expect(Array.from(T.div(x, 0.001).dataSync())).toEqual(Array.from(T.div(x, T.tensor([0.001])).dataSync()));
  expect(Array.from(T.mul(x, 0.1).dataSync())).toEqual(Array.from(T.mul(x, T.tensor([0.1])).dataSync()));
  // A float32 0.1 equals the number 0.1 once that is rounded to float32, as in PyTorch.
  expect(Array.from(T.eq(T.tensor([0.1]), 0.1).dataSync())).toEqual([1]);
  // float64 keeps the double.
  expect(Array.from(T.div(T.tensor([0.5], { dtype: 'float64' }), 0.001).dataSync())).toEqual([0.5 / 0.001]);
});
