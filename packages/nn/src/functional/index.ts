// torch.nn.functional: losses and layer math, functional-first.
export * from './losses/index.js';
export * from './layers.js';
export * from './conv.js';
export { conv2dComposed, conv2dInputGradComposed, conv2dWeightGradComposed, type Conv2dKernelOptions } from './conv-fused.js';
export * from './pooling.js';
export * from './attention.js';
export * from './activations.js';
export * from './normalize.js';
export { oneHot } from '@tensile/core';
export * from './channel-dropout.js';
export * from './embedding-bag.js';
export * from './bilinear.js';
export * from './padding.js';
export * from './interpolate.js';
export * from './pixel-shuffle.js';
export * from './fold.js';
export * from './adaptive-max-pool.js';
export * from './instance-norm.js';
