export * from './clip-grad.js';
export * from './convert-parameters.js';
