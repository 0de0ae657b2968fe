// The umbrella package: core, nn (with F), optim, and the cpu backend registered
// so that importing "tensile" alone gives a working default device.
import '@tensile/backend-cpu';

export * from '@tensile/core';
export * as nn from '@tensile/nn';
export { functional as F } from '@tensile/nn';
export * as optim from '@tensile/optim';
