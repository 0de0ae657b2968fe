export { Module, type StateDict } from './module.js';
export { Parameter, isParameter } from './parameter.js';
export * as functional from './functional/index.js';
