export * from './linear.js';
export * from './flatten.js';
export * from './container.js';
export * from './activation.js';
export * from './dropout.js';
export * from './embedding.js';
export * from './layer-norm.js';
export * from './batch-norm.js';
