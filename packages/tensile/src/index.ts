// The umbrella package: core, nn (with F), optim, data utilities, and the cpu
// backend registered so that importing "tensile" alone gives a working default device.
import '@tensile/backend-cpu';
import { data, functional } from '@tensile/nn';

export * from '@tensile/core';
export * as nn from '@tensile/nn';
export * as optim from '@tensile/optim';
/** torch.nn.functional, as `F`. */
export const F = functional;
/** torch.utils: `utils.data` has Dataset, TensorDataset, DataLoader, randomSplit. */
export const utils = { data };
