import { describeBackend } from '@tensile/conformance/vitest';
import { scratchBackend } from './scratch.js';

// A faithful copy of cpu under another name: a non-cpu device as far as the suite can tell, so
// every golden case, every differential trial against cpu and the honesty checks must pass.
scratchBackend('mirror');
describeBackend('mirror');
