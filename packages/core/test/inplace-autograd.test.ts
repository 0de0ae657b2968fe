// In-place ops on non-leaf tensors keep autograd working: the gradient through `t.op_(...)`
// equals the gradient through the out-of-place `op(t, ...)` (PyTorch saves the original self),
// and in-place arithmetic on a view whose elements share memory is refused, changing nothing.
import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { type Tensor, ValueError, tensor } from '@tensile/core';

type Case = [string, (t: Tensor, w: Tensor) => Tensor, (t: Tensor, w: Tensor) => Tensor];
const CASES: Case[] = [
  ['clamp_ (scalar bounds)', (t) => t.clamp_(-0.25, 0.25), (t) => t.clamp(-0.25, 0.25)],
  ['clamp_ (tensor lower bound)', (t, w) => t.clamp_(w), (t, w) => t.clamp(w)],
  ['mul_ by a tensor', (t, w) => t.mul_(w), (t, w) => t.mul(w)],
  ['mul_ by a scalar', (t) => t.mul_(3), (t) => t.mul(3)],
  ['div_ by a tensor', (t, w) => t.div_(w), (t, w) => t.div(w)],
  ['pow_ by a scalar', (t) => t.pow_(2), (t) => t.pow(2)],
  ['pow_ by a tensor', (t, w) => t.pow_(w), (t, w) => t.pow(w)],
  ['sub_ with alpha', (t, w) => t.sub_(w, 2), (t, w) => t.sub(w.mul(2))],
  ['add_ by a tensor', (t, w) => t.add_(w), (t, w) => t.add(w)],
];

function grads(f: (t: Tensor, w: Tensor) => Tensor): [number[], number[] | null, number[]] {
  const x = tensor([-0.5, 2, 0.1], { requiresGrad: true });
  const w = tensor([3, 0.5, -0.2], { requiresGrad: true });
  const y = f(x.mul(2), w);
  y.mul(tensor([1, -2, 0.5])).sum().backward();
  return [Array.from(x.grad!.dataSync()), w.grad ? Array.from(w.grad.dataSync()) : null, Array.from(y.dataSync())];
}

for (const [name, inPlace, outOfPlace] of CASES)
  test(`${name} on a non-leaf: the same values and gradients as the out-of-place op`, () => {
    expect(grads(inPlace)).toEqual(grads(outOfPlace));
  });

test('in-place arithmetic on an expanded view is refused and leaves the storage as it was', () => {
  const base = tensor([1]);
  const b = base.expand([2]);
  for (const f of [() => b.add_(tensor([10, 20])), () => b.mul_(2), () => b.clamp_(0, 0.5), () => b.copy_(tensor([3, 4]))]) {
    expect(f).toThrow(ValueError);
    expect(f).toThrow(/more than one element of the written-to tensor/);
    expect(Array.from(base.dataSync())).toEqual([1]);
  }
});

test('fill_ of an expanded view is allowed (one value for every alias), as PyTorch', () => {
  const base = tensor([1]);
  base.expand([3]).fill_(2);
  expect(Array.from(base.dataSync())).toEqual([2]);
});
