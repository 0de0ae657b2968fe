// The 21 torch.nn losses in functional form (torch.nn.functional's *_loss), plus
// the distances they are built on.
export { type Reduction, REDUCTIONS, DEFAULT_REDUCTION } from './reduction.js';
export { l1Loss, type L1LossOptions, L1_LOSS_KEYS, L1_LOSS_DEFAULTS } from './l1-loss.js';
export { mseLoss, type MSELossOptions, MSE_LOSS_KEYS, MSE_LOSS_DEFAULTS } from './mse-loss.js';
export { crossEntropy, type CrossEntropyLossOptions, CROSS_ENTROPY_LOSS_KEYS, CROSS_ENTROPY_LOSS_DEFAULTS } from './cross-entropy.js';
export { ctcLoss, type CTCLossOptions, type CTCLengths, CTC_LOSS_KEYS, CTC_LOSS_DEFAULTS } from './ctc-loss.js';
export { nllLoss, type NLLLossOptions, NLL_LOSS_KEYS, NLL_LOSS_DEFAULTS } from './nll-loss.js';
export { poissonNllLoss, type PoissonNLLLossOptions, POISSON_NLL_LOSS_KEYS, POISSON_NLL_LOSS_DEFAULTS } from './poisson-nll-loss.js';
export { gaussianNllLoss, type GaussianNLLLossOptions, GAUSSIAN_NLL_LOSS_KEYS, GAUSSIAN_NLL_LOSS_DEFAULTS } from './gaussian-nll-loss.js';
export { klDiv, type KLDivLossOptions, type KLDivReduction, KL_DIV_REDUCTIONS, KL_DIV_LOSS_KEYS, KL_DIV_LOSS_DEFAULTS } from './kl-div.js';
export { binaryCrossEntropy, type BCELossOptions, BCE_LOSS_KEYS, BCE_LOSS_DEFAULTS } from './binary-cross-entropy.js';
export { binaryCrossEntropyWithLogits, type BCEWithLogitsLossOptions, BCE_WITH_LOGITS_LOSS_KEYS, BCE_WITH_LOGITS_LOSS_DEFAULTS } from './binary-cross-entropy-with-logits.js';
export { marginRankingLoss, type MarginRankingLossOptions, MARGIN_RANKING_LOSS_KEYS, MARGIN_RANKING_LOSS_DEFAULTS } from './margin-ranking-loss.js';
export { hingeEmbeddingLoss, type HingeEmbeddingLossOptions, HINGE_EMBEDDING_LOSS_KEYS, HINGE_EMBEDDING_LOSS_DEFAULTS } from './hinge-embedding-loss.js';
export { multilabelMarginLoss, type MultiLabelMarginLossOptions, MULTILABEL_MARGIN_LOSS_KEYS, MULTILABEL_MARGIN_LOSS_DEFAULTS } from './multilabel-margin-loss.js';
export { huberLoss, type HuberLossOptions, HUBER_LOSS_KEYS, HUBER_LOSS_DEFAULTS } from './huber-loss.js';
export { smoothL1Loss, type SmoothL1LossOptions, SMOOTH_L1_LOSS_KEYS, SMOOTH_L1_LOSS_DEFAULTS } from './smooth-l1-loss.js';
export { softMarginLoss, type SoftMarginLossOptions, SOFT_MARGIN_LOSS_KEYS, SOFT_MARGIN_LOSS_DEFAULTS } from './soft-margin-loss.js';
export { multilabelSoftMarginLoss, type MultiLabelSoftMarginLossOptions, MULTILABEL_SOFT_MARGIN_LOSS_KEYS, MULTILABEL_SOFT_MARGIN_LOSS_DEFAULTS } from './multilabel-soft-margin-loss.js';
export { cosineEmbeddingLoss, type CosineEmbeddingLossOptions, COSINE_EMBEDDING_LOSS_KEYS, COSINE_EMBEDDING_LOSS_DEFAULTS } from './cosine-embedding-loss.js';
export { multiMarginLoss, type MultiMarginLossOptions, MULTI_MARGIN_LOSS_KEYS, MULTI_MARGIN_LOSS_DEFAULTS } from './multi-margin-loss.js';
export { tripletMarginLoss, type TripletMarginLossOptions, TRIPLET_MARGIN_LOSS_KEYS, TRIPLET_MARGIN_LOSS_DEFAULTS } from './triplet-margin-loss.js';
export {
  tripletMarginWithDistanceLoss,
  type TripletMarginWithDistanceLossOptions,
  type DistanceFunction,
  TRIPLET_MARGIN_WITH_DISTANCE_LOSS_KEYS,
  TRIPLET_MARGIN_WITH_DISTANCE_LOSS_DEFAULTS,
} from './triplet-margin-with-distance-loss.js';
export { pairwiseDistance, cosineSimilarity } from './distance.js';
