// Float64 finite-difference checks of the spatial layers' functional math
// (issue 20): first derivatives, and second derivatives through a tanh so
// that each op's backward is itself differentiated (double backward).
import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { tanh, type Tensor } from '@tensile/core';
import * as nn from '@tensile/nn';
import { f64, gradcheck, gradgradcheck } from '../../../core/test/helpers.js';

const F = nn.functional;

/** f, then through tanh: its second derivative differentiates f's backward. */
const twice = (f: (...xs: Tensor[]) => Tensor) => (...xs: Tensor[]) => tanh(f(...xs));

describe('spatial layers, float64, first and second order', () => {
  const x3 = () => f64([2, 2, 5], 41, -2, 2);
  const x4 = () => f64([1, 2, 3, 4], 42, -2, 2);
  const cases: [string, (...xs: Tensor[]) => Tensor, () => Tensor[]][] = [
    ['pad constant (negative crops)', (v) => F.pad(v, [1, -1, 2, 0], { value: 0.5 }), () => [x4()]],
    ['pad reflect', (v) => F.pad(v, [2, 3, 1, 2], 'reflect'), () => [x4()]],
    ['pad replicate', (v) => F.pad(v, [4, 1], 'replicate'), () => [x3()]],
    ['interpolate nearest', (v) => F.interpolate(v, { scaleFactor: 1.7 }), () => [x3()]],
    ['interpolate linear', (v) => F.interpolate(v, { size: 8, mode: 'linear' }), () => [x3()]],
    ['interpolate bilinear (alignCorners)', (v) => F.interpolate(v, { scaleFactor: [1.5, 0.75], mode: 'bilinear', alignCorners: true }), () => [x4()]],
    ['pixelShuffle', (v) => F.pixelShuffle(v, 2), () => [f64([1, 8, 2, 3], 43)]],
    ['pixelUnshuffle', (v) => F.pixelUnshuffle(v, 2), () => [f64([1, 2, 4, 2], 44)]],
    ['unfold', (v) => F.unfold(v, [2, 3], { padding: 1, stride: [2, 1], dilation: [1, 2] }), () => [x4()]],
    ['fold', (v) => F.fold(v, [4, 5], 2, { padding: 1, stride: 2 }), () => [f64([1, 8, 9], 45)]],
    ['adaptiveMaxPool1d', (v) => F.adaptiveMaxPool1d(v, 3), () => [x3()]],
    ['adaptiveMaxPool2d', (v) => F.adaptiveMaxPool2d(v, [2, 3]), () => [x4()]],
    ['instanceNorm with affine', (v, w, b) => F.instanceNorm(v, null, null, { weight: w, bias: b }), () => [x4(), f64([2], 46), f64([2], 47)]],
  ];
  for (const [name, f, inputs] of cases)
    test(name, () => {
      gradcheck(f, inputs());
      gradgradcheck(twice(f), inputs());
    });
});

describe('spatial layers, behaviour beyond the goldens', () => {
  test('fold is the adjoint of unfold: <unfold(x), y> = <x, fold(y)>', () => {
    const x = f64([1, 2, 4, 5], 51);
    const y = f64([1, 2 * 6, 9], 52);
    const o = { padding: 1, stride: 2, dilation: 1 };
    const lhs = F.unfold(x, [2, 3], o).mul(y).sum().itemSync();
    const rhs = x.mul(F.fold(y, [4, 5], [2, 3], o)).sum().itemSync();
    expect(lhs).toBeCloseTo(rhs, 10);
  });
  test('pixelUnshuffle inverts pixelShuffle', () => {
    const x = f64([2, 12, 2, 3], 53);
    expect(F.pixelUnshuffle(F.pixelShuffle(x, 2), 2).tolistSync()).toEqual(x.tolistSync());
  });
  test('the padding layers and F.pad agree, and bad input names the layer', () => {
    const x = f64([1, 2, 3, 4], 54);
    expect(new nn.ReflectionPad2d([1, 2, 0, 1])(x).tolistSync()).toEqual(F.pad(x, [1, 2, 0, 1], { mode: 'reflect' }).tolistSync());
    expect(() => new nn.ReflectionPad1d(4)(x.reshape([2, 3, 4]))).toThrow(/ReflectionPad1d.*Padding size should be less than/);
    expect(() => F.pad(x, [1, 2, 3])).toThrow(/pad: Padding length must be divisible by 2/);
    expect(() => F.pad(x, [1, 1], { mode: 'reflect', value: 1 })).toThrow(/doesn't take in value/);
  });
  test('interpolate takes one scaleFactor per dim', () => {
    const x = f64([1, 1, 2, 2], 55);
    expect(F.interpolate(x, { scaleFactor: [1, 2] }).shape).toEqual([1, 1, 2, 4]);
  });
});
