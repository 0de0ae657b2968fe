export { runConformance, runGoldenCase, backendNames, backendRequests, matcher, DEFAULT_SEED, type ConformanceOptions, type BackendRequest } from './run.js';
export { startBackend, loadBackendModules, resolveBackendModule, KNOWN_BACKENDS, type StartResult } from './backends.js';
export { readGolden, goldenSet, PACKAGED_GOLDEN, toTensor, decodeNumber, decodeValue, goldenValues, CASE_KINDS, type GoldenCase, type GoldenFile, type GoldenTensor, type CaseKind, type GoldenSet, type GoldenRead } from './golden.js';
export { validateFile, duplicateIds, formatProblem, GOLDEN_FORMAT_VERSION, MAX_TOLERANCE, KIND_LABELS, type Problem } from './validate.js';
export { close, compareArrays, compareValues, compareTensor, toleranceOf, type Mismatch, type Tolerance } from './compare.js';
export { runDifferential, trialsFor, LARGE, type DifferentialOptions } from './differential.js';
export { runFusedChecks } from './fused.js';
export { withLeakCheck, leakProbe, type LeakCheck } from './leak.js';
export { CaseTrace, traced, honestyProblems } from './trace.js';
export { markdownReport, formatFailure, summaryLine, summaryLines } from './report.js';
export { NotImplemented, acceptedClasses } from './expect-error.js';
export type { CaseResult, CaseCounts, BackendSummary, ConformanceResult, SetSummary, Status } from './results.js';
export {
  runFuzz,
  checkProgram,
  generateProgram,
  runProgram,
  shrinkProgram,
  removeSteps,
  formatProgram,
  formatFuzzFailure,
  fuzzCases,
  lossWeight,
  encodeNum,
  decodeNum,
  FUZZ_SEED,
  type Program,
  type Step,
  type JsonNum,
  type FuzzOptions,
  type FuzzResult,
  type FuzzFailure,
  type RunResult,
} from './fuzz.js';
export { GPT, EncoderLayerGPT, GPT_BLOCKS, Block, CausalSelfAttention, MLP, CharTokenizer, type GPTConfig } from './models/gpt.js';
export { trainGptFromGolden, isGptCase, type GptTrainingResult } from './runners/gpt.js';
