import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';

const spec = { group: 'elementwise', dtype: 'same', arity: 1, differentiable: false, doc: 'x + 1, declared by a test' } as const;
const check: T.FusedCheck = { inputs: (device) => [T.ones([3], { device })], variants: [{}], composed: (ins) => T.add(ins[0]!, 1) };

test('a composite declared outside core is listed with its spec and check, and a fused kernel registered for it is dispatched by name', () => {
  T.declareComposite('probePlusOne', spec, check);
  expect(T.declaredComposites().get('probePlusOne')).toEqual({ spec: { ...spec, kind: 'composite' }, check });
  expect(Object.keys(T.OP_TABLE)).not.toContain('probePlusOne');
  const backend = T.getBackendObject('cpu');
  expect(T.fusedKernelCall('probePlusOne', backend)).toBeUndefined();
  const kernel: T.FusedKernel = () => {};
  T.registerKernel('probePlusOne', 'cpu', kernel);
  expect(T.fusedKernelCall('probePlusOne', backend)).toBe(kernel);
  expect(T.kernelCoverage('cpu').fused).toContain('probePlusOne');
});

test("declaring a name of core's table, or a name another declaration holds, is refused", () => {
  expect(() => T.declareComposite('softmax', spec, check)).toThrow(/softmax is already an op of core's table/);
  T.declareComposite('probeTwice', spec, check);
  expect(() => T.declareComposite('probeTwice', spec, check)).not.toThrow(); // the same package loaded twice
  expect(() => T.declareComposite('probeTwice', { ...spec, doc: 'something else' }, check)).toThrow(/probeTwice is already declared/);
});
