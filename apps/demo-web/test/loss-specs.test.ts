import { memory, setBackend } from 'tensile';
import { type LossName, LOSS_NAMES } from '@tensile/demo-node/toy';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/explorer.js';
import { LOSS_SPECS } from '../src/loss-specs.js';

describe('loss explorer curves (cpu, in Node)', () => {
  it('has a spec for each of the 21 losses, each a loss of the registry', () => {
    expect(Object.keys(LOSS_SPECS)).toHaveLength(21);
    for (const name of Object.keys(LOSS_SPECS)) expect(LOSS_NAMES).toContain(name);
  });

  it('starts each option control at the default of the loss registry', () => {
    expect(LOSS_SPECS.huber!.controls.find((c) => c.key === 'delta')).toMatchObject({ value: 1, option: true, kind: 'number' });
    expect(LOSS_SPECS['poisson-nll']!.controls.find((c) => c.key === 'logInput')).toMatchObject({
      value: true,
      option: true,
      kind: 'boolean',
    });
    expect(LOSS_SPECS['triplet-margin']!.controls.find((c) => c.key === 'p')).toMatchObject({
      value: 2,
      option: true,
      kind: 'select',
      choices: [1, 2],
    });
  });

  it.each(LOSS_NAMES.filter((n) => LOSS_SPECS[n] !== undefined))(
    '%s: the autograd gradient is the slope of the loss curve',
    async (name: LossName) => {
      setBackend('cpu');
      const defaults = Object.fromEntries(LOSS_SPECS[name]!.controls.map((c) => [c.key, c.value]));
      const before = memory().tensors;
      const { xs, loss, grad } = await evaluate(name, defaults);
      expect(memory().tensors, 'tensors left behind').toBe(before);
      expect(loss.every(Number.isFinite) && grad.every(Number.isFinite)).toBe(true);
      // Central differences of the curve against the gradient at the point between; kinks
      // (|x|, hinges) disagree at a point or two, so most points, not all, must match.
      let agree = 0;
      for (let i = 1; i + 1 < xs.length; i++) {
        const slope = (loss[i + 1]! - loss[i - 1]!) / (xs[i + 1]! - xs[i - 1]!);
        if (Math.abs(slope - grad[i]!) <= 0.02 + 0.02 * Math.abs(slope)) agree++;
      }
      expect(agree / (xs.length - 2)).toBeGreaterThan(0.9);
    },
  );
});
