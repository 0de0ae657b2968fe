// Kernel entry points. The compute-heavy families (elementwise, reductions,
// matmul) are compiled twice from kernels_impl.inc: once for the baseline ISA
// and once with AVX2+FMA; `active()` picks one at load from what the CPU has.
// Arguments are already validated (views bounds-checked, shapes and dtypes agreed).
#pragma once
#include "common.h"

namespace tn {

struct Operand {  // a tensor view or a scalar (binary and where operands)
  const View* view;
  double scalar;
};

struct KernelSet {
  const char* isa;
  void (*unary)(int op, const View& x, const View& out);
  void (*binary)(int op, Operand a, Operand b, const View& out);
  void (*where)(const View& cond, Operand a, Operand b, const View& out);
  void (*cast)(const View& x, const View& out);
  void (*fill)(const View& dst, double value);
  void (*reduce)(int op, const View& x, const View& out);
  void (*matmul)(const View& a, const View& b, const View& out);
};

#define TN_DECLARE_KERNELS(ns)                                              \
  namespace ns {                                                            \
  void unary(int op, const View& x, const View& out);                       \
  void binary(int op, Operand a, Operand b, const View& out);               \
  void where(const View& cond, Operand a, Operand b, const View& out);      \
  void cast(const View& x, const View& out);                                \
  void fill(const View& dst, double value);                                 \
  void reduce(int op, const View& x, const View& out);                      \
  void matmul(const View& a, const View& b, const View& out);               \
  }
TN_DECLARE_KERNELS(base)
TN_DECLARE_KERNELS(avx2)
#undef TN_DECLARE_KERNELS

bool cpu_has_avx2_fma();
// The set in use; `select_isa` switches it ("avx2" only where the CPU has it). Returns false if refused.
const KernelSet& active();
bool select_isa(const char* name);

// Families that do not vectorize (data-dependent addressing): one build.
void gather(const View& x, const View& index, int dim, const View& out);
void scatter(bool accumulate, const View& dst, const View& index, const View& src, int dim);
void scan(bool prod, const View& x, const View& out);
void sort(const View& x, const View& values, const View& indices, bool descending);

}  // namespace tn
