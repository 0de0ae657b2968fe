// The sources every generated file derives from: core's op table and dtype
// list and the native call protocol (TypeScript, loaded through esbuild), the
// kernel error kinds, and the kernels-c C API as its hand-written, documented
// header declares it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../../../', import.meta.url).pathname;
export const path = (...p) => join(root, ...p);

/** The backends in this repository (packages/backend-<name>). */
export const BACKENDS = ['cpu', 'wasm', 'native', 'webgpu'];

/** Evaluates a TypeScript module (through esbuild) and returns its exports. */
async function loadTs(contents, resolveDir) {
  // Imported here, so `run.mjs --list` works before npm install.
  const { build } = await import('esbuild');
  const r = await build({ stdin: { contents, resolveDir, loader: 'ts' }, bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'silent' });
  return import(`data:text/javascript;base64,${Buffer.from(r.outputFiles[0].text).toString('base64')}`);
}

/**
 * What the generated files derive from: core's PRIMITIVES, COMPOSITES and DTYPES, the native
 * addon's call protocol (CALLS), each backend's fused kernels (FUSED, by backend) and the names
 * the `tensile` package exports (EXPORTS, for docs/porting.md), evaluated from their TypeScript sources.
 */
export async function loadSources() {
  const core = await loadTs("export { PRIMITIVES, COMPOSITES } from './src/ops/table.ts'; export { DTYPES } from './src/dtype.ts';", path('packages/core'));
  const native = await loadTs("export { CALLS } from './src/calls.ts';", path('packages/backend-native'));
  const FUSED = {};
  for (const backend of BACKENDS) FUSED[backend] = (await loadTs("export { FUSED } from './src/fused.ts';", path(`packages/backend-${backend}`))).FUSED;
  // The cpu backend's elementwise expressions, which become its generated loops.
  const CPU_EXPRS = await loadTs("export { UNARY, BINARY, INT_OVERRIDES, F32_OVERRIDES, OTHER } from './src/kernels/elementwise-exprs.ts';", path('packages/backend-cpu'));
  // What the `tensile` package exports, for the porting page (imported here: porting.mjs imports this module).
  const { loadExports } = await import('./porting.mjs');
  return { ...core, CALLS: native.CALLS, FUSED, CPU_EXPRS: { ...CPU_EXPRS }, EXPORTS: await loadExports() };
}

/**
 * The error kinds a kernel reports across a language boundary (native addon
 * to TypeScript), each with the @tensile/core class it becomes. Code 0 is
 * success; the others follow this object's order.
 */
export const ERROR_KINDS = {
  INDEX: 'IndexError',
  SHAPE: 'ShapeError',
  DTYPE: 'DTypeError',
  VALUE: 'ValueError',
  DEVICE: 'DeviceError',
};

/** The C name of each dtype (TN_<name> in kernels-c, <name> in the native addon). */
export const DTYPE_C = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

/** lowerCamel op name to its C enum suffix: logicalNot -> LOGICAL_NOT. */
export const cName = (op) => op.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

const stripComments = (s) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

/** Function prototypes declared in C text: {ret, name, params: [{type, name}]}. Inline definitions, statics and host imports excluded. */
export function prototypes(text) {
  const out = [];
  const body = stripComments(text);
  const re = /^([A-Za-z_][\w ]*?[\w*])\s*\b(tn_\w+)\s*\(([^)]*)\)\s*;/gm;
  for (const m of body.matchAll(re)) {
    const ret = m[1].trim();
    if (/\b(static|TN_INLINE|TN_HOST|typedef)\b/.test(ret)) continue;
    const params =
      m[3].trim() === 'void'
        ? []
        : m[3].split(',').map((p) => {
            const t = p.trim().replace(/\s+/g, ' ');
            const pm = /^(.*?)(\w+)(\[[^\]]*\])*$/.exec(t);
            return { type: pm[1].trim(), name: pm[2] };
          });
    out.push({ ret: ret.replace(/\s+/g, ' '), name: m[2], params });
  }
  return out;
}

const header = () => readFileSync(path('packages/kernels-c/include/tensile_kernels.h'), 'utf8');

/** The public C API: the functions tensile_kernels.h declares, in its order. */
export const publicApi = () => prototypes(header());

/** Every external function of kernels-c (public and internal), which the native build renames per ISA. */
export function externalSymbols() {
  const dir = path('packages/kernels-c/src');
  const internal = readdirSync(dir)
    .filter((f) => f.endsWith('.h'))
    .sort()
    .flatMap((f) => prototypes(readFileSync(join(dir, f), 'utf8')));
  const names = [...publicApi(), ...internal].map((p) => p.name);
  return [...new Set(names)];
}

/** The functions the wasm module adds of its own (csrc/wasm_entry.c, marked visibility("default")). */
export function wasmEntryApi() {
  const text = stripComments(readFileSync(path('packages/backend-wasm/csrc/wasm_entry.c'), 'utf8'));
  const re = /__attribute__\(\(visibility\("default"\)\)\)\s*([\w ]*?[\w*])\s*\b(tn_\w+)\s*\(([^)]*)\)/g;
  return [...text.matchAll(re)].map((m) => ({ ret: m[1].trim(), name: m[2], params: m[3].trim() === 'void' ? [] : m[3].split(',').map((p) => ({ type: p.trim(), name: p.trim().split(/\W+/).pop() })) }));
}

/** enum tn_status { TN_OK = 0, TN_E_DTYPE = -1, ... } of the header, with each code's comment. */
export function statuses() {
  const m = /enum tn_status\s*\{([\s\S]*?)\};/.exec(header());
  return [...m[1].matchAll(/(TN_\w+)\s*=\s*(-?\d+),?\s*(?:\/\*\s*(.*?)\s*\*\/)?/g)].map((x) => ({ name: x[1], code: Number(x[2]), doc: x[3] ?? '' }));
}

export const apiVersion = () => Number(/#define TN_API_VERSION (\d+)/.exec(header())[1]);
export const maxDims = () => Number(/#define TN_MAX_DIMS (\d+)/.exec(header())[1]);
