// What the loss explorer varies for each of the 21 losses: the prediction x
// moves along a range while everything else is held at values the controls set.
import { cat, full, type Tensor, tensor, zeros, ones } from 'tensile';
import type { LossName } from '@tensile/demo-node/toy';

export interface Control {
  key: string;
  label: string;
  kind: 'number' | 'boolean' | 'select';
  value: number | boolean;
  choices?: number[];
  step?: number;
  /** An option of the loss's constructor (else a value of the fixed inputs). */
  option?: boolean;
}

export type Values = Record<string, number | boolean>;
type LossFn = (...args: (Tensor | number[])[]) => Tensor;

export interface LossSpec {
  formula: string;
  /** What x is, and what is held fixed. */
  setup: string;
  range: [number, number];
  controls: Control[];
  /** The loss of each x (shape (N)), from a loss built with reduction 'none'. */
  run(x: Tensor, v: Values, loss: LossFn): Tensor;
  /** Constructor options from control values (default: the `option` controls as they are). */
  options?(v: Values): object;
}

const num = (key: string, label: string, value: number, extra: Partial<Control> = {}): Control => ({ key, label, kind: 'number', value, step: 0.1, ...extra });
const sign = (key = 'y', label = 'target y'): Control => ({ key, label, kind: 'select', value: 1, choices: [1, -1] });
const bool = (key: string, label: string, value = false): Control => ({ key, label, kind: 'boolean', value, option: true });
const cls = (label = 'target class'): Control => ({ key: 'cls', label, kind: 'select', value: 0, choices: [0, 1, 2] });

const n = (x: Tensor) => x.shape[0]!;
const col = (x: Tensor) => x.unsqueeze(1);
const fill = (x: Tensor, v: number, k?: number) => full(k === undefined ? [n(x)] : [n(x), k], v);
const classes = (x: Tensor, c: number) => full([n(x)], c, { dtype: 'int32' });
/** x as the first of three class scores, the other two 0. */
const scores = (x: Tensor) => cat([col(x), zeros([n(x), 2])], 1);

const regression = (formula: string, controls: Control[] = []): LossSpec => ({
  formula,
  setup: 'x: the prediction; y: the target.',
  range: [-3, 3],
  controls: [num('y', 'target y', 0), ...controls],
    run: (x, v, loss) => loss(x, fill(x, v.y as number)),
});

export const LOSS_SPECS: Record<LossName, LossSpec> = {
  l1: regression('|x - y|'),
  mse: regression('(x - y)^2'),
  huber: regression('0.5 d^2 if |d| < delta, else delta (|d| - 0.5 delta);  d = x - y', [num('delta', 'delta', 1, { option: true })]),
  'smooth-l1': regression('0.5 d^2 / beta if |d| < beta, else |d| - 0.5 beta;  d = x - y', [num('beta', 'beta', 1, { option: true })]),
  'cross-entropy': {
    formula: '-log softmax(x)[y], mixed with -(s / C) sum_c log softmax(x)[c] for label smoothing s',
    setup: 'x: the score of class 0 of three; the other two scores are 0; y: the target class.',
    range: [-6, 6],
    controls: [cls(), num('labelSmoothing', 'label smoothing', 0, { option: true, step: 0.05 })],
    run: (x, v, loss) => loss(scores(x), classes(x, v.cls as number)),
  },
  nll: {
    formula: '-x[y]  (x holds log-probabilities)',
    setup: 'x: the log-probability given to class 0 of three (the others at log 0.25); y: the target class.',
    range: [-6, 0],
    controls: [cls()],
    run: (x, v, loss) => loss(cat([col(x), fill(x, Math.log(0.25), 2)], 1), classes(x, v.cls as number)),
  },
  ctc: {
    formula: '-log sum over alignments of prod_t p_t(label)',
    setup: 'one frame, classes {blank, a}, target "a"; x: the score of "a" (blank scores 0), log-softmaxed.',
    range: [-6, 6],
    controls: [bool('zeroInfinity', 'zeroInfinity')],
    run: (x, _v, loss) => {
      const logProbs = cat([fill(x, 0, 1), col(x)], 1).logSoftmax(1).unsqueeze(0);
      const ones_ = Array<number>(n(x)).fill(1);
      return loss(logProbs, full([n(x), 1], 1, { dtype: 'int32' }), ones_, ones_);
    },
  },
  'poisson-nll': {
    formula: 'exp(x) - y x  (logInput), or x - y log(x + eps); + Stirling term with full',
    setup: 'x: the predicted log-rate (or rate without logInput); y: the observed count.',
    range: [-3, 3],
    controls: [num('y', 'count y', 2, { step: 1 }), bool('logInput', 'logInput', true), bool('full', 'full')],
    run: (x, v, loss) => loss(x, fill(x, v.y as number)),
  },
  'gaussian-nll': {
    formula: '0.5 (log v + (x - y)^2 / v),  v = max(var, eps); + 0.5 log(2 pi) with full',
    setup: 'x: the predicted mean; y: the target; var: the predicted variance.',
    range: [-3, 3],
    controls: [num('y', 'target y', 0), num('var', 'var', 1, { step: 0.1 }), bool('full', 'full')],
    run: (x, v, loss) => loss(x, fill(x, v.y as number), fill(x, v.var as number)),
  },
  'kl-div': {
    formula: 'sum_c y_c (log y_c - x_c)  (x: log-probabilities)',
    setup: 'x: the score of class 0 of two (class 1 scores 0), log-softmaxed; y = (t, 1 - t).',
    range: [-6, 6],
    controls: [num('t', 'target t', 0.7, { step: 0.05 })],
    run: (x, v, loss) => {
      const t = v.t as number;
      return loss(cat([col(x), fill(x, 0, 1)], 1).logSoftmax(1), cat([fill(x, t, 1), fill(x, 1 - t, 1)], 1)).sum(1);
    },
  },
  bce: {
    formula: '-(y log x + (1 - y) log(1 - x)),  logs clamped at -100',
    setup: 'x: the predicted probability; y: the target probability.',
    range: [0.001, 0.999],
    controls: [num('y', 'target y', 1, { step: 0.1 })],
    run: (x, v, loss) => loss(x, fill(x, v.y as number)),
  },
  'bce-with-logits': {
    formula: '-(p y log sigmoid(x) + (1 - y) log sigmoid(-x)),  p = posWeight',
    setup: 'x: the logit; y: the target probability.',
    range: [-6, 6],
    controls: [num('y', 'target y', 1, { step: 0.1 }), num('posWeight', 'posWeight', 1, { option: true })],
    run: (x, v, loss) => loss(x, fill(x, v.y as number)),
    options: (v) => ({ posWeight: tensor([v.posWeight as number]) }),
  },
  'margin-ranking': {
    formula: 'max(0, -y (x1 - x2) + margin)',
    setup: 'x: x1; x2 = 0; y = 1 means x1 should rank higher.',
    range: [-3, 3],
    controls: [sign(), num('margin', 'margin', 0, { option: true })],
    run: (x, v, loss) => loss(x, fill(x, 0), fill(x, v.y as number)),
  },
  'hinge-embedding': {
    formula: 'x if y = 1;  max(0, margin - x) if y = -1',
    setup: 'x: a distance; y = 1 for a similar pair, -1 for a dissimilar one.',
    range: [-1, 3],
    controls: [sign(), num('margin', 'margin', 1, { option: true })],
    run: (x, v, loss) => loss(x, fill(x, v.y as number)),
  },
  'multilabel-margin': {
    formula: 'sum_j sum_{i not a label} max(0, 1 - (x[j] - x[i])) / C  over labels j',
    setup: 'x: the score of class 0 of three (others 0); the label set is {0} or {1}.',
    range: [-3, 3],
    controls: [{ key: 'label', label: 'label', kind: 'select', value: 0, choices: [0, 1] }],
    run: (x, v, loss) => loss(scores(x), cat([fill(x, v.label as number, 1), fill(x, -1, 2)], 1).to('int32')),
  },
  'soft-margin': {
    formula: 'log(1 + exp(-y x))',
    setup: 'x: the score; y: the class, 1 or -1.',
    range: [-6, 6],
    controls: [sign()],
    run: (x, v, loss) => loss(x, fill(x, v.y as number)),
  },
  'multilabel-soft-margin': {
    formula: '-(1 / C) sum_c (y[c] log sigmoid(x[c]) + (1 - y[c]) log sigmoid(-x[c]))',
    setup: 'one class (C = 1); x: its logit; y: whether the label is on.',
    range: [-6, 6],
    controls: [{ key: 'y', label: 'target y', kind: 'select', value: 1, choices: [1, 0] }],
    run: (x, v, loss) => loss(col(x), fill(x, v.y as number, 1)),
  },
  'cosine-embedding': {
    formula: '1 - cos(x1, x2) if y = 1;  max(0, cos(x1, x2) - margin) if y = -1',
    setup: 'x1 = (1, x), x2 = (1, 0): x turns x1 away from x2; y = 1 for a similar pair.',
    range: [-4, 4],
    controls: [sign(), num('margin', 'margin', 0, { option: true })],
    run: (x, v, loss) => loss(cat([ones([n(x), 1]), col(x)], 1), cat([ones([n(x), 1]), zeros([n(x), 1])], 1), fill(x, v.y as number)),
  },
  'multi-margin': {
    formula: 'sum_{i != y} max(0, margin - x[y] + x[i])^p / C',
    setup: 'x: the score of class 0 of three (others 0); y: the target class.',
    range: [-3, 3],
    controls: [cls(), { key: 'p', label: 'p', kind: 'select', value: 1, choices: [1, 2], option: true }, num('margin', 'margin', 1, { option: true })],
    run: (x, v, loss) => loss(scores(x), classes(x, v.cls as number)),
  },
  'triplet-margin': {
    formula: 'max(0, margin + d(a, p) - d(a, n)),  d(u, v) = ||u - v + eps||_p',
    setup: 'in one dimension: anchor a = 0, negative n fixed; x: the positive p.',
    range: [-3, 3],
    controls: [num('neg', 'negative n', 1), num('margin', 'margin', 1, { option: true }), { key: 'p', label: 'p', kind: 'select', value: 2, choices: [1, 2], option: true }, bool('swap', 'swap')],
    run: (x, v, loss) => loss(fill(x, 0, 1), col(x), fill(x, v.neg as number, 1)),
  },
  'triplet-margin-with-distance': {
    formula: 'max(0, margin + d(a, p) - d(a, n)),  d = pairwise distance by default',
    setup: 'in one dimension: anchor a = 0, negative n fixed; x: the positive p.',
    range: [-3, 3],
    controls: [num('neg', 'negative n', 1), num('margin', 'margin', 1, { option: true }), bool('swap', 'swap')],
    run: (x, v, loss) => loss(fill(x, 0, 1), col(x), fill(x, v.neg as number, 1)),
  },
};
