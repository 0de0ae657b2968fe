export { Module, type StateDict } from './module.js';
export { Parameter, isParameter } from './parameter.js';
export * as functional from './functional/index.js';
export * from './modules/loss-registry.js';
export * from './modules/index.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
export * from './safetensors.js';
export * as data from './data/index.js';
