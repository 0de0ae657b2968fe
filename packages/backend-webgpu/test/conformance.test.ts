import { vi } from 'vitest';
import '@tensile/backend-cpu';
import { describeBackend } from '@tensile/conformance/vitest';

// Software adapters are slow: the whole suite takes about 40 s on llvmpipe with two cores.
vi.setConfig({ testTimeout: 300_000 });

// Every golden case, float64 interop included (loaded as float32, since WebGPU has no float64).
describeBackend('webgpu');
