// Scalar definitions of the elementwise primitives, one functor per op. The
// loops in kernels_impl.inc inline them (and vectorize what vectorizes); the
// semantics follow the cpu backend: int32 arithmetic wraps, float32 math
// runs in float32 as PyTorch's does, NaN propagates through maximum/minimum.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "common.h"

namespace tn {

template <class T>
constexpr bool is_fp = std::is_floating_point<T>::value;

// X-macros: the one list of op names, in the order of their codes (the TS side reads the names from the addon).
#define TN_UNARY_OPS(X)                                                                                            \
  X(neg) X(abs) X(sign) X(relu) X(floor) X(ceil) X(round) X(exp) X(log) X(log1p) X(expm1) X(sqrt) X(rsqrt)       \
  X(reciprocal) X(tanh) X(sigmoid) X(softplus) X(sin) X(cos) X(erf) X(isnan) X(isinf) X(logicalNot)
#define TN_BINARY_OPS(X)                                                                                           \
  X(add) X(sub) X(mul) X(div) X(pow) X(maximum) X(minimum) X(remainder) X(eq) X(ne) X(lt) X(le) X(gt) X(ge)      \
  X(logicalAnd) X(logicalOr) X(logicalXor)
#define TN_REDUCE_OPS(X) X(sum) X(prod) X(amax) X(amin) X(argmax) X(argmin)

#define TN_ENUM(name) U_##name,
enum UnaryOp : int { TN_UNARY_OPS(TN_ENUM) NUM_UNARY };
#undef TN_ENUM
#define TN_ENUM(name) B_##name,
enum BinaryOp : int { TN_BINARY_OPS(TN_ENUM) NUM_BINARY };
#undef TN_ENUM
#define TN_ENUM(name) R_##name,
enum ReduceOp : int { TN_REDUCE_OPS(TN_ENUM) NUM_REDUCE };
#undef TN_ENUM

// Which dtype rule an op follows (mirrors core's op table).
enum Rule { FLOAT_ONLY, SAME_NUMERIC, TO_BOOL };

// ---- conversions (the cast kernel and scalar operands) ----
template <class TO, class TI>
inline TO convert(TI v) {
  if constexpr (std::is_same<TO, uint8_t>::value) return v != 0 ? 1 : 0;  // NaN != 0: true, as JS
  else if constexpr (std::is_same<TO, int32_t>::value && is_fp<TI>) return js_to_int32(double(v));
  else return static_cast<TO>(v);
}

template <class T>
inline T wrap_add(T a, T b) {
  if constexpr (is_fp<T>) return a + b;
  else return static_cast<T>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
template <class T>
inline T wrap_sub(T a, T b) {
  if constexpr (is_fp<T>) return a - b;
  else return static_cast<T>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}
template <class T>
inline T wrap_mul(T a, T b) {
  if constexpr (is_fp<T>) return a * b;
  else return static_cast<T>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}

// ---- unary ----
template <int OP>
struct Unary;
#define TN_UNARY(name, rule, body)              \
  template <>                                   \
  struct Unary<U_##name> {                      \
    static constexpr Rule kRule = rule;         \
    template <class T>                          \
    static inline auto f(T a) { body }          \
  };

TN_UNARY(neg, SAME_NUMERIC, return wrap_sub(T(0), a);)
TN_UNARY(abs, SAME_NUMERIC, if constexpr (is_fp<T>) return std::fabs(a); else if constexpr (std::is_same<T, uint8_t>::value) return a; else return a < 0 ? wrap_sub(T(0), a) : a;)
TN_UNARY(sign, SAME_NUMERIC, return a > 0 ? T(1) : a < 0 ? T(-1) : a;)
TN_UNARY(relu, SAME_NUMERIC, return a < 0 ? T(0) : a;)
TN_UNARY(floor, SAME_NUMERIC, if constexpr (is_fp<T>) return std::floor(a); else return a;)
TN_UNARY(ceil, SAME_NUMERIC, if constexpr (is_fp<T>) return std::ceil(a); else return a;)
TN_UNARY(round, SAME_NUMERIC, if constexpr (is_fp<T>) return std::nearbyint(a); else return a;)  // half to even
TN_UNARY(exp, FLOAT_ONLY, return std::exp(a);)
TN_UNARY(log, FLOAT_ONLY, return std::log(a);)
TN_UNARY(log1p, FLOAT_ONLY, return std::log1p(a);)
TN_UNARY(expm1, FLOAT_ONLY, return std::expm1(a);)
TN_UNARY(sqrt, FLOAT_ONLY, return std::sqrt(a);)
TN_UNARY(rsqrt, FLOAT_ONLY, return T(1) / std::sqrt(a);)
TN_UNARY(reciprocal, FLOAT_ONLY, return T(1) / a;)
TN_UNARY(tanh, FLOAT_ONLY, return std::tanh(a);)
TN_UNARY(sigmoid, FLOAT_ONLY, return T(1) / (T(1) + std::exp(-a));)
TN_UNARY(softplus, FLOAT_ONLY, return a > T(20) ? a : std::log1p(std::exp(a));)
TN_UNARY(sin, FLOAT_ONLY, return std::sin(a);)
TN_UNARY(cos, FLOAT_ONLY, return std::cos(a);)
TN_UNARY(erf, FLOAT_ONLY, return std::erf(a);)
TN_UNARY(isnan, TO_BOOL, return uint8_t(a != a);)
TN_UNARY(isinf, TO_BOOL, if constexpr (is_fp<T>) return uint8_t(std::isinf(a)); else return uint8_t(0);)
TN_UNARY(logicalNot, TO_BOOL, return uint8_t(a == 0);)
#undef TN_UNARY

// ---- binary ----
template <int OP>
struct Binary;
#define TN_BINARY(name, rule, body)             \
  template <>                                   \
  struct Binary<B_##name> {                     \
    static constexpr Rule kRule = rule;         \
    template <class T>                          \
    static inline auto f(T a, T b) { body }     \
  };

template <class T>
inline T nan_max(T a, T b) {
  if constexpr (is_fp<T>) return a != a ? a : b != b ? b : a > b ? a : b;
  else return a > b ? a : b;
}
template <class T>
inline T nan_min(T a, T b) {
  if constexpr (is_fp<T>) return a != a ? a : b != b ? b : a < b ? a : b;
  else return a < b ? a : b;
}
// Python's modulo (sign of the divisor), computed in double as the cpu backend does.
inline double py_mod(double a, double b) { return b == 0 ? std::numeric_limits<double>::quiet_NaN() : a - std::floor(a / b) * b; }

TN_BINARY(add, SAME_NUMERIC, return wrap_add(a, b);)
TN_BINARY(sub, SAME_NUMERIC, return wrap_sub(a, b);)
TN_BINARY(mul, SAME_NUMERIC, return wrap_mul(a, b);)
TN_BINARY(div, FLOAT_ONLY, return a / b;)
TN_BINARY(pow, SAME_NUMERIC, if constexpr (is_fp<T>) return std::pow(a, b); else return js_to_int32(std::pow(double(a), double(b)));)
TN_BINARY(maximum, SAME_NUMERIC, return nan_max(a, b);)
TN_BINARY(minimum, SAME_NUMERIC, return nan_min(a, b);)
TN_BINARY(remainder, SAME_NUMERIC, if constexpr (is_fp<T>) return T(py_mod(double(a), double(b))); else return js_to_int32(py_mod(double(a), double(b)));)
TN_BINARY(eq, TO_BOOL, return uint8_t(a == b);)
TN_BINARY(ne, TO_BOOL, return uint8_t(a != b);)
TN_BINARY(lt, TO_BOOL, return uint8_t(a < b);)
TN_BINARY(le, TO_BOOL, return uint8_t(a <= b);)
TN_BINARY(gt, TO_BOOL, return uint8_t(a > b);)
TN_BINARY(ge, TO_BOOL, return uint8_t(a >= b);)
TN_BINARY(logicalAnd, TO_BOOL, return uint8_t((a != 0) & (b != 0));)
TN_BINARY(logicalOr, TO_BOOL, return uint8_t((a != 0) | (b != 0));)
TN_BINARY(logicalXor, TO_BOOL, return uint8_t((a != 0) != (b != 0));)
#undef TN_BINARY

}  // namespace tn
