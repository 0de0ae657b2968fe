// The vitest integration, apart from the main entry so that importing '@tensile/conformance'
// (the CLI, runConformance, the golden reader) needs no vitest, its optional peer.
export { describeBackend, type DescribeOptions } from './describe.js';
