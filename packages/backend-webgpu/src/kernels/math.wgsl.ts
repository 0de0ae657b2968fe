/**
 * WGSL shared by every kernel: the uniform block that carries shapes, strides
 * and offsets (so one pipeline serves every shape), explicit NaN/infinity
 * (WGSL promises neither IEEE special values nor their folding: a constant
 * expression that evaluates to inf is a shader-creation error, so the bits sit
 * in a private variable and are bitcast at run time), and float32 math written
 * out with range reduction and polynomials: WGSL's exp/log/sin/cos/tanh only
 * promise a few ULP (log near 1 and sin/cos only an absolute 2^-21 / 2^-11),
 * which is far outside the golden tolerances on some GPUs.
 */

/** Number of u32 slots in the uniform block (16 vec4s = 256 bytes, one uniform-offset alignment). */
export const META_SLOTS = 64;

/** Dims a strided kernel walks after collapsing (more is rejected with a clear error). */
export const MAX_DIMS = 8;

export const META = /* wgsl */ `
struct Meta { m: array<vec4<u32>, ${META_SLOTS / 4}> }
@group(0) @binding(0) var<uniform> u_meta: Meta;
fn M(i: u32) -> u32 { return u_meta.m[i / 4u][i % 4u]; }
fn linear_id(wid: vec3<u32>, nwg: vec3<u32>, lid: u32, size: u32) -> u32 { return (wid.y * nwg.x + wid.x) * size + lid; }
`;

export const MATH = /* wgsl */ `
var<private> INF_BITS: u32 = 0x7f800000u;
fn f_inf() -> f32 { return bitcast<f32>(INF_BITS); }
fn f_nan() -> f32 { return bitcast<f32>(INF_BITS | 0x400000u); }
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn truthy_f(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) != 0u; }
fn signed_inf(neg: bool) -> f32 { return select(f_inf(), -f_inf(), neg); }

// Comparisons that are false for NaN: some drivers (Mesa's GL among them) compile
// float comparisons as unordered, true when an operand is NaN. Every float
// comparison that can see NaN goes through these or follows an is_nan check.
fn f_eq(a: f32, b: f32) -> bool { return !is_nan(a) && !is_nan(b) && a == b; }
fn f_lt(a: f32, b: f32) -> bool { return !is_nan(a) && !is_nan(b) && a < b; }
fn f_le(a: f32, b: f32) -> bool { return !is_nan(a) && !is_nan(b) && a <= b; }

fn t_div(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return f_nan(); }
  if (b == 0.0) {
    if (a == 0.0 || is_nan(a)) { return f_nan(); }
    return signed_inf(((bitcast<u32>(a) ^ bitcast<u32>(b)) & 0x80000000u) != 0u);
  }
  return a / b;
}

// Equal operands (+0 and -0 among them, where WGSL's max/min may return either) give the bit
// pattern with the sign clear (max) or set (min), as the cpu backend's Math.max/min.
// a - b with IEEE's NaN and inf - inf: an in-place x - x loads one value twice, and Mesa's compiler folds x - x to 0.
fn t_sub(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b) || (is_inf(a) && bitcast<u32>(a) == bitcast<u32>(b))) { return f_nan(); }
  return a - b;
}
fn t_max(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return f_nan(); } if (a == b) { return bitcast<f32>(bitcast<u32>(a) & bitcast<u32>(b)); } return max(a, b); }
fn t_min(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return f_nan(); } if (a == b) { return bitcast<f32>(bitcast<u32>(a) | bitcast<u32>(b)); } return min(a, b); }

fn t_exp(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.72283) { return f_inf(); }
  if (x < -103.97208) { return 0.0; }
  let k = round(x * 1.44269504);
  // Cody-Waite: ln 2 split so k * hi is exact.
  let r = (x - k * 0.693359375) + k * 2.12194440e-4;
  let p = 1.0 + r * (1.0 + r * (0.5 + r * (0.16666667 + r * (0.041666668 + r * (0.008333334 + r * (0.0013888889 + r * 0.0001984127))))));
  return ldexp(p, i32(k));
}

// 2 atanh(s) = log((1 + s) / (1 - s)) for |s| <= 0.1716.
fn atanh2(s: f32) -> f32 {
  let s2 = s * s;
  let p = s2 * (0.33333333 + s2 * (0.2 + s2 * (0.14285714 + s2 * (0.11111111 + s2 * 0.09090909))));
  return 2.0 * s + 2.0 * s * p;
}

fn log_normal(x: f32) -> f32 {
  let fr = frexp(x);
  var m = fr.fract;
  var e = fr.exp;
  if (m < 0.70710678) { m = m * 2.0; e = e - 1; }
  return f32(e) * 0.693147181 + atanh2((m - 1.0) / (m + 1.0));
}

// Decided on the bits, so denormal inputs get their true logarithm even where
// the GPU flushes denormals to zero (a denormal is its mantissa times 2^-149).
fn t_log(x: f32) -> f32 {
  let bits = bitcast<u32>(x);
  if (is_nan(x)) { return x; }
  if ((bits & 0x7fffffffu) == 0u) { return -f_inf(); }
  if ((bits >> 31u) != 0u) { return f_nan(); }
  if (is_inf(x)) { return x; }
  if ((bits & 0x7f800000u) == 0u) { return log_normal(f32(bits)) - 103.278930; }
  return log_normal(x);
}

fn t_log1p(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > -0.29289322 && x < 0.41421356) { return atanh2(x / (2.0 + x)); }
  return t_log(1.0 + x);
}

fn t_expm1(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (abs(x) < 0.35) {
    return x * (1.0 + x * (0.5 + x * (0.16666667 + x * (0.041666668 + x * (0.008333334 + x * (0.0013888889 + x * (0.0001984127 + x * 0.0000248016)))))));
  }
  return t_exp(x) - 1.0;
}

fn t_sqrt(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return f_nan(); }
  if (is_inf(x)) { return x; }
  return sqrt(x);
}

fn t_rsqrt(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return f_nan(); }
  if (x == 0.0) { return signed_inf((bitcast<u32>(x) & 0x80000000u) != 0u); }
  if (is_inf(x)) { return 0.0; }
  return 1.0 / sqrt(x);
}

fn t_tanh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (abs(x) > 9.0) { return sign(x); }
  let e = t_expm1(2.0 * x);
  return e / (e + 2.0);
}

fn t_sigmoid(x: f32) -> f32 {
  let e = t_exp(-x);
  if (is_inf(e)) { return 0.0; }
  return 1.0 / (1.0 + e);
}

fn t_softplus(x: f32) -> f32 { if (is_nan(x) || x > 20.0) { return x; } return t_log1p(t_exp(x)); }

// sin and cos of x reduced by pi/2 (three-part Cody-Waite constant); q selects the quadrant.
fn sin_poly(r: f32) -> f32 { let r2 = r * r; return r + r * r2 * (-0.16666667 + r2 * (0.0083333333 + r2 * (-0.00019841270 + r2 * 0.0000027557319))); }
fn cos_poly(r: f32) -> f32 { let r2 = r * r; return 1.0 + r2 * (-0.5 + r2 * (0.041666667 + r2 * (-0.0013888889 + r2 * (0.000024801587 - r2 * 0.00000027557319)))); }
// Payne-Hanek reduction for |x| past Cody-Waite's reach (q * 1.5703125 stops being exact near 1e5):
// x * 2/pi from x's 24-bit significand times 224 bits of 2/pi, in 16-bit limbs (no u64 in WGSL).
// Returns the quadrant (0..3) in .x and the remainder in radians in .y.
fn pi2_word(l: ptr<function, array<u32, 18>>, pos: u32) -> u32 {
  let li = pos >> 4u;
  let sh = pos & 15u;
  let v = (*l)[li] | ((*l)[li + 1u] << 16u);
  if (sh == 0u) { return v; }
  return (v >> sh) | ((*l)[li + 2u] << (32u - sh));
}
fn reduce_pio2_large(x: f32) -> vec2<f32> {
  let bits = bitcast<u32>(x);
  let be = (bits >> 23u) & 0xffu;
  let m = (bits & 0x7fffffu) | 0x800000u;
  let m0 = m & 0xffffu;
  let m1 = m >> 16u;
  var w32 = array<u32, 7>(0xfe5163abu, 0x3c439041u, 0xdb629599u, 0xf534ddc0u, 0xfc2757d1u, 0x4e441529u, 0xa2f9836eu);
  var l: array<u32, 18>;
  var c = 0u;
  for (var j = 0u; j < 14u; j++) {
    let w = (w32[j >> 1u] >> ((j & 1u) * 16u)) & 0xffffu;
    let t = m0 * w + c;
    l[j] = t & 0xffffu;
    c = t >> 16u;
  }
  l[14] = c;
  c = 0u;
  for (var j = 0u; j < 14u; j++) {
    let w = (w32[j >> 1u] >> ((j & 1u) * 16u)) & 0xffffu;
    let t = m1 * w + c + l[j + 1u];
    l[j + 1u] = t & 0xffffu;
    c = t >> 16u;
  }
  l[15] = c;
  // The units bit of x * 2/pi is bit 374 - be of the product; take 64 bits below it and 32 from it up.
  let b0 = 310u - be;
  var lo = pi2_word(&l, b0);
  var mid = pi2_word(&l, b0 + 32u);
  var q = pi2_word(&l, b0 + 64u) & 3u;
  var s = 1.0;
  if (mid >= 0x80000000u) {
    // fraction >= 1/2: round the quotient up and take the remainder negative.
    q = (q + 1u) & 3u;
    s = -1.0;
    lo = ~lo + 1u;
    mid = ~mid + select(0u, 1u, lo == 0u);
  }
  let fr = (f32(mid) + f32(lo) * 2.3283064365386963e-10) * 2.3283064365386963e-10;
  var r = s * (fr * 1.5707963705062866 + fr * -4.371139000186243e-8);
  if ((bits >> 31u) != 0u) { r = -r; q = (4u - q) & 3u; }
  return vec2<f32>(f32(q), r);
}
fn t_sincos(x: f32, shift: i32) -> f32 {
  if (is_nan(x) || is_inf(x)) { return f_nan(); }
  // sin(+-0) is +-0 and cos(+-0) is 1, bit for bit (the reduction below loses the zero's sign).
  if (x == 0.0) { return select(x, 1.0, shift == 1); }
  var q = round(x * 0.63661977);
  var r = ((x - q * 1.5703125) - q * 4.8375129699707031e-4) - q * 7.5497899548918821e-8;
  var qi = i32(q);
  if (abs(x) > 16384.0) {
    let big = reduce_pio2_large(x);
    qi = i32(big.x);
    r = big.y;
  }
  let quadrant = (qi + shift) & 3;
  if (quadrant == 0) { return sin_poly(r); }
  if (quadrant == 1) { return cos_poly(r); }
  if (quadrant == 2) { return -sin_poly(r); }
  return -cos_poly(r);
}
fn t_sin(x: f32) -> f32 { return t_sincos(x, 0); }
fn t_cos(x: f32) -> f32 { return t_sincos(x, 1); }

fn t_erf(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x == 0.0) { return x; }
  let a = abs(x);
  if (a < 0.5) {
    let x2 = x * x;
    return 1.1283791671 * x * (1.0 + x2 * (-0.33333333 + x2 * (0.1 + x2 * (-0.023809524 + x2 * (0.0046296296 + x2 * (-0.00075757576 + x2 * 0.00010683761))))));
  }
  if (a > 4.0) { return sign(x); }
  // erfc by Chebyshev fit (relative error < 1.2e-7, Numerical Recipes' erfcc).
  let t = 1.0 / (1.0 + 0.5 * a);
  let erfc = t * t_exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return sign(x) * (1.0 - erfc);
}

// Giles' single-precision erfinv ("Approximating the erfinv function", 2010): about 4e-7 relative.
fn t_erfinv(y: f32) -> f32 {
  let a = abs(y);
  if (is_nan(y) || a > 1.0) { return f_nan(); }
  if (a == 1.0) { return signed_inf(y < 0.0); }
  if (a == 0.0) { return y; }
  var w = -t_log((1.0 - a) * (1.0 + a));
  var p: f32;
  if (w < 5.0) {
    w = w - 2.5;
    p = 3.43273939e-7 + 2.81022636e-8 * w;
    p = -3.5233877e-6 + p * w; p = -4.39150654e-6 + p * w; p = 0.00021858087 + p * w; p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w; p = 0.246640727 + p * w; p = 1.50140941 + p * w;
  } else {
    w = t_sqrt(w) - 3.0;
    p = 0.000100950558 - 0.000200214257 * w;
    p = 0.00134934322 + p * w; p = -0.00367342844 + p * w; p = 0.00573950773 + p * w; p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w; p = 1.00167406 + p * w; p = 2.83297682 + p * w;
  }
  return p * y;
}

// x with the sign bit of s (keeps -0 and the sign of odd functions exact).
fn with_sign_of(x: f32, s: f32) -> f32 { return bitcast<f32>((bitcast<u32>(x) & 0x7fffffffu) | (bitcast<u32>(s) & 0x80000000u)); }

// sinh and cosh from exp/expm1 of |x|; past 88 (where exp overflows but the result does not) as (e^(|x|/2) / 2) e^(|x|/2).
fn t_sinh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  if (a > 88.0) { let h = t_exp(0.5 * a); return with_sign_of((0.5 * h) * h, x); }
  let e = t_expm1(a);
  return with_sign_of(0.5 * (e + e / (e + 1.0)), x);
}

fn t_cosh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  if (a > 88.0) { let h = t_exp(0.5 * a); return (0.5 * h) * h; }
  let e = t_exp(a);
  return 0.5 * (e + 1.0 / e);
}

// atan on [0, inf] (Cephes' atanf reduction and polynomial, about 2 ulp); NaN passes through.
fn atan_pos(x: f32) -> f32 {
  var y = 0.0;
  var t = x;
  if (x > 2.4142135) { y = 1.5707964; t = -1.0 / x; } else if (x > 0.41421357) { y = 0.78539819; t = (x - 1.0) / (x + 1.0); }
  let z = t * t;
  return y + ((((0.0805374449538 * z - 0.138776856032) * z + 0.199777106478) * z - 0.333329491539) * z * t + t);
}

fn t_atan(x: f32) -> f32 { if (is_nan(x)) { return x; } return with_sign_of(atan_pos(abs(x)), x); }

// C99 atan2(y, x): the angle of (x, y) in (-pi, pi], with the signed zeros and infinities of the C standard.
fn t_atan2(y: f32, x: f32) -> f32 {
  if (is_nan(x) || is_nan(y)) { return f_nan(); }
  let ax = abs(x);
  let ay = abs(y);
  let left = (bitcast<u32>(x) & 0x80000000u) != 0u;
  var r: f32;
  if (is_inf(ax) && is_inf(ay)) { r = 0.78539819; }
  else if (ay == 0.0) { r = 0.0; }
  else if (ay > ax) { r = 1.5707964 - atan_pos(ax / ay); }
  else { r = atan_pos(ay / ax); }
  if (left) { r = 3.1415927 - r; }
  return with_sign_of(r, y);
}

// asin and acos through atan2 of (x, sqrt(1 - x^2)); (1 - x)(1 + x) keeps the digits near +-1. NaN outside [-1, 1].
fn asin_root(x: f32) -> f32 { return sqrt((1.0 - x) * (1.0 + x)); }
fn t_asin(x: f32) -> f32 { if (is_nan(x) || abs(x) > 1.0) { return f_nan(); } return t_atan2(x, asin_root(x)); }
fn t_acos(x: f32) -> f32 { if (is_nan(x) || abs(x) > 1.0) { return f_nan(); } return t_atan2(asin_root(x), x); }

// sin(pi x) with the argument reduced exactly (x - round(x) is exact in f32), so the integers are exact zeros.
fn t_sinpi(x: f32) -> f32 {
  let n = round(x);
  let s = t_sin(3.14159265 * (x - n));
  return select(-s, s, n - 2.0 * floor(0.5 * n) == 0.0);
}

// lgamma(2 + t) for |t| <= 0.5 by its Taylor series (1 - gamma) t + sum_k (-1)^k (zeta(k) - 1) / k t^k: exact zero at x = 2.
fn lgamma_near2(t: f32) -> f32 { return t * (0.422784335 + t * (0.322467033 + t * (-0.0673523011 + t * (0.0205808084 + t * (-0.00738555103 + t * (0.00289051033 + t * (-0.00119275391 + t * (0.000509669525 + t * (-0.000223154758 + t * (9.94575128e-05 + t * (-4.49262367e-05 + t * (2.05072128e-05 + t * (-9.43948828e-06 + t * (4.37486679e-06 + t * -2.03921575e-06)))))))))))))); }

// log Gamma(x) for x > 0 in float32 without the cancellation a shift to large x would bring near the zeros at 1 and 2:
// the series around 2 on [0.5, 2.5) (less log(x) and log1p(x - 1) below 1.5), log of the product down to it on [2.5, 8),
// Stirling's series from 8 (truncation error ~1e-11 there).
fn lgamma_pos(x: f32) -> f32 {
  if (x < 0.5) { return lgamma_near2(x) - t_log1p(x) - t_log(x); }
  if (x < 1.5) { return lgamma_near2(x - 1.0) - t_log1p(x - 1.0); }
  if (x < 2.5) { return lgamma_near2(x - 2.0); }
  if (x < 8.0) {
    var y = x;
    var p = 1.0;
    while (y >= 2.5) { y = y - 1.0; p = p * y; }
    return t_log(p) + lgamma_near2(y - 2.0);
  }
  let z = 1.0 / (x * x);
  let lx = t_log(x);
  return x * (lx - 1.0) - 0.5 * lx + 0.91893853 + (0.083333333 - z * (0.0027777778 - z * (0.00079365079 - z * 0.00059523810))) / x;
}

// log|Gamma(x)|: +inf at 0, the negative integers and +-inf; the reflection log(pi / |sin(pi x)|) - lgamma(1 - x) below 0.
fn t_lgamma(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (is_inf(x)) { return f_inf(); }
  if (x <= 0.0 && floor(x) == x) { return f_inf(); }
  if (x < 0.0) { return 1.14472989 - t_log(abs(t_sinpi(x))) - lgamma_pos(1.0 - x); }
  return lgamma_pos(x);
}

// digamma(2 + t) for t in [-0.75, 0.5] by its Taylor series (1 - gamma) + sum_k (-1)^k (zeta(k) - 1) t^(k-1): keeps the digits at the root 1.4616.
fn digamma_near2(t: f32) -> f32 { return (0.422784335 + t * (0.644934067 + t * (-0.202056903 + t * (0.0823232337 + t * (-0.0369277551 + t * (0.017343062 + t * (-0.00834927738 + t * (0.0040773562 + t * (-0.00200839283 + t * (0.000994575128 + t * (-0.000494188604 + t * (0.000246086553 + t * (-0.000122713348 + t * (6.12481351e-05 + t * (-3.05882363e-05 + t * (1.52822594e-05 + t * (-7.63719764e-06 + t * (3.81729326e-06 + t * (-1.90821272e-06 + t * (9.53962034e-07 + t * (-4.76932987e-07 + t * 2.38450503e-07))))))))))))))))))))); }

// digamma: -inf at +0, +inf at -0, NaN at the negative integers and -inf; psi(x) = psi(1 - x) - pi / tan(pi x) below 0;
// the series around 2 on [1.25, 2.5) (with psi(x) = psi(x + 1) - 1 / x below), the asymptotic series from 6 (up from 2.5 by the recurrence).
fn t_digamma(x0: f32) -> f32 {
  if (is_nan(x0)) { return x0; }
  if (is_inf(x0)) { return select(f_nan(), x0, x0 > 0.0); }
  if (x0 == 0.0) { return signed_inf((bitcast<u32>(x0) >> 31u) == 0u); }
  var x = x0;
  var r = 0.0;
  if (x < 0.0) {
    if (floor(x) == x) { return f_nan(); }
    let f = 3.14159265 * (x - round(x));
    r = -3.14159265 * t_cos(f) / t_sin(f);
    x = 1.0 - x;
  }
  if (x < 0.25) { return r - 1.0 / x - 1.0 / (x + 1.0) + digamma_near2(x); }
  if (x < 1.25) { return r - 1.0 / x + digamma_near2(x - 1.0); }
  if (x < 2.5) { return r + digamma_near2(x - 2.0); }
  while (x < 6.0) { r = r - 1.0 / x; x = x + 1.0; }
  let z = 1.0 / (x * x);
  return r + t_log(x) - 0.5 / x - z * (0.083333333 - z * (0.0083333333 - z * (0.0039682540 - z * 0.0041666667)));
}

// trigamma (polygamma(1, x)): +inf at the poles, 0 at +inf; pi^2 / sin^2(pi x) - psi1(1 - x) below 0,
// psi1(x) = psi1(x + 1) + 1 / x^2 up to x >= 6, then the asymptotic series.
fn t_trigamma(x0: f32) -> f32 {
  if (is_nan(x0)) { return x0; }
  if (is_inf(x0)) { return select(f_nan(), 0.0, x0 > 0.0); }
  if (x0 <= 0.0 && floor(x0) == x0) { return f_inf(); }
  var x = x0;
  var r = 0.0;
  var sgn = 1.0;
  if (x < 0.0) {
    let s = 3.14159265 / t_sin(3.14159265 * (x - round(x)));
    r = s * s;
    sgn = -1.0;
    x = 1.0 - x;
  }
  var t = 0.0;
  while (x < 6.0) { t = t + t_div(1.0, x * x); x = x + 1.0; }
  let z = 1.0 / (x * x);
  t = t + 1.0 / x + 0.5 * z + (z / x) * (0.16666667 - z * (0.033333333 - z * (0.023809524 - z * 0.033333333)));
  return r + sgn * t;
}

// C99 pow: pow(x, +-0) = 1 and pow(1, y) = 1 even for NaN, pow(-1, +-inf) = 1.
fn t_pow(a: f32, b: f32) -> f32 {
  if (f_eq(b, 0.0) || f_eq(a, 1.0)) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return f_nan(); }
  if (is_inf(b)) {
    let m = abs(a);
    if (m == 1.0) { return 1.0; }
    return select(0.0, f_inf(), (m > 1.0) == (b > 0.0));
  }
  let integral = b == floor(b);
  if (integral && abs(b) <= 64.0) {
    // Small integer exponents by repeated squaring: exact to a few ULP, as x^2 in losses needs.
    var e = u32(abs(b));
    var base = a;
    var r = 1.0;
    loop {
      if ((e & 1u) == 1u) { r = r * base; }
      e = e >> 1u;
      if (e == 0u) { break; }
      base = base * base;
    }
    if (b < 0.0) { return t_div(1.0, r); }
    return r;
  }
  if (a < 0.0 && !integral && !is_inf(a)) { return f_nan(); }
  // Not at zero: C's pow(-0, 0.5) is +0 (below, exp(-inf)), sqrt(-0) is -0.
  if (b == 0.5 && !is_inf(a) && a != 0.0) { return t_sqrt(a); }
  let r = t_exp(b * t_log(abs(a)));
  let odd = integral && abs(b) < 16777216.0 && (i32(b) & 1) == 1;
  if (a < 0.0 && odd) { return -r; }
  return r;
}

// a - floor(a / b) * b with Python's sign (that of b). The quotient is rounded
// in float32, so the residual is taken exactly with fma and moved by one b
// when the rounding gave it the wrong sign.
// A zero with a's sign, by its bits: the shader compiler does not keep signed zeros through arithmetic.
fn zero_as(a: f32) -> f32 { return bitcast<f32>(bitcast<u32>(a) & 0x80000000u); }

fn t_rem(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b) || b == 0.0 || is_inf(a)) { return f_nan(); }
  // fmod(a, +-inf) is a: kept where a has b's sign (or is 0), else moved by b to b itself.
  if (is_inf(b)) { return select(b, a, a == 0.0 || ((a < 0.0) == (b < 0.0))); }
  var r = t_fmod(a, b);
  // A zero remainder has the dividend's sign, as fmod's (remainder(-0, 2) and remainder(-4, 2) are -0).
  if (r == 0.0) { return zero_as(a); }
  if ((r < 0.0) != (b < 0.0)) { r = r + b; }
  return r;
}

// fmod of r >= 0 by normal y > 0, exactly: long division in binary, each step subtracting the
// largest y * 2^k not above the rest, which is exact (Sterbenz); r - y * floor(r / y) is not once
// the quotient passes 2^24.
fn fmod_pos(r0: f32, y: f32) -> f32 {
  var r = r0;
  let ey = frexp(y).exp;
  for (var i = 0; i < 300 && r >= y; i = i + 1) {
    var d = ldexp(y, frexp(r).exp - ey);
    if (d > r) { d = d * 0.5; }
    r = r - d;
  }
  return r;
}

// A subnormal's value times 2^64, exactly, without subnormal arithmetic (adapters may flush it).
fn subnormal_up64(x: f32) -> f32 { return f32(bitcast<u32>(x) & 0x7fffffu) * 3.8518598887744717e-34; }

// C's fmod of finite a by finite nonzero b. A subnormal b divides at scale 2^64: fmod(a, b) is
// fmod(fmod(a, b * 2^64) * 2^64, b * 2^64) / 2^64.
fn t_fmod(a: f32, b: f32) -> f32 {
  let y = abs(b);
  var r = abs(a);
  if (y >= 1.17549435e-38) {
    r = fmod_pos(r, y);
  } else {
    let ys = subnormal_up64(y);
    if (r >= 1.17549435e-38) { r = fmod_pos(r, ys) * 18446744073709551616.0; } else { r = subnormal_up64(r); }
    r = fmod_pos(r, ys) * 5.421010862427522e-20;
  }
  return select(r, -r, a < 0.0);
}

fn i_pow(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) == 1); }
    return 0;
  }
  var e = u32(b);
  var base = a;
  var r = 1;
  loop {
    if ((e & 1u) == 1u) { r = r * base; }
    e = e >> 1u;
    if (e == 0u) { break; }
    base = base * base;
  }
  return r;
}

fn i_rem(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  var r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) { r = r + b; }
  return r;
}

// float -> int32 truncates toward zero; NaN and inf give 0 as the cpu backend's typed arrays do.
fn f_to_i(x: f32) -> i32 { if (is_nan(x) || is_inf(x)) { return 0; } return i32(x); }
`;
