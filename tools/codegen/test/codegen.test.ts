// The generated files follow the op table: the committed ones are current, and
// a change to the table changes every list derived from it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { loadSources } from '../src/sources.mjs';
import { generate, ofKind } from '../src/targets.mjs';

const run = fileURLToPath(new URL('../run.mjs', import.meta.url));

test('every committed generated file is what the op table generates', () => {
  const r = spawnSync(process.execPath, [run, '--check'], { encoding: 'utf8' });
  expect(r.stderr).toContain('generated files are current');
  expect(r.status).toBe(0);
});

test('a unary primitive appended to the table gets its C enum, name tables, wasm code, core function and Tensor method, and the ops reference and backend guide list it', async () => {
  const core = await loadSources();
  const before = generate(core) as Record<string, string>;
  const spec = { kind: 'unary', group: 'elementwise', dtype: 'float', dtypes: ['float32', 'float64'], arity: 1, differentiable: true, doc: 'a probe op for this test' };
  const grown = { ...core, PRIMITIVES: { ...core.PRIMITIVES, probeUnary: spec } };
  const after = generate(grown) as Record<string, string>;
  const n = ofKind(core, 'unary').length;
  const header = after['packages/kernels-c/include/tensile_ops.h']!;
  expect(header).toContain(`TN_PROBE_UNARY = ${n},`);
  expect(header).toContain(`TN_UNARY_COUNT = ${n + 1}`);
  expect(header).toContain('X(TN_PROBE_UNARY, probeUnary)');
  expect(before['packages/kernels-c/include/tensile_ops.h']).not.toContain('PROBE_UNARY');
  expect(after['packages/backend-native/csrc/generated/codes.h']).toContain('"probeUnary"}');
  expect(after['packages/backend-wasm/src/generated/kernel-api.ts']).toContain(`probeUnary: ${n} }`);
  expect(after['packages/core/src/generated/ops.ts']).toContain("export const probeUnary = (x: Tensor): Tensor => unary('probeUnary', x);");
  expect(after['packages/core/src/generated/methods.ts']).toContain('probeUnary(): Tensor;');
  expect(after['packages/core/src/generated/methods.ts']).toContain('probeUnary(this: Tensor): Tensor { return O.probeUnary(this); },');
  // An op whose function core writes by hand (extra arguments) gets no generated one.
  expect(before['packages/core/src/generated/ops.ts']).not.toMatch(/export const (softplus|add|sub) =/);
  expect(after['packages/core/OPS.md']).toContain('| `probeUnary` | unary | elementwise | 1 | float | float32, float64 | yes | a probe op for this test |');
  // The backend guide's primitive list is a generated section; the prose around it is kept.
  expect(after['packages/conformance/README.md']).toContain('| `probeUnary` | unary | float | float32, float64 | yes | a probe op for this test |');
  expect(after['packages/conformance/README.md']).toContain('## Writing a backend');
});

test('the kernels-c API is read from its header: every declared function is exported by wasm and renamed per ISA by native', () => {
  const files = generate({ PRIMITIVES: {}, COMPOSITES: {}, DTYPES: ['float32'], CALLS: {} }) as Record<string, string>;
  const exportsJson = JSON.parse(files['packages/backend-wasm/scripts/kernel-exports.json']!) as { exports: string[] };
  for (const fn of ['tn_unary', 'tn_matmul_workspace', 'tn_adam_f32', 'tn_args', '__heap_base']) expect(exportsJson.exports).toContain(fn);
  expect(files['packages/backend-native/csrc/generated/kc_prefix.h']).toContain('#define tn_walk TN_PFX_CAT(TN_PREFIX, walk)');
  expect(files['packages/backend-native/csrc/generated/kc_funcs.h']).toMatch(/X\(unary\) X\(binary\)/);
});

test("a field added to a native call's declaration appears in both its TypeScript writer and its C++ reader, in the same place", async () => {
  const src = await loadSources();
  const gather = src.CALLS.gather as { name: string; fields: { name: string; kind: string }[] };
  const fields = [...gather.fields.slice(0, 1), { name: 'probe', kind: 'count' }, ...gather.fields.slice(1)];
  const files = generate({ ...src, CALLS: { ...src.CALLS, gather: { ...gather, fields } } }) as Record<string, string>;
  const ts = files['packages/backend-native/src/generated/calls.ts']!;
  const h = files['packages/backend-native/csrc/generated/calls.h']!;
  expect(ts).toContain('export function gather(b: Bridge, name: string, dim: number, probe: number, input: TensorView');
  expect(ts).toMatch(/P\[i\+\+\] = dim;\n {2}P\[i\+\+\] = probe;\n {2}i = b\.put\(name, input, i\);/);
  expect(h).toMatch(/c\.dim = int\(a\.integer\("dim", 0, MAX_DIMS\)\);\n {2}c\.probe = a\.integer\("probe", 0, int64_t\(1\) << 40\);\n {2}c\.input = a\.view\(c\.name, "input"\);/);
});

test('a native call whose op name is read after a tensor, or whose optional field names no earlier flag, is refused', async () => {
  const src = await loadSources();
  const late = { name: { flag: 'log', yes: 'a', no: 'b' }, fields: [{ name: 'x', kind: 'view' }, { name: 'log', kind: 'flag' }] };
  expect(() => generate({ ...src, CALLS: { late } })).toThrow(/must come before every tensor/);
  const orphan = { name: 'c', fields: [{ name: 'x', kind: 'view', when: 'missing' }] };
  expect(() => generate({ ...src, CALLS: { orphan } })).toThrow(/not an earlier flag/);
});

test("the ops reference names the backends that fuse each composite, from their src/fused.ts lists, and lists fused composites declared outside core", async () => {
  const src = await loadSources();
  expect(Object.keys(src.FUSED)).toEqual(['cpu', 'wasm', 'native', 'webgpu']);
  const files = generate({ ...src, FUSED: { cpu: ['mean', 'probeDeclared'], wasm: ['mean'], native: [], webgpu: [] } }) as Record<string, string>;
  const ops = files['packages/core/OPS.md']!;
  expect(ops).toMatch(/\| `mean` \| composite \|.*\| cpu, wasm \| sum \/ count \|/);
  expect(ops).toMatch(/\| `softmax` \| composite \|.*\| - \| exp/);
  expect(ops).toContain('- `probeDeclared`: cpu');
});

test("the README's golden counts are read from the set: a file's cases, one training run per file, one interop entry per safetensors file", async () => {
  const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { goldenCounts } = await import('../src/golden-counts.mjs');
  const root = mkdtempSync(`${tmpdir()}/golden-counts-`);
  for (const [kind, file, doc] of [
    ['ops', 'a.json', { cases: [{}, {}, {}] }],
    ['ops', 'b.json', { cases: [{}] }],
    ['losses', 'L1Loss.json', { cases: [{}, {}] }],
    ['training', 'run.json', { id: 'run' }],
    ['interop', 'README.json', { files: [{ reject: false }, { reject: true }] }],
  ] as const) {
    mkdirSync(`${root}/${kind}`, { recursive: true });
    writeFileSync(`${root}/${kind}/${file}`, JSON.stringify(doc));
  }
  expect(goldenCounts(root)).toEqual({ counts: { interop: 2, losses: 2, ops: 4, training: 1 }, losses: 1, malformed: 1, total: 9 });
});

test("an expression added to the cpu backend's elementwise list becomes its own generated loop (no code built at run time)", async () => {
  const src = await loadSources();
  const exprs = src.CPU_EXPRS as { UNARY: Record<string, string> };
  const files = generate({ ...src, CPU_EXPRS: { ...src.CPU_EXPRS, UNARY: { ...exprs.UNARY, probeUnary: 'H.erf(a) * 2' } } }) as Record<string, string>;
  const loops = files['packages/backend-cpu/src/generated/elementwise-loops.ts']!;
  expect(loops).toContain('function unaryProbeUnary(A: HostArray, ao: number, aSt: Strides, O: HostArray, oo: number, oSt: Strides, shape: Strides): void {');
  expect(loops).toContain('O[oo + i] = H.erf(a) * 2;');
  expect(loops).toContain('  probeUnary: unaryProbeUnary,');
  expect(loops).not.toMatch(/new Function|eval\(/);
  // Every unary expression has its loop in the committed file.
  const committed = generate(src) as Record<string, string>;
  for (const op of Object.keys(exprs.UNARY)) expect(committed['packages/backend-cpu/src/generated/elementwise-loops.ts']).toContain(`  ${op}: unary`);
});

test("the porting page lists each of PyTorch's names with its Tensile spelling, or missing, from the package's exports", async () => {
  const { camel, portingPage } = await import('../src/porting.mjs');
  expect(camel('log_softmax')).toBe('logSoftmax');
  expect(camel('clamp_min_')).toBe('clampMin_');
  expect(camel('zero_')).toBe('zero_');
  const src = await loadSources();
  const page = generate(src)['docs/porting.md'] as string;
  expect(page).toContain('| `torch.logsumexp` | `logsumexp` |');
  expect(page).toContain('| `Tensor.log_softmax` | `x.logSoftmax()` |');
  expect(page).toContain('| `Tensor.shape` | `x.shape` |');
  expect(page).toContain('| `nn.CrossEntropyLoss` | `nn.CrossEntropyLoss` |');
  expect(page).toContain('| `F.cross_entropy` | `F.crossEntropy` |');
  expect(page).toContain('| `optim.SparseAdam` | missing |');
  expect(page).toContain('| `lr_scheduler.StepLR` | `optim.lrScheduler.StepLR` |');
  // A name that leaves the exports becomes missing on the page (so a stale page fails --check).
  const fewer = { ...src, EXPORTS: { ...src.EXPORTS, 'nn.functional': src.EXPORTS['nn.functional'].filter((n: string) => n !== 'crossEntropy') } };
  expect(portingPage(fewer, 'b')).toContain('| `F.cross_entropy` | missing |');
});
