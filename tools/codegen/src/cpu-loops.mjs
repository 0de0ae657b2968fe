// The cpu backend's elementwise loops, written out as TypeScript at build time
// from the expressions in packages/backend-cpu/src/kernels/elementwise-exprs.ts.
// Each kernel gets its own monomorphic function (no per-element closure call):
// a flat loop for contiguous and scalar-broadcast operands, else an N-d walk
// with a tight inner loop over the collapsed dims. Generating them here rather
// than with `new Function` at import keeps the backend CSP-safe (no eval).

const NAMES = ['a', 'b', 'c'];
const ARRS = ['A', 'B', 'C'];
const capital = (s) => s[0].toUpperCase() + s.slice(1);

/** One loop: `function <name>(A, ao, aSt, [B, bo, bSt, ...] O, oo, oSt, shape)` computing `expr` per element. */
export function loopFunction(name, arity, expr) {
  const names = NAMES.slice(0, arity);
  const params = names.map((n, i) => `${ARRS[i]}: HostArray, ${n}o: number, ${n}St: Strides`).join(', ');
  const L = [];
  L.push(`function ${name}(${params}, O: HostArray, oo: number, oSt: Strides, shape: Strides): void {`);
  L.push('  const nd = shape.length;');
  L.push('  if (nd === 1) {');
  L.push('    const n = shape[0]!;');
  // Every pattern of contiguous (stride 1) and broadcast (stride 0) operands gets its own flat loop.
  for (let mask = (1 << arity) - 1; mask >= 1; mask--) {
    const on = (i) => ((mask >> i) & 1) === 1;
    const cond = names.map((n, i) => `${n}St[0] === ${on(i) ? 1 : 0}`).join(' && ');
    L.push(`    if (${cond} && oSt[0] === 1) {`);
    for (const [i, n] of names.entries()) if (!on(i)) L.push(`      const ${n} = ${ARRS[i]}[${n}o]!;`);
    L.push('      for (let i = 0; i < n; i++) {');
    for (const [i, n] of names.entries()) if (on(i)) L.push(`        const ${n} = ${ARRS[i]}[${n}o + i]!;`);
    L.push(`        O[oo + i] = ${expr};`);
    L.push('      }');
    L.push('      return;');
    L.push('    }');
  }
  L.push('  }');
  L.push('  const last = nd - 1;');
  L.push('  const inner = shape[last]!;');
  for (const n of names) L.push(`  const ${n}i = ${n}St[last]!;`);
  L.push('  const oi = oSt[last]!;');
  L.push('  let outer = 1;');
  L.push('  for (let d = 0; d < last; d++) outer *= shape[d]!;');
  L.push('  const idx = new Int32Array(nd);');
  for (const n of names) L.push(`  let ${n}p = ${n}o;`);
  L.push('  let op = oo;');
  L.push('  for (let t = 0; t < outer; t++) {');
  L.push('    for (let j = 0; j < inner; j++) {');
  for (const [i, n] of names.entries()) L.push(`      const ${n} = ${ARRS[i]}[${n}p + j * ${n}i]!;`);
  L.push(`      O[op + j * oi] = ${expr};`);
  L.push('    }');
  L.push('    for (let d = last - 1; d >= 0; d--) {');
  L.push('      idx[d]++;');
  for (const n of names) L.push(`      ${n}p += ${n}St[d]!;`);
  L.push('      op += oSt[d]!;');
  L.push('      if (idx[d]! < shape[d]!) break;');
  for (const n of names) L.push(`      ${n}p -= ${n}St[d]! * shape[d]!;`);
  L.push('      op -= oSt[d]! * shape[d]!;');
  L.push('      idx[d] = 0;');
  L.push('    }');
  L.push('  }');
  L.push('}');
  return L.join('\n');
}

const EMPTY = { UNARY: {}, BINARY: {}, INT_OVERRIDES: {}, F32_OVERRIDES: {}, OTHER: {} };

/** packages/backend-cpu/src/generated/elementwise-loops.ts */
export function cpuLoopsTs(src, banner) {
  const { UNARY, BINARY, INT_OVERRIDES, F32_OVERRIDES, OTHER } = src.CPU_EXPRS ?? EMPTY;
  const out = [
    banner('//', 'packages/backend-cpu/src/kernels/elementwise-exprs.ts (tools/codegen/src/cpu-loops.mjs)'),
    '// One monomorphic loop per elementwise kernel, written at build time: the backend builds no code at run time.',
    "import type { BinaryOp, HostArray, UnaryOp } from '@tensile/core';",
    "import { helpers as H } from '../math.js';",
    '',
    'type Strides = readonly number[];',
    "/** A loop over one input: (data, offset, strides) per operand, then the output's, then the (collapsed) shape. */",
    'export type Loop1 = (A: HostArray, ao: number, aSt: Strides, O: HostArray, oo: number, oSt: Strides, shape: Strides) => void;',
    'export type Loop2 = (A: HostArray, ao: number, aSt: Strides, B: HostArray, bo: number, bSt: Strides, O: HostArray, oo: number, oSt: Strides, shape: Strides) => void;',
    'export type Loop3 = (A: HostArray, ao: number, aSt: Strides, B: HostArray, bo: number, bSt: Strides, C: HostArray, co: number, cSt: Strides, O: HostArray, oo: number, oSt: Strides, shape: Strides) => void;',
    '',
  ];
  const fn = (name, arity, expr) => out.push(`// ${expr}`, loopFunction(name, arity, expr), '');
  for (const [op, expr] of Object.entries(UNARY)) fn(`unary${capital(op)}`, 1, expr);
  for (const [op, expr] of Object.entries(BINARY)) fn(`binary${capital(op)}`, 2, expr);
  for (const [op, expr] of Object.entries(INT_OVERRIDES)) fn(`intBinary${capital(op)}`, 2, expr);
  for (const [op, expr] of Object.entries(F32_OVERRIDES)) fn(`f32Unary${capital(op)}`, 1, expr);
  for (const [name, [arity, expr]] of Object.entries(OTHER)) fn(`${name}Loop`, arity, expr);
  const record = (entries) => entries.map((e) => `  ${e},`);
  out.push('/** The loop of every unary op. */');
  out.push(
    'export const UNARY_LOOPS: Readonly<Record<UnaryOp, Loop1>> = {',
    ...record(Object.keys(UNARY).map((op) => `${op}: unary${capital(op)}`)),
    '};',
  );
  out.push('/** The loop of every binary op. */');
  out.push(
    'export const BINARY_LOOPS: Readonly<Record<BinaryOp, Loop2>> = {',
    ...record(Object.keys(BINARY).map((op) => `${op}: binary${capital(op)}`)),
    '};',
  );
  out.push('/** Binary ops with their own loop for int32 outputs (exact where double arithmetic would not be). */');
  out.push(
    'export const INT_BINARY_LOOPS: Readonly<Partial<Record<BinaryOp, Loop2>>> = {',
    ...record(Object.keys(INT_OVERRIDES).map((op) => `${op}: intBinary${capital(op)}`)),
    '};',
  );
  out.push('/** Unary ops with their own loop for float32 outputs (rounded where PyTorch rounds, not only at the end). */');
  out.push(
    'export const F32_UNARY_LOOPS: Readonly<Partial<Record<UnaryOp, Loop1>>> = {',
    ...record(Object.keys(F32_OVERRIDES).map((op) => `${op}: f32Unary${capital(op)}`)),
    '};',
  );
  out.push(
    `export { ${Object.keys(OTHER)
      .map((name) => `${name}Loop`)
      .join(', ')} };`,
  );
  out.push('');
  return out.join('\n');
}
