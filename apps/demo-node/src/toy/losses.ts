import { cat, full, nn, oneHot, type Tensor } from 'tensile';

type NN = typeof nn;
/** The class name of each loss in nn's loss registry: 'MSELoss' | 'CrossEntropyLoss' | ... */
export type LossClassName = { [N in keyof NN]: NN[N] extends { readonly spec: nn.LossSpec } ? N : never }[keyof NN];
/** A loss by the short name the demos use on the command line and in the page ('mse', 'cross-entropy'): the loss registry's key. */
export type LossName = NN[LossClassName]['spec']['key'];
/** The losses of torch.nn, in the loss registry's order. */
export const LOSS_NAMES = nn.LOSS_SPECS.map((s) => s.key as LossName);
/** Each loss's class name in `nn`, from the loss registry. */
export const LOSS_CLASSES = Object.fromEntries(nn.LOSS_SPECS.map((s) => [s.key, s.name])) as Record<LossName, LossClassName>;

/** Scores a batch: logits (N, C) against int32 class indices (N,). */
export type ClassifierLoss = (logits: Tensor, labels: Tensor) => Tensor;

type LossCtor = new (options?: object) => (...args: Tensor[]) => Tensor;
const make = (name: LossName, options?: object) => new (nn[LOSS_CLASSES[name]] as unknown as LossCtor)(options);

// The target each loss expects, built from class indices on the labels' device.
const probs = (labels: Tensor, c: number) => oneHot(labels, c).float();
const signs = (labels: Tensor, c: number) => probs(labels, c).mul(2).sub(1);

/**
 * How each loss that fits a classifier turns logits and class indices into its
 * input and target: the model is the same, only the last step changes. A
 * regression loss regresses the logits onto the one-hot target.
 */
const CLASSIFIER_LOSSES: Partial<Record<LossName, (c: number) => ClassifierLoss>> = {
  'cross-entropy': () => adapt(make('cross-entropy'), (x) => x, (y) => y),
  nll: () => adapt(make('nll'), (x) => x.logSoftmax(1), (y) => y),
  'multi-margin': () => adapt(make('multi-margin'), (x) => x, (y) => y),
  'multilabel-margin': (c) => adapt(make('multilabel-margin'), (x) => x, (y) => cat([y.unsqueeze(1), full([y.shape[0]!, c - 1], -1, { dtype: 'int32', device: y.device })], 1)),
  'bce-with-logits': (c) => adapt(make('bce-with-logits'), (x) => x, (y) => probs(y, c)),
  bce: (c) => adapt(make('bce'), (x) => x.sigmoid(), (y) => probs(y, c)),
  'multilabel-soft-margin': (c) => adapt(make('multilabel-soft-margin'), (x) => x, (y) => probs(y, c)),
  'soft-margin': (c) => adapt(make('soft-margin'), (x) => x, (y) => signs(y, c)),
  'kl-div': (c) => adapt(make('kl-div', { reduction: 'batchmean' }), (x) => x.logSoftmax(1), (y) => probs(y, c)),
  'poisson-nll': (c) => adapt(make('poisson-nll'), (x) => x, (y) => probs(y, c)),
  mse: (c) => adapt(make('mse'), (x) => x, (y) => probs(y, c)),
  l1: (c) => adapt(make('l1'), (x) => x, (y) => probs(y, c)),
  huber: (c) => adapt(make('huber'), (x) => x, (y) => probs(y, c)),
  'smooth-l1': (c) => adapt(make('smooth-l1'), (x) => x, (y) => probs(y, c)),
};

function adapt(loss: (input: Tensor, target: Tensor) => Tensor, input: (logits: Tensor) => Tensor, target: (labels: Tensor) => Tensor): ClassifierLoss {
  return (logits, labels) => loss(input(logits), target(labels));
}

/** The losses a classifier can train with, in a sensible order for a menu. */
export const CLASSIFIER_LOSS_NAMES = LOSS_NAMES.filter((n) => CLASSIFIER_LOSSES[n] !== undefined).sort((a, b) => (a === 'cross-entropy' ? -1 : b === 'cross-entropy' ? 1 : 0));

/** Why a loss can not train a classifier of class indices (undefined when it can). */
export function notForClassifiers(name: LossName): string | undefined {
  if (CLASSIFIER_LOSSES[name] !== undefined) return undefined;
  return {
    ctc: 'CTC scores sequences of labels (speech, handwriting), not one class per point',
    'gaussian-nll': 'Gaussian NLL needs a predicted variance: it is a regression loss',
    'margin-ranking': 'margin ranking compares two inputs per sample (learning to rank)',
    'hinge-embedding': 'hinge embedding scores distances between pairs, not class scores',
    'cosine-embedding': 'cosine embedding compares pairs of embeddings',
    'triplet-margin': 'triplet margin compares anchor, positive and negative embeddings',
    'triplet-margin-with-distance': 'triplet margin with distance compares anchor, positive and negative embeddings',
  }[name as string] ?? 'the demo has no classifier form of it';
}

/** The classifier form of a loss for `numClasses` classes; throws with the reason when it has none. */
export function classifierLoss(name: LossName, numClasses: number): ClassifierLoss {
  const f = CLASSIFIER_LOSSES[name];
  if (f === undefined) throw new Error(`${name}: ${notForClassifiers(name)}`);
  return f(numClasses);
}
