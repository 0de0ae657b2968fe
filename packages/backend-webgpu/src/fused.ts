/**
 * The composites this backend registers fused kernels for (data only: tools/codegen reads it for the ops
 * reference, and registration goes through it, so the two cannot differ).
 */
export const FUSED = [
  'softmax',
  'logSoftmax',
  'softmaxBackward',
  'logSoftmaxBackward',
  'adamStep',
  'sgdStep',
  'rmspropStep',
  'nllLossReduced',
  'crossEntropyBackward',
  'linear',
  'reluBackward',
  'scaledDotProductAttention',
  'scaledDotProductAttentionBackward',
] as const;
export type FusedOp = (typeof FUSED)[number];
