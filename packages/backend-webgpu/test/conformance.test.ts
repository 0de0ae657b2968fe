import { vi } from 'vitest';
import '@tensile/backend-cpu';
import { describeBackend } from '@tensile/conformance';

// Software adapters are slow: the whole suite takes about 40 s on llvmpipe with two cores.
vi.setConfig({ testTimeout: 300_000 });

/** Known failure outside the kernels, excluded by id so everything else must pass: this interop case loads a float64 tensor, and WebGPU has no float64. */
const KNOWN = ['interop/mixed_dtypes'];

describeBackend('webgpu', { filter: new RegExp(`^(?!.*(${KNOWN.map((k) => k.replace(/[/]/g, '\\/')).join('|')}))`) });
