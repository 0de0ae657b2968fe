/*
 * float32 vector math. Polynomials are Cephes' (S. Moshier), about 1 ulp;
 * log1p and expm1 use Goldberg's and Kahan's corrections on top of log and
 * exp, so they stay accurate near 0 without separate polynomials.
 */
#include "internal.h"

vf tn_vlogf(vf x) {
  vi tiny = (x < 1.17549435e-38f) & (x > 0.0f);
  vf xs = vselect(tiny, x * 8388608.0f, x);
  vi bits = vbits_i(xs);
  vi e = ((bits >> 23) & 0xff) - 126 - (tiny & 23);
  vf r = tn_log_reduced(vbits_f((bits & 0x007fffff) | 0x3f000000), __builtin_convertvector(e, vf));
  /* Outside (0, inf): log 0 = -inf, log inf = inf, negative or NaN gives NaN. */
  vf special = vselect(x == 0.0f, vsplat(-__builtin_inff()), vselect(x == __builtin_inff(), x, vsplat(__builtin_nanf(""))));
  return vselect((x > 0.0f) & (x < __builtin_inff()), r, special);
}

vf tn_vlog1pf(vf x) {
  vf w = 1.0f + x;
  /* log(w) * x / (w - 1) cancels the rounding of 1 + x (Goldberg). */
  vf r = vselect(w == 1.0f, x, tn_vlogf(w) * (x / (w - 1.0f)));
  return vselect(x == __builtin_inff(), x, r);
}

vf tn_vexpm1f(vf x) {
  vf u = tn_vexpf(x);
  vf um1 = u - 1.0f;
  /* (u - 1) * x / log(u) cancels the rounding of exp (Kahan). */
  vf r = vselect(u == 1.0f, x, vselect(um1 == -1.0f, vsplat(-1.0f), um1 * (x / tn_vlogf(u))));
  return vselect(u == __builtin_inff(), u, r);
}

vf tn_vtanhf(vf x) {
  vf ax = vabs(x);
  vf z = x * x;
  vf small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z - 3.33332819422e-1f) * z * x + x;
  vf big = vcopysign(1.0f - 2.0f / (tn_vexpf(ax + ax) + 1.0f), x);
  /* tanh is odd: the sign of x, so tanh(-0) is -0 as PyTorch's (the polynomial rounds it to +0). */
  return vcopysign(vselect(ax < 0.625f, small, big), x);
}

/* erfc(x) for x >= 2.5 by its continued fraction (1 - erf(x) would cancel there). */
static double tn_erfc_tail(double x) {
  if (x > 27) return 0;
  double f = x;
  for (int k = 60; k >= 1; k--) f = x + k / 2.0 / f;
  return tn_exp(-x * x) / 1.7724538509055160 / f; /* sqrt(pi) */
}

/* erf to double precision: Taylor series near 0, a continued fraction for erfc in the tails (as backend-cpu). */
double tn_erf(double x) {
  if (x != x || x == 0) return x; /* erf(-0) is -0: the series' first step rounds it to +0 */
  double ax = x < 0 ? -x : x;
  if (ax < 2.5) {
    double x2 = x * x, term = x, sum = x;
    for (int n = 1; n < 100; n++) {
      term *= -x2 / n;
      double add = term / (2 * n + 1);
      sum += add;
      double aa = add < 0 ? -add : add, as = sum < 0 ? -sum : sum;
      if (aa < 1e-17 * as) break;
    }
    return 1.1283791670955126 * sum; /* 2 / sqrt(pi) */
  }
  if (ax > 6) return x > 0 ? 1 : -1;
  double erfc = tn_erfc_tail(ax);
  return x > 0 ? 1 - erfc : erfc - 1;
}

/* erfinv as backend-cpu: Giles' single-precision approximation, then Newton steps on erf(x) = |y|
 * (on log(erfc(x)) = log(1 - |y|) above 0.5). */
double tn_erfinv(double y) {
  if (!(y >= -1 && y <= 1)) return __builtin_nan("");
  if (y == 0) return y;
  double a = y < 0 ? -y : y;
  if (a == 1) return y * __builtin_inf();
  static const double lo[] = {3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941};
  static const double hi[] = {0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682};
  double w = -tn_log((1 - a) * (1 + a)), p;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (int i = 0; i < 8; i++) p = lo[i] + p * w;
  } else {
    w = tn_sqrt(w) - 3;
    p = -0.000200214257;
    for (int i = 0; i < 8; i++) p = hi[i] + p * w;
  }
  double x = p * a;
  for (int i = 0; i < 3; i++) {
    double slope = 1.1283791670955126 * tn_exp(-x * x); /* 2 / sqrt(pi) */
    if (a <= 0.5) x -= (tn_erf(x) - a) / slope;
    else {
      double c = x < 2.5 ? 1 - tn_erf(x) : tn_erfc_tail(x);
      x += (tn_log(c) - tn_log(1 - a)) * c / slope;
    }
  }
  return y < 0 ? -x : x;
}

/* sin(pi x) and cos(pi x) with the argument reduced exactly (x - n is exact for the nearest integer n), as backend-cpu. */
static double tn_sinpi(double x) {
  double n = __builtin_floor(x + 0.5);
  double s = tn_sin(3.141592653589793 * (x - n));
  return n - 2 * __builtin_floor(n / 2) == 0 ? s : -s;
}
static double tn_cospi(double x) {
  double n = __builtin_floor(x + 0.5);
  double c = tn_cos(3.141592653589793 * (x - n));
  return n - 2 * __builtin_floor(n / 2) == 0 ? c : -c;
}

/* log|Gamma(x)| as backend-cpu: Lanczos (g = 7, 9 terms) for x >= 0.5, the reflection below; +inf at the poles and +-inf. */
double tn_lgamma(double x) {
  if (x != x) return x;
  if (x == __builtin_inf() || x == -__builtin_inf()) return __builtin_inf();
  if (x <= 0 && __builtin_floor(x) == x) return __builtin_inf();
  if (x == 1 || x == 2) return 0;
  if (x < 0.5) {
    double s = tn_sinpi(x);
    return tn_log(3.141592653589793 / (s < 0 ? -s : s)) - tn_lgamma(1 - x);
  }
  static const double c[] = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                             12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
  double z = x - 1, a = c[0];
  for (int i = 1; i < 9; i++) a += c[i] / (z + i);
  double t = z + 7.5;
  return 0.9189385332046728 + (z + 0.5) * tn_log(t) - t + tn_log(a);
}

/* digamma as backend-cpu: recurrence up to x >= 10, asymptotic series, reflection for x < 0. */
double tn_digamma(double x) {
  if (x != x) return x;
  if (x == __builtin_inf()) return x;
  if (x == 0) return -1 / x;
  if (x < 0) {
    if (__builtin_floor(x) == x) return __builtin_nan("");
    return tn_digamma(1 - x) - 3.141592653589793 * tn_cospi(x) / tn_sinpi(x);
  }
  double r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  double z = 1 / (x * x);
  return r + tn_log(x) - 0.5 / x - z * (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z / 12))))));
}

/* trigamma (polygamma(1, x)) as backend-cpu. */
double tn_trigamma(double x) {
  if (x != x) return x;
  if (x == __builtin_inf()) return 0;
  if (x <= 0 && __builtin_floor(x) == x) return x == -__builtin_inf() ? __builtin_nan("") : __builtin_inf();
  if (x < 0) {
    double s = 3.141592653589793 / tn_sinpi(x);
    return s * s - tn_trigamma(1 - x);
  }
  double r = 0;
  while (x < 10) {
    r += 1 / (x * x);
    x += 1;
  }
  double z = 1 / (x * x);
  return r + 1 / x + z / 2 + (z / x) * (1.0 / 6 - z * (1.0 / 30 - z * (1.0 / 42 - z * (1.0 / 30 - z * (5.0 / 66 - z * (691.0 / 2730 - z * (7.0 / 6)))))));
}
