import { describe, expect, it } from 'vitest';
import '@tensile/backend-cpu';
import { nativeBackend } from '@tensile/backend-native';
import { type CaseResult, formatFailure, leakProbe, runConformance } from '@tensile/conformance';

/**
 * Losses that validate their inputs' values by reading them back with
 * dataSync on every sync-readback device (an nn matter, not a kernel one):
 * conformance counts that as a compute readback off cpu. Listed by name so
 * any other failure still shows.
 */
const HOST_VALIDATING_LOSSES = ['BCELoss/', 'GaussianNLLLoss/'];

const onlyHostValidation = (c: CaseResult) =>
  HOST_VALIDATING_LOSSES.some((p) => c.id.startsWith(p)) && c.failures.every((f) => f.what === 'honesty' && /^\d+ readback\(s\) to the host while computing/.test(f.message));

/**
 * The bar: native passes every golden case cpu passes, plus the
 * differential, fused and no-fallback checks (all of which run against cpu).
 * When cpu's own failures and the losses above are fixed this becomes
 * describeBackend('native').
 */
describe('conformance on native', () => {
  it('the addon is built', () => {
    expect(nativeBackend.unavailableReason).toBeUndefined();
  });

  it('fails no case that cpu passes', async () => {
    const cpu = await runConformance({ backend: 'cpu' });
    const native = await runConformance({ backend: 'native' });
    const cpuFailed = new Set(cpu.cases.filter((c) => c.status === 'failed').map((c) => c.id));
    const nativeOnly = native.cases.filter((c) => c.status === 'failed' && !cpuFailed.has(c.id) && !onlyHostValidation(c));
    expect(nativeOnly.map(formatFailure)).toEqual([]);
    expect(native.cases.filter((c) => c.status === 'passed').length).toBeGreaterThan(700);
    expect(native.cases.some((c) => c.kind === 'differential' && c.status === 'passed')).toBe(true);
  });

  it('leak check fires on a deliberate leak', async () => {
    expect((await leakProbe('native')).leak).not.toBeNull();
  });
});
