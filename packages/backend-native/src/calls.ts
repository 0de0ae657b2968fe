/**
 * The addon's call protocol, declared once: each entry point and the fields it
 * reads from the parameter block, in order. tools/codegen writes both sides
 * from it (the TypeScript writers in src/generated/calls.ts, the C++ structs
 * and readers in csrc/generated/calls.h), so the two cannot disagree.
 *
 * Field kinds:
 * - `code`: a position among the op table's primitives of `group`; names the op in messages;
 * - `flag`: 0 or 1; `dim`: an integer in [0, max dims]; `count`: a size in [0, 2^40]; `number`: any double;
 * - `view`: a tensor the kernel reads; `out`: one it writes (no overlapping elements);
 * - `operand`: a view or a scalar (handle -1, then its value).
 * A field with `when` is present only when that earlier flag is set.
 * `name` is the op named in error messages: fixed, the `code` field's op, or chosen by a flag.
 */
export type FieldKind = 'code' | 'flag' | 'dim' | 'count' | 'number' | 'view' | 'out' | 'operand';
export interface Field {
  readonly name: string;
  readonly kind: FieldKind;
  readonly group?: 'unary' | 'binary' | 'reduce';
  readonly when?: string;
}
export type CallName = string | { readonly code: string } | { readonly flag: string; readonly yes: string; readonly no: string };
export interface Call {
  readonly name: CallName;
  readonly fields: readonly Field[];
}

const f = (name: string, kind: FieldKind, extra: Partial<Field> = {}): Field => ({ name, kind, ...extra });
const lines = [f('outer', 'count'), f('n', 'count'), f('inner', 'count')];
/** AttentionKernelOptions: scale, isCausal, and the mask's kind as two flags (present; bool, else a float bias). */
const attention = [f('scale', 'number'), f('isCausal', 'flag'), f('hasMask', 'flag'), f('boolMask', 'flag')];
const conv = ['groups', 'strideH', 'strideW', 'padH', 'padW', 'dilationH', 'dilationW'].map((n) => f(n, 'count'));

export const CALLS = {
  unary: { name: { code: 'op' }, fields: [f('op', 'code', { group: 'unary' }), f('input', 'view'), f('out', 'out')] },
  binary: { name: { code: 'op' }, fields: [f('op', 'code', { group: 'binary' }), f('input', 'operand'), f('other', 'operand'), f('out', 'out')] },
  where: { name: 'where', fields: [f('condition', 'view'), f('input', 'operand'), f('other', 'operand'), f('out', 'out')] },
  copy: { name: 'copy', fields: [f('source', 'view'), f('destination', 'out')] },
  fill: { name: 'fill', fields: [f('destination', 'out'), f('value', 'number')] },
  reduce: { name: { code: 'op' }, fields: [f('op', 'code', { group: 'reduce' }), f('input', 'view'), f('out', 'out')] },
  matmul: { name: 'matmul', fields: [f('input', 'view'), f('other', 'view'), f('out', 'out')] },
  gather: { name: 'gather', fields: [f('dim', 'dim'), f('input', 'view'), f('index', 'view'), f('out', 'out')] },
  scatter: {
    name: { flag: 'accumulate', yes: 'scatterAdd', no: 'scatter' },
    fields: [f('accumulate', 'flag'), f('dim', 'dim'), f('self', 'out'), f('index', 'view'), f('src', 'view')],
  },
  scan: { name: { flag: 'prod', yes: 'cumprod', no: 'cumsum' }, fields: [f('prod', 'flag'), f('input', 'view'), f('out', 'out')] },
  sort: { name: 'sort', fields: [f('descending', 'flag'), f('input', 'view'), f('values', 'out'), f('indices', 'out')] },
  softmax: { name: { flag: 'log', yes: 'logSoftmax', no: 'softmax' }, fields: [f('log', 'flag'), ...lines, f('input', 'view'), f('out', 'out')] },
  softmaxBackward: {
    name: { flag: 'log', yes: 'logSoftmaxBackward', no: 'softmaxBackward' },
    fields: [f('log', 'flag'), ...lines, f('grad', 'view'), f('output', 'view'), f('out', 'out')],
  },
  adam: {
    name: 'adamStep',
    fields: [
      ...['lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'stepSize', 'bias2Sqrt'].map((n) => f(n, 'number')),
      f('decoupled', 'flag'),
      f('maximize', 'flag'),
      f('amsgrad', 'flag'),
      f('param', 'out'),
      f('grad', 'view'),
      f('expAvg', 'out'),
      f('expAvgSq', 'out'),
      f('maxExpAvgSq', 'out', { when: 'amsgrad' }),
    ],
  },
  sgd: {
    name: 'sgdStep',
    fields: [
      ...['lr', 'momentum', 'dampening', 'weightDecay'].map((n) => f(n, 'number')),
      f('nesterov', 'flag'),
      f('maximize', 'flag'),
      f('first', 'flag'),
      f('hasMomentum', 'flag'),
      f('param', 'out'),
      f('grad', 'view'),
      f('momentumBuffer', 'out', { when: 'hasMomentum' }),
    ],
  },
  rmsprop: {
    name: 'rmspropStep',
    fields: [
      ...['lr', 'alpha', 'eps', 'weightDecay', 'momentum'].map((n) => f(n, 'number')),
      f('maximize', 'flag'),
      f('centered', 'flag'),
      f('hasMomentum', 'flag'),
      f('param', 'out'),
      f('grad', 'view'),
      f('squareAvg', 'out'),
      f('gradAvg', 'out', { when: 'centered' }),
      f('momentumBuffer', 'out', { when: 'hasMomentum' }),
    ],
  },
  // conv2d on contiguous NCHW operands; the sizes come from their shapes (kernels-c's tn_conv2d_*).
  conv2d: { name: 'conv2d', fields: [...conv, f('input', 'view'), f('weight', 'view'), f('out', 'out')] },
  conv2dInputGrad: { name: 'conv2dInputGrad', fields: [...conv, f('grad', 'view'), f('weight', 'view'), f('out', 'out')] },
  conv2dWeightGrad: { name: 'conv2dWeightGrad', fields: [...conv, f('input', 'view'), f('grad', 'view'), f('out', 'out')] },
  // Fused attention on any strides, at the broadcast batch shape core passes (kernels-c's tn_attention_*).
  attention: {
    name: 'scaledDotProductAttention',
    fields: [...attention, f('q', 'view'), f('k', 'view'), f('v', 'view'), f('mask', 'view', { when: 'hasMask' }), f('out', 'out'), f('lse', 'out')],
  },
  attentionBackward: {
    name: 'scaledDotProductAttentionBackward',
    fields: [
      ...attention,
      f('grad', 'view'),
      f('q', 'view'),
      f('k', 'view'),
      f('v', 'view'),
      f('mask', 'view', { when: 'hasMask' }),
      f('output', 'view'),
      f('lse', 'view'),
      f('dq', 'out'),
      f('dk', 'out'),
      f('dv', 'out'),
    ],
  },
} as const satisfies Record<string, Call>;
