const SQRT_PI = Math.sqrt(Math.PI);

/** erf to double precision: Taylor series near 0, a continued fraction for erfc in the tails. */
export function erf(x: number): number {
  // erf(-0) is -0 (as PyTorch's): the series' first step would round it to +0.
  if (Number.isNaN(x) || x === 0) return x;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / SQRT_PI) * sum;
  }
  if (ax > 6) return x > 0 ? 1 : -1;
  const c = erfcTail(ax);
  return x > 0 ? 1 - c : c - 1;
}

/** erfc(x) for x >= 2.5: exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up. */
function erfcTail(x: number): number {
  if (x > 27) return 0;
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / SQRT_PI / f;
}

/**
 * erfinv to double precision: Giles' single-precision approximation ("Approximating the erfinv
 * function", 2010), then Newton steps on erf(x) = |y|; above 0.5 on log(erfc(x)) = log(1 - |y|), where
 * 1 - |y| is exact and the log keeps the steps from crawling through the tail's exponential.
 */
export function erfinv(y: number): number {
  if (!(y >= -1 && y <= 1)) return NaN;
  if (y === 0) return y;
  const a = Math.abs(y);
  if (a === 1) return y * Infinity;
  let w = -Math.log((1 - a) * (1 + a));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
  }
  let x = p * a;
  for (let i = 0; i < 3; i++) {
    const slope = (2 / SQRT_PI) * Math.exp(-x * x);
    if (a <= 0.5) x -= (erf(x) - a) / slope;
    else {
      const c = x < 2.5 ? 1 - erf(x) : erfcTail(x);
      x += ((Math.log(c) - Math.log(1 - a)) * c) / slope;
    }
  }
  return y < 0 ? -x : x;
}

/** sin(pi x) with the argument reduced exactly: x - round(x) is exact, so the zeros at the integers are exact. */
function sinpi(x: number): number {
  const n = Math.round(x);
  const s = Math.sin(Math.PI * (x - n));
  return n % 2 === 0 ? s : -s;
}

/** cos(pi x), reduced as sinpi. */
function cospi(x: number): number {
  const n = Math.round(x);
  const c = Math.cos(Math.PI * (x - n));
  return n % 2 === 0 ? c : -c;
}

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/**
 * log|Gamma(x)| to double precision: Lanczos (g = 7, 9 terms) for x >= 0.5, the reflection
 * log(pi / |sin(pi x)|) - lgamma(1 - x) below; +inf at the poles (0 and the negative integers) and at +-inf.
 */
export function lgamma(x: number): number {
  if (x !== x) return x;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x <= 0 && Math.floor(x) === x) return Infinity;
  if (x === 1 || x === 2) return 0;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(sinpi(x))) - lgamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.9189385332046728 + (z + 0.5) * Math.log(t) - t + Math.log(a); // 0.5 log(2 pi)
}

/**
 * digamma (psi) to double precision: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the
 * asymptotic series; the reflection psi(1 - x) - pi / tan(pi x) for x < 0. As PyTorch: -inf at +0,
 * +inf at -0, NaN at the negative integers and at -inf.
 */
export function digamma(x: number): number {
  if (x !== x) return x;
  if (x === Infinity) return x;
  if (x === 0) return -1 / x;
  if (x < 0) {
    if (Math.floor(x) === x) return NaN;
    return digamma(1 - x) - (Math.PI * cospi(x)) / sinpi(x);
  }
  let r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  const z = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - z * (1 / 12 - z * (1 / 120 - z * (1 / 252 - z * (1 / 240 - z * (1 / 132 - z * (691 / 32760 - z / 12))))));
}

/**
 * trigamma (polygamma(1, x)) to double precision: psi1(x) = psi1(x + 1) + 1/x^2 up to x >= 10, then the
 * asymptotic series; the reflection pi^2 / sin^2(pi x) - psi1(1 - x) for x < 0. +inf at the poles, 0 at +inf.
 */
export function trigamma(x: number): number {
  if (x !== x) return x;
  if (x === Infinity) return 0;
  if (x <= 0 && Math.floor(x) === x) return x === -Infinity ? NaN : Infinity;
  if (x < 0) {
    const s = Math.PI / sinpi(x);
    return s * s - trigamma(1 - x);
  }
  let r = 0;
  while (x < 10) {
    r += 1 / (x * x);
    x += 1;
  }
  const z = 1 / (x * x);
  return r + 1 / x + z / 2 + (z / x) * (1 / 6 - z * (1 / 30 - z * (1 / 42 - z * (1 / 30 - z * (5 / 66 - z * (691 / 2730 - z * (7 / 6)))))));
}

/** C99's pow: Math.pow gives NaN for pow(1, NaN), pow(1, +-inf) and pow(-1, +-inf), which C (and PyTorch) define as 1. */
export function pow(a: number, b: number): number {
  if (a === 1 || b === 0) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return a ** b;
}

/** PyTorch's remainder: fmod(a, b) plus b where the two signs differ (sign of b, as Python's %). */
export function remainder(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && b < 0 !== m < 0 ? m + b : m;
}

/** int32 power by squaring, wrapping modulo 2^32 as PyTorch's integer pow (a double would round first); 0 for negative b but where a is +-1. */
export function ipow(a: number, b: number): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b & 1 ? -1 : 1) : 0;
  let r = 1;
  for (let base = a, e = b; e !== 0; e >>>= 1) {
    if (e & 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
  }
  return r;
}

export const helpers = { digamma, erf, erfinv, ipow, lgamma, pow, remainder, trigamma };
