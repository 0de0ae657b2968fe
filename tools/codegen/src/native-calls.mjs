// Both sides of the native addon's call protocol, from its declaration
// (packages/backend-native/src/calls.ts): a TypeScript writer per entry point
// that fills the parameter block and calls it, and a C++ struct and reader per
// entry point that reads the same fields back, checked.

const pascal = (s) => s[0].toUpperCase() + s.slice(1);
const VIEWS = ['view', 'out', 'operand'];

/** The declaration's own rules: a name's field comes before any tensor, a `when` names an earlier flag. */
function validate(entry, call) {
  const seen = new Map();
  const named = typeof call.name === 'string' ? null : (call.name.code ?? call.name.flag);
  let tensorSeen = false;
  for (const field of call.fields) {
    if (seen.has(field.name)) throw new Error(`native call ${entry}: field ${field.name} twice`);
    if (field.when !== undefined && seen.get(field.when)?.kind !== 'flag') throw new Error(`native call ${entry}: ${field.name} is present when ${field.when}, which is not an earlier flag`);
    if (VIEWS.includes(field.kind)) tensorSeen = true;
    if (field.name === named && tensorSeen) throw new Error(`native call ${entry}: ${named} names the op, so it must come before every tensor`);
    if (field.kind === 'code' && !field.group) throw new Error(`native call ${entry}: code field ${field.name} has no group`);
    seen.set(field.name, field);
  }
  if (named !== null && !seen.has(named)) throw new Error(`native call ${entry}: its name comes from ${named}, which is not a field`);
}

const TS_TYPE = { code: 'number', flag: 'boolean', dim: 'number', count: 'number', number: 'number', view: 'TensorView', out: 'TensorView', operand: 'TensorView | number' };

function tsWriter(entry, call) {
  const params = call.fields.map((f) => `${f.name}: ${TS_TYPE[f.kind]}${f.when ? ' | undefined' : ''}`);
  const body = call.fields.map((f) => {
    const v = f.when ? `${f.name}!` : f.name;
    const write =
      f.kind === 'flag' ? `P[i++] = ${f.name} ? 1 : 0;` : f.kind === 'operand' ? `i = b.putOperand(name, ${v}, i);` : VIEWS.includes(f.kind) ? `i = b.put(name, ${v}, i);` : `P[i++] = ${f.name};`;
    return f.when ? `  if (${f.when}) ${write}` : `  ${write}`;
  });
  return [
    `/** ${entry}(${call.fields.map((f) => f.name).join(', ')}); \`name\` is the op its errors name. */`,
    `export function ${entry}(b: Bridge, name: string, ${params.join(', ')}): void {`,
    '  const P = b.P;',
    '  let i = 1;',
    ...body,
    `  b.addon.${entry}();`,
    '  b.check();',
    '}',
  ].join('\n');
}

export function nativeCallsTs({ CALLS }, banner) {
  const entries = Object.entries(CALLS);
  for (const [entry, call] of entries) validate(entry, call);
  return [
    banner('//', "@tensile/backend-native's call declaration (src/calls.ts)"),
    "import type { TensorView } from '@tensile/core';",
    "import type { Bridge } from '../bridge.js';",
    '',
    '// `i` after the last field is unused: every writer has the same shape.',
    ...entries.map(([entry, call]) => `${tsWriter(entry, call)}\n`),
  ].join('\n');
}

const C_TYPE = { code: 'int', flag: 'bool', dim: 'int', count: 'int64_t', number: 'double', view: 'View', out: 'View', operand: 'TensorOrScalar' };

function cRead(f) {
  const lhs = `c.${f.name}`;
  const what = `"${f.name}"`;
  switch (f.kind) {
    case 'code':
      return `${lhs} = int(a.integer(${what}, 0, TN_${f.group.toUpperCase()}_COUNT - 1));`;
    case 'flag':
      return `${lhs} = a.integer(${what}, 0, 1) == 1;`;
    case 'dim':
      return `${lhs} = int(a.integer(${what}, 0, MAX_DIMS));`;
    case 'count':
      return `${lhs} = a.integer(${what}, 0, int64_t(1) << 40);`;
    case 'number':
      return `${lhs} = a.number(${what});`;
    case 'view':
      return `${lhs} = a.view(c.name, ${what});`;
    case 'out':
      return `${lhs} = a.out(c.name, ${what});`;
    case 'operand':
      return `${lhs} = a.operand(c.name, ${what});`;
  }
  throw new Error(`unknown field kind ${f.kind}`);
}

function cCall(entry, call) {
  const type = `${pascal(entry)}Call`;
  const reads = [];
  if (typeof call.name === 'string') reads.push(`c.name = "${call.name}";`);
  for (const f of call.fields) {
    const read = cRead(f);
    reads.push(f.when ? `if (c.${f.when}) ${read}` : read);
    if (call.name.code === f.name) reads.push(`c.name = k${pascal(f.group)}Names[c.${f.name}];`);
    if (call.name.flag === f.name) reads.push(`c.name = c.${f.name} ? "${call.name.yes}" : "${call.name.no}";`);
  }
  return [
    `// ${entry}(${call.fields.map((f) => f.name).join(', ')})`,
    `struct ${type} {`,
    '  const char* name;  // the op its errors name',
    ...call.fields.map((f) => `  ${C_TYPE[f.kind]} ${f.name}${f.when ? `;  // read only when ${f.when}` : ';'}`),
    '};',
    `inline ${type} read_${entry}(Args& a) {`,
    `  ${type} c{};`,
    ...reads.map((r) => `  ${r}`),
    '  return c;',
    '}',
    `void run(const ${type}& c);  // addon.cc: the checks beyond the layout, then the kernel`,
  ].join('\n');
}

export function nativeCallsH({ CALLS }, banner) {
  const entries = Object.entries(CALLS);
  for (const [entry, call] of entries) validate(entry, call);
  return [
    banner('//', "@tensile/backend-native's call declaration (src/calls.ts)"),
    '#pragma once',
    '#include "../args.h"',
    '#include "tensile_ops.h"',
    '',
    'namespace tn {',
    '',
    ...entries.map(([entry, call]) => `${cCall(entry, call)}\n`),
    '// X(entry, Call, read) for every entry point.',
    `#define TN_NATIVE_CALLS(X) ${entries.map(([entry]) => `X(${entry}, ${pascal(entry)}Call, read_${entry})`).join(' ')}`,
    '',
    '}  // namespace tn',
    '',
  ].join('\n');
}
