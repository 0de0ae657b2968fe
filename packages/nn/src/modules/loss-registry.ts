// The loss registry: one entry per torch.nn loss, in PyTorch's documentation
// order. Each entry makes the loss's class (the export's name) and lists it
// in LOSS_SPECS, from which conformance, the tests and the demos take their
// lists. A new loss is its functional file (the math, its options interface
// and its *_DEFAULTS) and one entry here.
import * as F from '../functional/losses/index.js';
import { defineLoss, definedLosses, type LossSpec } from './loss.js';

export const L1Loss = defineLoss({
  name: 'L1Loss',
  key: 'l1',
  functional: 'l1Loss',
  torchFunctional: 'l1_loss',
  fn: F.l1Loss,
  defaults: F.L1_LOSS_DEFAULTS,
  summary: 'Mean absolute error |input - target|.',
});
export type L1Loss = InstanceType<typeof L1Loss>;

export const MSELoss = defineLoss({
  name: 'MSELoss',
  key: 'mse',
  functional: 'mseLoss',
  torchFunctional: 'mse_loss',
  fn: F.mseLoss,
  defaults: F.MSE_LOSS_DEFAULTS,
  summary: 'Mean squared error (input - target)^2.',
});
export type MSELoss = InstanceType<typeof MSELoss>;

export const CrossEntropyLoss = defineLoss({
  name: 'CrossEntropyLoss',
  key: 'cross-entropy',
  functional: 'crossEntropy',
  torchFunctional: 'cross_entropy',
  fn: F.crossEntropy,
  defaults: F.CROSS_ENTROPY_LOSS_DEFAULTS,
  buffers: ['weight'],
  summary: 'Cross-entropy of logits against class indices or class probabilities.',
});
export type CrossEntropyLoss = InstanceType<typeof CrossEntropyLoss>;

export const CTCLoss = defineLoss({
  name: 'CTCLoss',
  key: 'ctc',
  functional: 'ctcLoss',
  torchFunctional: 'ctc_loss',
  fn: F.ctcLoss,
  defaults: F.CTC_LOSS_DEFAULTS,
  summary: 'Connectionist Temporal Classification loss.',
});
export type CTCLoss = InstanceType<typeof CTCLoss>;

export const NLLLoss = defineLoss({
  name: 'NLLLoss',
  key: 'nll',
  functional: 'nllLoss',
  torchFunctional: 'nll_loss',
  fn: F.nllLoss,
  defaults: F.NLL_LOSS_DEFAULTS,
  buffers: ['weight'],
  summary: 'Negative log-likelihood of class indices under log-probabilities.',
});
export type NLLLoss = InstanceType<typeof NLLLoss>;

export const PoissonNLLLoss = defineLoss({
  name: 'PoissonNLLLoss',
  key: 'poisson-nll',
  functional: 'poissonNllLoss',
  torchFunctional: 'poisson_nll_loss',
  fn: F.poissonNllLoss,
  defaults: F.POISSON_NLL_LOSS_DEFAULTS,
  summary: 'Negative log-likelihood of a Poisson-distributed target.',
});
export type PoissonNLLLoss = InstanceType<typeof PoissonNLLLoss>;

export const GaussianNLLLoss = defineLoss({
  name: 'GaussianNLLLoss',
  key: 'gaussian-nll',
  functional: 'gaussianNllLoss',
  torchFunctional: 'gaussian_nll_loss',
  fn: F.gaussianNllLoss,
  defaults: F.GAUSSIAN_NLL_LOSS_DEFAULTS,
  summary: 'Negative log-likelihood of a target under a Gaussian with predicted mean and variance.',
});
export type GaussianNLLLoss = InstanceType<typeof GaussianNLLLoss>;

export const KLDivLoss = defineLoss({
  name: 'KLDivLoss',
  key: 'kl-div',
  functional: 'klDiv',
  torchFunctional: 'kl_div',
  fn: F.klDiv,
  defaults: F.KL_DIV_LOSS_DEFAULTS,
  reductions: F.KL_DIV_REDUCTIONS,
  summary: 'Kullback-Leibler divergence; input holds log-probabilities.',
});
export type KLDivLoss = InstanceType<typeof KLDivLoss>;

export const BCELoss = defineLoss({
  name: 'BCELoss',
  key: 'bce',
  functional: 'binaryCrossEntropy',
  torchFunctional: 'binary_cross_entropy',
  fn: F.binaryCrossEntropy,
  defaults: F.BCE_LOSS_DEFAULTS,
  buffers: ['weight'],
  summary: 'Binary cross-entropy between probabilities.',
});
export type BCELoss = InstanceType<typeof BCELoss>;

export const BCEWithLogitsLoss = defineLoss({
  name: 'BCEWithLogitsLoss',
  key: 'bce-with-logits',
  functional: 'binaryCrossEntropyWithLogits',
  torchFunctional: 'binary_cross_entropy_with_logits',
  fn: F.binaryCrossEntropyWithLogits,
  defaults: F.BCE_WITH_LOGITS_LOSS_DEFAULTS,
  buffers: ['weight', 'posWeight'],
  summary: 'Binary cross-entropy on logits (a sigmoid and BCELoss in one stable step).',
});
export type BCEWithLogitsLoss = InstanceType<typeof BCEWithLogitsLoss>;

export const MarginRankingLoss = defineLoss({
  name: 'MarginRankingLoss',
  key: 'margin-ranking',
  functional: 'marginRankingLoss',
  torchFunctional: 'margin_ranking_loss',
  fn: F.marginRankingLoss,
  defaults: F.MARGIN_RANKING_LOSS_DEFAULTS,
  summary: 'Ranking hinge for pairs: input1 should rank above input2 where target is 1.',
});
export type MarginRankingLoss = InstanceType<typeof MarginRankingLoss>;

export const HingeEmbeddingLoss = defineLoss({
  name: 'HingeEmbeddingLoss',
  key: 'hinge-embedding',
  functional: 'hingeEmbeddingLoss',
  torchFunctional: 'hinge_embedding_loss',
  fn: F.hingeEmbeddingLoss,
  defaults: F.HINGE_EMBEDDING_LOSS_DEFAULTS,
  summary: 'Hinge on distances labelled similar (1) or dissimilar (-1).',
});
export type HingeEmbeddingLoss = InstanceType<typeof HingeEmbeddingLoss>;

export const MultiLabelMarginLoss = defineLoss({
  name: 'MultiLabelMarginLoss',
  key: 'multilabel-margin',
  functional: 'multilabelMarginLoss',
  torchFunctional: 'multilabel_margin_loss',
  fn: F.multilabelMarginLoss,
  defaults: F.MULTILABEL_MARGIN_LOSS_DEFAULTS,
  summary: 'Multi-label hinge over -1-terminated label lists.',
});
export type MultiLabelMarginLoss = InstanceType<typeof MultiLabelMarginLoss>;

export const HuberLoss = defineLoss({
  name: 'HuberLoss',
  key: 'huber',
  functional: 'huberLoss',
  torchFunctional: 'huber_loss',
  fn: F.huberLoss,
  defaults: F.HUBER_LOSS_DEFAULTS,
  summary: 'Quadratic near 0, linear beyond delta.',
});
export type HuberLoss = InstanceType<typeof HuberLoss>;

export const SmoothL1Loss = defineLoss({
  name: 'SmoothL1Loss',
  key: 'smooth-l1',
  functional: 'smoothL1Loss',
  torchFunctional: 'smooth_l1_loss',
  fn: F.smoothL1Loss,
  defaults: F.SMOOTH_L1_LOSS_DEFAULTS,
  summary: 'Huber loss divided by beta: quadratic below beta, L1 beyond.',
});
export type SmoothL1Loss = InstanceType<typeof SmoothL1Loss>;

export const SoftMarginLoss = defineLoss({
  name: 'SoftMarginLoss',
  key: 'soft-margin',
  functional: 'softMarginLoss',
  torchFunctional: 'soft_margin_loss',
  fn: F.softMarginLoss,
  defaults: F.SOFT_MARGIN_LOSS_DEFAULTS,
  summary: 'Two-class logistic loss for targets 1 and -1.',
});
export type SoftMarginLoss = InstanceType<typeof SoftMarginLoss>;

export const MultiLabelSoftMarginLoss = defineLoss({
  name: 'MultiLabelSoftMarginLoss',
  key: 'multilabel-soft-margin',
  functional: 'multilabelSoftMarginLoss',
  torchFunctional: 'multilabel_soft_margin_loss',
  fn: F.multilabelSoftMarginLoss,
  defaults: F.MULTILABEL_SOFT_MARGIN_LOSS_DEFAULTS,
  buffers: ['weight'],
  summary: 'One-versus-all logistic loss over independent labels.',
});
export type MultiLabelSoftMarginLoss = InstanceType<typeof MultiLabelSoftMarginLoss>;

export const CosineEmbeddingLoss = defineLoss({
  name: 'CosineEmbeddingLoss',
  key: 'cosine-embedding',
  functional: 'cosineEmbeddingLoss',
  torchFunctional: 'cosine_embedding_loss',
  fn: F.cosineEmbeddingLoss,
  defaults: F.COSINE_EMBEDDING_LOSS_DEFAULTS,
  summary: 'Cosine-similarity loss for pairs labelled similar (1) or dissimilar (-1).',
});
export type CosineEmbeddingLoss = InstanceType<typeof CosineEmbeddingLoss>;

export const MultiMarginLoss = defineLoss({
  name: 'MultiMarginLoss',
  key: 'multi-margin',
  functional: 'multiMarginLoss',
  torchFunctional: 'multi_margin_loss',
  fn: F.multiMarginLoss,
  defaults: F.MULTI_MARGIN_LOSS_DEFAULTS,
  buffers: ['weight'],
  summary: 'Multi-class hinge on class indices.',
});
export type MultiMarginLoss = InstanceType<typeof MultiMarginLoss>;

export const TripletMarginLoss = defineLoss({
  name: 'TripletMarginLoss',
  key: 'triplet-margin',
  functional: 'tripletMarginLoss',
  torchFunctional: 'triplet_margin_loss',
  fn: F.tripletMarginLoss,
  defaults: F.TRIPLET_MARGIN_LOSS_DEFAULTS,
  summary: 'Triplet loss with p-norm distances.',
});
export type TripletMarginLoss = InstanceType<typeof TripletMarginLoss>;

// Any margin, as PyTorch 1.13 (its margin > 0 check came later).
export const TripletMarginWithDistanceLoss = defineLoss({
  name: 'TripletMarginWithDistanceLoss',
  key: 'triplet-margin-with-distance',
  functional: 'tripletMarginWithDistanceLoss',
  torchFunctional: 'triplet_margin_with_distance_loss',
  fn: F.tripletMarginWithDistanceLoss,
  defaults: F.TRIPLET_MARGIN_WITH_DISTANCE_LOSS_DEFAULTS,
  summary: 'Triplet loss with a distance function of your choosing.',
});
export type TripletMarginWithDistanceLoss = InstanceType<typeof TripletMarginWithDistanceLoss>;

/** The 21 losses, one entry each, in the order above (PyTorch's documentation order). */
export const LOSS_SPECS: readonly LossSpec[] = definedLosses();

export type { LossSpec, LossClass, LossInstance } from './loss.js';
