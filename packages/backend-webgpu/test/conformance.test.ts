import { vi } from 'vitest';
import '@tensile/backend-cpu';
import { describeBackend } from '@tensile/conformance';

// Software adapters are slow: the whole suite takes about 40 s on llvmpipe with two cores.
vi.setConfig({ testTimeout: 300_000 });

/**
 * Known failures outside the kernels, excluded by id so everything else must pass:
 * - interop/mixed_dtypes.safetensors loads a float64 tensor, and WebGPU has no float64;
 * - BCELoss/GaussianNLLLoss value checks (probabilities outside [0, 1], negative var) run only
 *   where values can be read synchronously; on an async device nn has no way yet to raise them
 *   through a device-side flag.
 */
const KNOWN = ['interop/mixed_dtypes', 'BCELoss/error/input-above-1', 'BCELoss/error/input-below-0', 'GaussianNLLLoss/error/negative-var'];

describeBackend('webgpu', { filter: new RegExp(`^(?!.*(${KNOWN.map((k) => k.replace(/[/]/g, '\\/')).join('|')}))`) });
