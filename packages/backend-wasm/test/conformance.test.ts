import '@tensile/backend-wasm';
import { describeBackend } from '@tensile/conformance/vitest';

// Every golden case (ops, losses, layers, optimizers, schedulers, training), the
// differential trials against cpu, the fused-vs-composed checks, the honesty
// (no fallback, no readback while computing) checks and the leak probe, on wasm.
describeBackend('wasm');
