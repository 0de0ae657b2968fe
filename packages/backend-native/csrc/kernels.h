// Kernel entry points, on validated arguments (views bounds-checked against
// their storages, shapes agreed). The loops are @tensile/kernels-c, the C
// shared with backend-wasm (including its blocked, packed GEMM), built twice:
// baseline, and 32-byte vectors with AVX2+FMA; the build is picked at load
// from what the CPU has. These wrappers add the thread pool and turn
// kernels-c status codes into Errors.
#pragma once
#include "common.h"
#include "tensile_kernels.h"

namespace tn {

struct Operand {  // a tensor view or a scalar (binary and where operands)
  const View* view;
  double scalar;
};

void unary(int op, const View& x, const View& out);
void binary(int op, Operand a, Operand b, const View& out);
void where(const View& cond, Operand a, Operand b, const View& out);
void copy(const View& x, const View& out);  // converts to out's dtype
void fill(const View& dst, double value);
void reduce(int op, const View& x, const View& out);
void matmul(const View& a, const View& b, const View& out);
void gather(const View& x, const View& index, int dim, const View& out);
void scatter(bool accumulate, const View& dst, const View& index, const View& src, int dim);
void scan(bool prod, const View& x, const View& out);
void sort(const View& x, const View& values, const View& indices, bool descending);
// Fused softmax / log-softmax along the middle axis of contiguous float32 [outer, n, inner] (out may be x).
void softmax(bool log, const View& x, const View& out, int64_t outer, int64_t n, int64_t inner);
// Their gradients from grad and the forward's output, same layout (out may be grad).
void softmax_backward(bool log, const View& g, const View& y, const View& out, int64_t outer, int64_t n, int64_t inner);
// One Adam step in place over contiguous float32 views of one size (max_sq null without amsgrad).
// conv2d (0 forward: a = x, b = w; 1 input grad: a = grad, b = w; 2 weight grad: a = x, b = grad) into out, threaded over images.
void conv2d(int kind, const tn_conv2d_params& p, const View& a, const View& b, const View& out);
// Fused attention (kernels-c's flash attention) on strided views p describes, threaded over batch x heads (mask null without one).
void attention_forward(const tn_attention_params& p, double scale, const View& q, const View& k, const View& v, const View* mask, const View& out, const View& lse);
void attention_backward(const tn_attention_params& p, double scale, const View& g, const View& q, const View& k, const View& v, const View* mask, const View& y,
                        const View& lse, const View& dq, const View& dk, const View& dv);
void adam(const View& param, const View& grad, const View& exp_avg, const View& exp_avg_sq, const View* max_sq, const tn_adam_options& o);
// One SGD step in place over contiguous float32 views of one size (buf null without momentum).
void sgd(const View& param, const View& grad, const View* buf, const tn_sgd_options& o);
// One RMSprop step in place over contiguous float32 views of one size (grad_avg null unless centered, buf null without momentum).
void rmsprop(const View& param, const View& grad, const View& square_avg, const View* grad_avg, const View* buf, const tn_rmsprop_options& o);

bool cpu_has_avx2_fma();
// The ISA in use ("avx2" or "base"); `select_isa` switches ("avx2" only where the CPU has it).
const char* isa();
bool select_isa(const char* name);

}  // namespace tn
