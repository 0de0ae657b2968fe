// Op names in the order of their codes in @tensile/kernels-c (core's op table
// order). The TS side reads these names from the addon to build its code map,
// so the codes are defined in one place.
#pragma once
#include "tensile_kernels.h"

#define TN_UNARY_OPS(X)                                                                                            \
  X(neg) X(abs) X(sign) X(relu) X(floor) X(ceil) X(round) X(exp) X(log) X(log1p) X(expm1) X(sqrt) X(rsqrt)       \
  X(reciprocal) X(tanh) X(sigmoid) X(softplus) X(sin) X(cos) X(erf) X(isnan) X(isinf) X(logicalNot)
#define TN_BINARY_OPS(X)                                                                                           \
  X(add) X(sub) X(mul) X(div) X(pow) X(maximum) X(minimum) X(remainder) X(eq) X(ne) X(lt) X(le) X(gt) X(ge)      \
  X(logicalAnd) X(logicalOr) X(logicalXor)
#define TN_REDUCE_OPS(X) X(sum) X(prod) X(amax) X(amin) X(argmax) X(argmin)

namespace tn {
#define TN_COUNT(name) +1
static_assert(0 TN_UNARY_OPS(TN_COUNT) == TN_UNARY_COUNT, "unary op list out of step with kernels-c");
static_assert(0 TN_BINARY_OPS(TN_COUNT) == TN_BINARY_COUNT, "binary op list out of step with kernels-c");
static_assert(0 TN_REDUCE_OPS(TN_COUNT) == TN_REDUCE_COUNT, "reduce op list out of step with kernels-c");
#undef TN_COUNT
}  // namespace tn

namespace tn {
#define TN_NAME(name) #name,
inline const char* const kUnaryNames[] = {TN_UNARY_OPS(TN_NAME)};
inline const char* const kBinaryNames[] = {TN_BINARY_OPS(TN_NAME)};
inline const char* const kReduceNames[] = {TN_REDUCE_OPS(TN_NAME)};
#undef TN_NAME
}  // namespace tn
