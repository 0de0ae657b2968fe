import { expect, test } from 'vitest';
import * as T from '@tensile/core';
import '@tensile/backend-cpu';
import '@tensile/backend-webgpu';

// An in-place op whose operands are the output itself reads one value twice; the shader compiler must
// not fold x - x to 0 (NaN - NaN and inf - inf are NaN), as found by the program fuzzer (webgpu seed 463599).
test('webgpu x.sub_(x) keeps NaN for NaN and inf, as cpu does', async () => {
  await T.ready('webgpu');
  const data = [Number.NaN, Infinity, -Infinity, 1.5, 0];
  const c = T.tensor(data, { device: 'cpu' });
  const want = c.sub_(c).dataSync();
  const x = T.tensor(data, { device: 'webgpu' });
  x.sub_(x);
  const got = await x.data();
  expect(Array.from(got)).toEqual(Array.from(want));
  const y = T.tensor(data, { device: 'webgpu' });
  expect(Array.from(await T.sub(y, y).data())).toEqual(Array.from(want));
});
