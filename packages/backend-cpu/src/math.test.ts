// The cpu backend's math helpers against independent references: exact BigInt arithmetic for
// integer powers, and erf for erfinv (erf(erfinv(y)) must give y back).
import { expect, test } from 'vitest';
import { erf, erfinv, ipow } from './math.js';

test('ipow wraps modulo 2^32 exactly as BigInt power does, including results a double would round', () => {
  const pairs: [number, number][] = [];
  for (const a of [0, 1, -1, 2, -2, 3, 7, -5, 46341, 65535, -2147483648, 2147483647]) for (const b of [0, 1, 2, 3, 13, 15, 21, 31, 32, 63, 100]) pairs.push([a, b]);
  for (const [a, b] of pairs) expect([a, b, ipow(a, b)]).toEqual([a, b, Number(BigInt.asIntN(32, BigInt(a) ** BigInt(b)))]);
});

test('ipow of a negative exponent is 0 but for bases 1 and -1 (as integer division would give)', () => {
  for (const b of [-1, -2, -3]) {
    expect(ipow(2, b)).toBe(0);
    expect(ipow(1, b)).toBe(1);
    expect(ipow(-1, b)).toBe(b % 2 === 0 ? 1 : -1);
  }
});

test('erfinv inverts erf to a few ulp across (-1, 1), tails included, and follows IEEE at the edges', () => {
  // The bound is erf's own error: its Taylor series cancels terms up to e^(x^2) ~ 50 near x = 2, about 6 bits.
  for (let i = -999; i <= 999; i++) {
    const y = i / 1000;
    const x = erfinv(y);
    expect(Math.abs(erf(x) - y)).toBeLessThanOrEqual(8 * Number.EPSILON);
  }
  for (const t of [1e-6, 1e-10, 1e-15]) expect(Math.abs(erf(erfinv(1 - t)) - (1 - t))).toBeLessThanOrEqual(2 * Number.EPSILON);
  expect(erfinv(1)).toBe(Infinity);
  expect(erfinv(-1)).toBe(-Infinity);
  expect(Object.is(erfinv(-0), -0)).toBe(true);
  for (const y of [1.5, -2, NaN]) expect(erfinv(y)).toBeNaN();
});
