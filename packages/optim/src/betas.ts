import { ValueError } from '@tensile/core';
import { checkNumber } from './check.js';

/** Adam-style betas: a pair in [0, 1) each. */
export function checkBetas(name: string, betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) throw new ValueError(`${name}: betas must be a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
  checkNumber(name, 'betas[0]', betas[0], { min: 0, below: 1 });
  checkNumber(name, 'betas[1]', betas[1], { min: 0, below: 1 });
}
