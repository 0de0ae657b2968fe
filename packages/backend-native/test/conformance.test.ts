import { describe, expect, it } from 'vitest';
import '@tensile/backend-cpu';
import { nativeBackend } from '@tensile/backend-native';
import { describeBackend } from '@tensile/conformance/vitest';

// Every golden case, the differential checks against cpu, fused-vs-composed, leak and no-fallback checks.
describeBackend('native');

describe('native conformance is not skipped here', () => {
  // describeBackend skips a backend that cannot start; in this repo the addon must build, so that would be a failure.
  it('the addon is built', () => {
    expect(nativeBackend.unavailableReason).toBeUndefined();
  });
});
