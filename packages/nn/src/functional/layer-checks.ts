// Argument checks shared by the functional forms and the layer classes (which
// check at construction); not part of the public F namespace.
import { IndexError, ValueError } from '@tensile/core';

export type GeluApproximate = 'none' | 'tanh';

export function checkGeluApproximate(op: string, approximate: unknown): GeluApproximate {
  if (approximate !== 'none' && approximate !== 'tanh')
    throw new ValueError(`${op}: approximate argument must be either 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  return approximate;
}

export function checkHardtanhBounds(op: string, minVal: number, maxVal: number): void {
  if (!(maxVal > minVal)) throw new ValueError(`${op}: maxVal (${maxVal}) must be greater than minVal (${minVal})`);
}

export function checkDropoutP(op: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(`${op}: dropout probability has to be between 0 and 1, but got ${p}`);
}

/** paddingIdx in [-num, num), negative counted from the end, as PyTorch. */
export function normalizePaddingIdx(op: string, paddingIdx: number, num: number): number {
  if (!Number.isInteger(paddingIdx) || paddingIdx < -num || paddingIdx >= num)
    throw new IndexError(`${op}: paddingIdx must be an integer within the number of embeddings [${-num}, ${num}), got ${paddingIdx}`);
  return paddingIdx < 0 ? paddingIdx + num : paddingIdx;
}
