// softmax over a size-0 dim: an empty result of the input's shape and dtype on every path
// (the fused float32 kernel, and the composite that float64 and kernel-less backends use).
import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';
import type { DType } from '@tensile/core';

test('softmax and logSoftmax of a tensor with an empty dim give an empty result of its shape in float64 and composed float32 too', () => {
  for (const dtype of ['float32', 'float64'] as DType[])
    for (const dim of [0, 1]) {
      const x = T.zeros([4, 0], { dtype });
      for (const y of [T.softmax(x, dim), T.logSoftmax(x, dim), T.softmaxComposed(x, dim), T.logSoftmaxComposed(x, dim)]) expect([y.shape, y.dtype]).toEqual([[4, 0], dtype]);
    }
});
