import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/targets.js';

const row = (id: string, group: string, median: Record<string, number>, reason: Record<string, string> = {}) => ({
  id,
  group,
  median: new Map(Object.entries(median)),
  reason: new Map(Object.entries(reason)),
});

describe('targets', () => {
  it('is met or missed only on a ratio measured at equal thread counts', () => {
    const checks = evaluate({
      threads: new Map([
        ['cpu', 1],
        ['tfjs-cpu', 1],
      ]),
      rows: [row('W1-1M', 'W1', { cpu: 1, 'tfjs-cpu': 6 }), row('W4', 'W4', { cpu: 1, 'tfjs-cpu': 1.5 })],
    });
    const cpu = checks.filter((c) => c.target.backend === 'cpu');
    expect(cpu.map((c) => [c.workload, c.status, c.speedup])).toEqual([
      ['W1-1M', 'met', 6],
      ['W4', 'missed', 1.5],
    ]);
  });

  it('a backend or peer that did not run, or a workload it could not run, leaves the target unverified', () => {
    const checks = evaluate({
      threads: new Map([
        ['cpu', 1],
        ['tfjs-cpu', 1],
        ['native', 2],
        ['torch-1t', 1],
      ]),
      rows: [row('W2', 'W2', { 'tfjs-cpu': 6, native: 1, 'torch-1t': 1 }, { cpu: 'nn.CrossEntropyLoss is not implemented yet' })],
    });
    const by = (b: string) => checks.filter((c) => c.target.backend === b && c.workload === 'W2');
    expect(by('cpu')[0]).toMatchObject({ status: 'unverified', reason: 'cpu: nn.CrossEntropyLoss is not implemented yet' });
    expect(by('wasm')[0]).toMatchObject({ status: 'unverified', reason: 'wasm did not run here' });
    expect(by('native')[0]).toMatchObject({ status: 'unverified', reason: 'thread counts differ (native 2, torch-1t 1)' });
    expect(checks.some((c) => c.status === 'met' && c.workload === 'W2')).toBe(false);
  });
});
