// The 21 torch.nn loss classes: thin modules over the functional forms, with
// PyTorch's class names and constructor options (camelCased), callable as
// `lossFunction(input, target)` or `lossFunction.forward(input, target)`.
import { type Loss, type Reduction, type Tensor, checkOptions } from '@tensile/core';
import * as F from '../functional/losses/index.js';
import { REDUCTIONS, checkReduction } from '../functional/losses/reduction.js';
import { Module } from '../module.js';

type KLDivReduction = Reduction | 'batchmean';

/** PyTorch's _Loss: a module with a reduction mode. */
abstract class LossModule<A extends unknown[], O extends { reduction?: R }, R extends Reduction | 'batchmean' = Reduction> extends Module<A, Tensor> {
  readonly reduction: R;
  /** The checked options, passed on to the functional form. */
  protected readonly options: O;

  constructor(name: string, options: O | undefined, keys: readonly string[], reductions: readonly R[] = REDUCTIONS as readonly R[]) {
    super();
    const o = checkOptions(name, options, keys);
    this.options = { ...o };
    this.reduction = checkReduction<R>(name, o.reduction, reductions);
  }

  override extraRepr(): string {
    return `reduction='${this.reduction}'`;
  }
}

/** PyTorch's _WeightedLoss: the weight option becomes a buffer, so it moves with `to(device)`. */
abstract class WeightedLossModule<A extends unknown[], O extends { reduction?: Reduction; weight?: Tensor | null }> extends LossModule<A, O> {
  declare weight: Tensor | null;

  constructor(name: string, options: O | undefined, keys: readonly string[]) {
    super(name, options, keys);
    this.registerBuffer('weight', this.options.weight ?? null);
  }

  /** The options with the weight buffer as it is now (it may have been moved or replaced). */
  protected withWeight(): O {
    return { ...this.options, weight: this.weight };
  }
}

type Pair = [input: Tensor, target: Tensor];
type Triple = [input1: Tensor, input2: Tensor, target: Tensor];
type Triplet = [anchor: Tensor, positive: Tensor, negative: Tensor];

/** Mean absolute error |input - target|. */
export class L1Loss extends LossModule<Pair, F.L1LossOptions> implements Loss {
  constructor(options?: F.L1LossOptions) {
    super('L1Loss', options, F.L1_LOSS_KEYS);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this.options);
  }
}

/** Mean squared error (input - target)^2. */
export class MSELoss extends LossModule<Pair, F.MSELossOptions> implements Loss {
  constructor(options?: F.MSELossOptions) {
    super('MSELoss', options, F.MSE_LOSS_KEYS);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this.options);
  }
}

/** Cross-entropy of logits against class indices or class probabilities. */
export class CrossEntropyLoss extends WeightedLossModule<Pair, F.CrossEntropyLossOptions> implements Loss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options?: F.CrossEntropyLossOptions) {
    super('CrossEntropyLoss', options, F.CROSS_ENTROPY_LOSS_KEYS);
    this.ignoreIndex = this.options.ignoreIndex ?? -100;
    this.labelSmoothing = this.options.labelSmoothing ?? 0;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, this.withWeight());
  }
}

/** Connectionist Temporal Classification loss. */
export class CTCLoss extends LossModule<[logProbs: Tensor, targets: Tensor, inputLengths: F.CTCLengths, targetLengths: F.CTCLengths], F.CTCLossOptions> implements Loss {
  readonly blank: number;
  readonly zeroInfinity: boolean;
  constructor(options?: F.CTCLossOptions) {
    super('CTCLoss', options, F.CTC_LOSS_KEYS);
    this.blank = this.options.blank ?? 0;
    this.zeroInfinity = this.options.zeroInfinity ?? false;
  }
  forward(logProbs: Tensor, targets: Tensor, inputLengths: F.CTCLengths, targetLengths: F.CTCLengths): Tensor {
    return F.ctcLoss(logProbs, targets, inputLengths, targetLengths, this.options);
  }
}

/** Negative log-likelihood of class indices under log-probabilities. */
export class NLLLoss extends WeightedLossModule<Pair, F.NLLLossOptions> implements Loss {
  readonly ignoreIndex: number;
  constructor(options?: F.NLLLossOptions) {
    super('NLLLoss', options, F.NLL_LOSS_KEYS);
    this.ignoreIndex = this.options.ignoreIndex ?? -100;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, this.withWeight());
  }
}

/** Negative log-likelihood of a Poisson-distributed target. */
export class PoissonNLLLoss extends LossModule<Pair, F.PoissonNLLLossOptions> implements Loss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  constructor(options?: F.PoissonNLLLossOptions) {
    super('PoissonNLLLoss', options, F.POISSON_NLL_LOSS_KEYS);
    this.logInput = this.options.logInput ?? true;
    this.full = this.options.full ?? false;
    this.eps = this.options.eps ?? 1e-8;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.poissonNllLoss(input, target, this.options);
  }
}

/** Negative log-likelihood of a target under a Gaussian with predicted mean and variance. */
export class GaussianNLLLoss extends LossModule<[input: Tensor, target: Tensor, variance: Tensor], F.GaussianNLLLossOptions> implements Loss {
  readonly full: boolean;
  readonly eps: number;
  constructor(options?: F.GaussianNLLLossOptions) {
    super('GaussianNLLLoss', options, F.GAUSSIAN_NLL_LOSS_KEYS);
    this.full = this.options.full ?? false;
    this.eps = this.options.eps ?? 1e-6;
  }
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return F.gaussianNllLoss(input, target, variance, this.options);
  }
}

/** Kullback-Leibler divergence; input holds log-probabilities. */
export class KLDivLoss extends LossModule<Pair, F.KLDivLossOptions, KLDivReduction> implements Loss {
  readonly logTarget: boolean;
  constructor(options?: F.KLDivLossOptions) {
    super('KLDivLoss', options, F.KL_DIV_LOSS_KEYS, [...REDUCTIONS, 'batchmean']);
    this.logTarget = this.options.logTarget ?? false;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, this.options);
  }
}

/** Binary cross-entropy between probabilities. */
export class BCELoss extends WeightedLossModule<Pair, F.BCELossOptions> implements Loss {
  constructor(options?: F.BCELossOptions) {
    super('BCELoss', options, F.BCE_LOSS_KEYS);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this.withWeight());
  }
}

/** Binary cross-entropy on logits (a sigmoid and BCELoss in one stable step). */
export class BCEWithLogitsLoss extends WeightedLossModule<Pair, F.BCEWithLogitsLossOptions> implements Loss {
  declare posWeight: Tensor | null;
  constructor(options?: F.BCEWithLogitsLossOptions) {
    super('BCEWithLogitsLoss', options, F.BCE_WITH_LOGITS_LOSS_KEYS);
    this.registerBuffer('posWeight', this.options.posWeight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { ...this.withWeight(), posWeight: this.posWeight });
  }
}

/** Ranking hinge for pairs: input1 should rank above input2 where target is 1. */
export class MarginRankingLoss extends LossModule<Triple, F.MarginRankingLossOptions> implements Loss {
  readonly margin: number;
  constructor(options?: F.MarginRankingLossOptions) {
    super('MarginRankingLoss', options, F.MARGIN_RANKING_LOSS_KEYS);
    this.margin = this.options.margin ?? 0;
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, this.options);
  }
}

/** Hinge on distances labelled similar (1) or dissimilar (-1). */
export class HingeEmbeddingLoss extends LossModule<Pair, F.HingeEmbeddingLossOptions> implements Loss {
  readonly margin: number;
  constructor(options?: F.HingeEmbeddingLossOptions) {
    super('HingeEmbeddingLoss', options, F.HINGE_EMBEDDING_LOSS_KEYS);
    this.margin = this.options.margin ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, this.options);
  }
}

/** Multi-label hinge over -1-terminated label lists. */
export class MultiLabelMarginLoss extends LossModule<Pair, F.MultiLabelMarginLossOptions> implements Loss {
  constructor(options?: F.MultiLabelMarginLossOptions) {
    super('MultiLabelMarginLoss', options, F.MULTILABEL_MARGIN_LOSS_KEYS);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabelMarginLoss(input, target, this.options);
  }
}

/** Quadratic near 0, linear beyond delta. */
export class HuberLoss extends LossModule<Pair, F.HuberLossOptions> implements Loss {
  readonly delta: number;
  constructor(options?: F.HuberLossOptions) {
    super('HuberLoss', options, F.HUBER_LOSS_KEYS);
    this.delta = this.options.delta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, this.options);
  }
}

/** Huber loss divided by beta: quadratic below beta, L1 beyond. */
export class SmoothL1Loss extends LossModule<Pair, F.SmoothL1LossOptions> implements Loss {
  readonly beta: number;
  constructor(options?: F.SmoothL1LossOptions) {
    super('SmoothL1Loss', options, F.SMOOTH_L1_LOSS_KEYS);
    this.beta = this.options.beta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this.options);
  }
}

/** Two-class logistic loss for targets 1 and -1. */
export class SoftMarginLoss extends LossModule<Pair, F.SoftMarginLossOptions> implements Loss {
  constructor(options?: F.SoftMarginLossOptions) {
    super('SoftMarginLoss', options, F.SOFT_MARGIN_LOSS_KEYS);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.softMarginLoss(input, target, this.options);
  }
}

/** One-versus-all logistic loss over independent labels. */
export class MultiLabelSoftMarginLoss extends WeightedLossModule<Pair, F.MultiLabelSoftMarginLossOptions> implements Loss {
  constructor(options?: F.MultiLabelSoftMarginLossOptions) {
    super('MultiLabelSoftMarginLoss', options, F.MULTILABEL_SOFT_MARGIN_LOSS_KEYS);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabelSoftMarginLoss(input, target, this.withWeight());
  }
}

/** Cosine-similarity loss for pairs labelled similar (1) or dissimilar (-1). */
export class CosineEmbeddingLoss extends LossModule<Triple, F.CosineEmbeddingLossOptions> implements Loss {
  readonly margin: number;
  constructor(options?: F.CosineEmbeddingLossOptions) {
    super('CosineEmbeddingLoss', options, F.COSINE_EMBEDDING_LOSS_KEYS);
    this.margin = this.options.margin ?? 0;
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, this.options);
  }
}

/** Multi-class hinge on class indices. */
export class MultiMarginLoss extends WeightedLossModule<Pair, F.MultiMarginLossOptions> implements Loss {
  readonly p: number;
  readonly margin: number;
  constructor(options?: F.MultiMarginLossOptions) {
    super('MultiMarginLoss', options, F.MULTI_MARGIN_LOSS_KEYS);
    this.p = this.options.p ?? 1;
    this.margin = this.options.margin ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.multiMarginLoss(input, target, this.withWeight());
  }
}

/** Triplet loss with p-norm distances. */
export class TripletMarginLoss extends LossModule<Triplet, F.TripletMarginLossOptions> implements Loss {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  constructor(options?: F.TripletMarginLossOptions) {
    super('TripletMarginLoss', options, F.TRIPLET_MARGIN_LOSS_KEYS);
    this.margin = this.options.margin ?? 1;
    this.p = this.options.p ?? 2;
    this.eps = this.options.eps ?? 1e-6;
    this.swap = this.options.swap ?? false;
  }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginLoss(anchor, positive, negative, this.options);
  }
}

/** Triplet loss with a distance function of your choosing. */
export class TripletMarginWithDistanceLoss extends LossModule<Triplet, F.TripletMarginWithDistanceLossOptions> implements Loss {
  readonly margin: number;
  readonly swap: boolean;
  readonly distanceFunction: F.DistanceFunction | null;
  constructor(options?: F.TripletMarginWithDistanceLossOptions) {
    super('TripletMarginWithDistanceLoss', options, F.TRIPLET_MARGIN_WITH_DISTANCE_LOSS_KEYS);
    // Any margin, as PyTorch 1.13 (its margin > 0 check came later).
    this.margin = this.options.margin ?? 1;
    this.swap = this.options.swap ?? false;
    this.distanceFunction = this.options.distanceFunction ?? null;
  }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginWithDistanceLoss(anchor, positive, negative, this.options);
  }
}
