import { describe, expect, it } from 'vitest';
import '../test/helpers.js';
import { checkValues, tensor, ValueError } from './index.js';

describe('checkValues', () => {
  it('throws the given error for the first failing element where values are on the host', () => {
    const t = tensor([0.5, 1, 1.5, -1], { device: 'cpu' });
    expect(() => checkValues(t, { min: 0, max: 1, nanFails: true }, (v) => new ValueError(`bad ${v}`))).toThrow('bad 1.5');
    expect(() => checkValues(tensor([0, NaN], { device: 'cpu' }), { min: 0, nanFails: false }, () => new ValueError('x'))).not.toThrow();
    expect(() => checkValues(tensor([0, NaN], { device: 'cpu' }), { min: 0, nanFails: true }, () => new ValueError('nan'))).toThrow('nan');
  });
});
