export * from './clip-grad.js';
export * from './convert-parameters.js';
export * as rnn from './rnn.js';
