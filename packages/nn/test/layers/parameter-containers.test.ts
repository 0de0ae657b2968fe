import { beforeEach, describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { manualSeed, ones, randn, type Tensor, ValueError, zeros } from '@tensile/core';
import * as nn from '@tensile/nn';

// Layers with random init and random inputs draw from the default generator: seeded, every run sees the same numbers.
beforeEach(() => {
  manualSeed(0);
});

class Net extends nn.Module<[Tensor], Tensor> {
  list = new nn.ParameterList([new nn.Parameter(ones([2])), new nn.Parameter(zeros([3]))]);
  dict = new nn.ParameterDict({ scale: new nn.Parameter(ones([1])), shift: new nn.Parameter(zeros([1])) });
  forward(x: Tensor): Tensor {
    return x.mul(this.dict.get('scale')!).add(this.dict.get('shift')!);
  }
}

describe('ParameterList', () => {
  test('registers its parameters under "0", "1", ... (PyTorch\'s keys)', () => {
    const l = new nn.ParameterList([new nn.Parameter(ones([2]))]);
    l.append(new nn.Parameter(zeros([3])));
    expect(l.length).toBe(2);
    expect(Object.keys(l.stateDict())).toEqual(['0', '1']);
    expect(l.parameters()).toEqual([l.at(0), l.at(1)]);
    expect(l.at(-1).shape).toEqual([3]);
    expect([...l].map((p) => p.shape)).toEqual([[2], [3]]);
  });
  test('refuses what is not a Parameter, before changing anything', () => {
    const l = new nn.ParameterList([new nn.Parameter(ones([2]))]);
    expect(() => l.extend([new nn.Parameter(ones([1])), randn([2]) as nn.Parameter])).toThrow(ValueError);
    expect(l.length).toBe(1);
    expect(() => l.at(3)).toThrow(/out of range/);
    expect(() => (l as unknown as () => void)()).toThrow(/not callable/);
  });
});

describe('ParameterDict', () => {
  test('registers its parameters under their keys, in insertion order', () => {
    const d = new nn.ParameterDict({ b: new nn.Parameter(ones([2])) });
    d.set('a', new nn.Parameter(zeros([1])));
    expect(d.keys()).toEqual(['b', 'a']);
    expect(Object.keys(d.stateDict())).toEqual(['b', 'a']);
    expect(d.has('a') && d.size === 2).toBe(true);
    const a = d.pop('a');
    expect(a.shape).toEqual([1]);
    expect(d.keys()).toEqual(['b']);
    expect(d.parameters().length).toBe(1);
    expect(() => d.set('x.y', new nn.Parameter(ones([1])))).toThrow(ValueError);
    expect(() => d.set('z', ones([1]) as nn.Parameter)).toThrow(/must be a Parameter/);
  });
});

describe('as submodules', () => {
  test('parameters(), namedParameters() and stateDict() see them with PyTorch\'s dotted keys; loadStateDict fills them', async () => {
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual(['list.0', 'list.1', 'dict.scale', 'dict.shift']);
    expect([...net.namedParameters()].map(([k]) => k)).toEqual(['list.0', 'list.1', 'dict.scale', 'dict.shift']);
    const other = new Net();
    other.loadStateDict({ 'list.0': ones([2]).mul(3), 'list.1': ones([3]), 'dict.scale': ones([1]).mul(2), 'dict.shift': ones([1]) });
    expect(Array.from(await other.dict.get('scale')!.data())).toEqual([2]);
    expect(Array.from(await other(ones([2])).data())).toEqual([3, 3]);
    const y = net(ones([2]));
    y.sum().backward();
    expect(Array.from(await net.dict.get('scale')!.grad!.data())).toEqual([2]);
  });
});
