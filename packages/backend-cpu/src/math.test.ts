// The cpu backend's math helpers against independent references: exact BigInt arithmetic for
// integer powers, and erf for erfinv (erf(erfinv(y)) must give y back).
import { expect, test } from 'vitest';
import { digamma, erf, erfinv, ipow, lgamma, trigamma } from './math.js';

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

test('lgamma, digamma and trigamma against exact factorials, the recurrences, the reflection and each other', () => {
  // lgamma(n) = log((n - 1)!) from an exact product (exact in doubles up to 22!); Gamma(1/2) = sqrt(pi).
  // The bound is the Lanczos sum's (g = 7, 9 terms): about 2e-15 relative in Gamma, so absolute in lgamma.
  let f = 1;
  for (let n = 1; n <= 25; n++) {
    expect(Math.abs(lgamma(n) - Math.log(f))).toBeLessThanOrEqual(10 * Number.EPSILON * Math.max(1, Math.log(f)));
    f *= n;
  }
  expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
  for (const x of [0.3, 1.7, 4.2, 9.5, 33.3, -0.4, -2.7, -7.5]) {
    // Gamma(x + 1) = x Gamma(x); psi(x + 1) = psi(x) + 1/x; psi1(x + 1) = psi1(x) - 1/x^2.
    expect(lgamma(x + 1) - lgamma(x)).toBeCloseTo(Math.log(Math.abs(x)), 12);
    expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 12);
    expect(trigamma(x) - trigamma(x + 1)).toBeCloseTo(1 / (x * x), 11);
    // Each is the derivative of the one before (central differences).
    const h = 1e-5;
    expect((lgamma(x + h) - lgamma(x - h)) / (2 * h)).toBeCloseTo(digamma(x), 6);
    expect((digamma(x + h) - digamma(x - h)) / (2 * h)).toBeCloseTo(trigamma(x), 5);
  }
  expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 15); // -Euler's gamma
  expect(trigamma(1)).toBeCloseTo(Math.PI ** 2 / 6, 14);
  expect([lgamma(0), lgamma(-3), lgamma(-Infinity), digamma(0), digamma(-0), trigamma(-2)]).toEqual([Infinity, Infinity, Infinity, -Infinity, Infinity, Infinity]);
  for (const v of [digamma(-1), digamma(-Infinity), lgamma(NaN), trigamma(-Infinity)]) expect(v).toBeNaN();
});
