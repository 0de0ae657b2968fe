/*
 * Tensile's shared CPU kernels: one C source for @tensile/backend-wasm
 * (clang --target=wasm32 -msimd128, 16-byte vectors) and
 * @tensile/backend-native (host compiler, 32-byte vectors with AVX2).
 *
 * The API is plain C: base pointers, element counts and element strides.
 * No function allocates: where scratch memory is needed the caller passes a
 * workspace sized by the matching *_workspace() function. No function keeps
 * state between calls, so calls on disjoint outputs may run in parallel.
 *
 * Conventions (see README.md for the full contract):
 *  - dtype codes are TN_F32, TN_F64, TN_I32, TN_BOOL (bool is one byte, 0/1).
 *  - A pointer is the address of the first element of a view (the caller
 *    adds the view's offset). Strides count elements, not bytes, and may be 0
 *    (broadcast) or negative.
 *  - tn_idx is ptrdiff_t: 32-bit in wasm32, 64-bit on 64-bit hosts.
 *  - Functions return TN_OK (0) or a negative TN_E* code; on an error return
 *    no output element has been written.
 */
#ifndef TENSILE_KERNELS_H
#define TENSILE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef ptrdiff_t tn_idx;

/* Version of this API; bumped on any incompatible change. */
#define TN_API_VERSION 1
/* Most dims an N-d elementwise call accepts (after the caller's own reshapes). */
#define TN_MAX_DIMS 16

enum tn_status {
  TN_OK = 0,
  TN_E_DTYPE = -1,    /* op not defined for this dtype combination */
  TN_E_OP = -2,       /* unknown op code */
  TN_E_DIMS = -3,     /* nd > TN_MAX_DIMS */
  TN_E_INDEX = -4     /* an index was out of range (gather/scatter) */
};

/* dtype and op codes (enum tn_dtype, tn_unary_op, tn_binary_op, tn_reduce_op), generated from core's op table. */
#include "tensile_ops.h"

/* ---- elementwise (N-d, strided; dims are merged internally where layouts allow) ---- */

/*
 * out = op(x) over `shape[nd]`. dtype_out is dtype_in, except bool for
 * ISNAN/ISINF/LOGICAL_NOT. Float-only ops (exp .. erf) need a float dtype_in.
 * Semantics follow PyTorch: round is half-to-even, relu keeps NaN, sign(NaN) is 0,
 * softplus is linear above 20.
 */
int tn_unary(int op, int dtype_in, int dtype_out, int nd, const tn_idx *shape,
             const void *x, const tn_idx *x_strides, void *out, const tn_idx *out_strides);

/*
 * out = a op b over `shape[nd]`; a and b share dtype_in (broadcast with stride
 * 0; a scalar is a one-element buffer with all strides 0). dtype_out is dtype_in
 * for arithmetic, bool for comparisons and logical ops. DIV needs a float
 * dtype. Integer arithmetic wraps modulo 2^32; REMAINDER has the sign of b
 * (fmod moved by b, as PyTorch), and is 0 for an integer b == 0. POW is C99 pow.
 * MAXIMUM/MINIMUM propagate NaN.
 * out may alias a or b element for element (in-place ops).
 */
int tn_binary(int op, int dtype_in, int dtype_out, int nd, const tn_idx *shape,
              const void *a, const tn_idx *a_strides, const void *b, const tn_idx *b_strides,
              void *out, const tn_idx *out_strides);

/* out = cond ? a : b; cond is bool, a, b and out have `dtype`. */
int tn_where(int dtype, int nd, const tn_idx *shape, const uint8_t *cond, const tn_idx *cond_strides,
             const void *a, const tn_idx *a_strides, const void *b, const tn_idx *b_strides,
             void *out, const tn_idx *out_strides);

/*
 * out = x converted from dtype_in to dtype_out (also a plain strided copy when
 * they are equal). Float to int truncates toward zero (NaN and out-of-range
 * values give 0, as JavaScript's ToInt32 does for NaN); to bool is x != 0.
 */
int tn_cast(int dtype_in, int dtype_out, int nd, const tn_idx *shape,
            const void *x, const tn_idx *x_strides, void *out, const tn_idx *out_strides);

/* Every element of the strided view set to value (converted as tn_cast does). */
int tn_fill(int dtype, int nd, const tn_idx *shape, void *out, const tn_idx *out_strides, double value);

/* ---- reductions over the middle axis of a contiguous [outer, r, inner] block ---- */

/*
 * out[o * inner + i] = reduce_j x[(o * r + j) * inner + i]; r may be 0 (sum 0,
 * prod 1). SUM/PROD: dtype_in = dtype_out in {f32, f64, i32}; float32 sums
 * keep float64 partial sums. AMAX/AMIN: any dtype, out the same, NaN
 * propagates. ARGMAX/ARGMIN: any dtype in, TN_I32 out, first extreme wins and
 * a NaN counts as the extreme.
 */
int tn_reduce(int op, int dtype_in, int dtype_out, const void *x, tn_idx outer, tn_idx r, tn_idx inner, void *out);

/* ---- matrix product ---- */

/*
 * out[b] = a[b] @ b[b] for b < batch: a is [M, K], b is [K, N] with any
 * strides (batch stride 0 broadcasts), out contiguous [batch, M, N].
 * dtype in {f32, f64, i32}. float32 uses a register- and cache-blocked SIMD
 * kernel that packs its operands into `workspace`, which must hold
 * tn_matmul_workspace(dtype, M, K, N) bytes aligned to 16 (32 on AVX) bytes.
 */
size_t tn_matmul_workspace(int dtype, tn_idx M, tn_idx K, tn_idx N);
int tn_matmul(int dtype, tn_idx batch, tn_idx M, tn_idx K, tn_idx N,
              const void *a, tn_idx a_bs, tn_idx a_rs, tn_idx a_cs,
              const void *b, tn_idx b_bs, tn_idx b_rs, tn_idx b_cs,
              void *out, void *workspace);

/* ---- indexing along one dim ---- */

/*
 * For every position p of `index` (shape index_shape[nd], strides
 * index_strides): out[p] = x[p with p[dim] replaced by index[p]], out
 * contiguous with index's shape. x_strides has nd entries; dim_size is x's
 * size along dim. TN_E_INDEX (nothing written) if an index is outside
 * [0, dim_size).
 */
int tn_gather(int dtype, int nd, const tn_idx *index_shape, int dim, tn_idx dim_size,
              const void *x, const tn_idx *x_strides, const int32_t *index, const tn_idx *index_strides,
              void *out);

/* dst[p with p[dim] = index[p]] = src[p] (accumulate: +=) for every position p of index. */
int tn_scatter(int accumulate, int dtype, int nd, const tn_idx *index_shape, int dim, tn_idx dim_size,
               void *dst, const tn_idx *dst_strides, const int32_t *index, const tn_idx *index_strides,
               const void *src, const tn_idx *src_strides);

/* ---- scans and sort along the middle axis of a contiguous [outer, n, inner] block ---- */

/* Inclusive prefix sum (prod) into out of the same layout; dtype in {f32, f64, i32}; float32 accumulates in float64. */
int tn_cumsum(int dtype, const void *x, tn_idx outer, tn_idx n, tn_idx inner, void *out);
int tn_cumprod(int dtype, const void *x, tn_idx outer, tn_idx n, tn_idx inner, void *out);

/*
 * Stable sort of every line into values (same dtype) and int32 indices, NaN
 * larger than every number. workspace: tn_sort_workspace(n) bytes, 8-aligned.
 */
size_t tn_sort_workspace(tn_idx n);
int tn_sort(int dtype, const void *x, tn_idx outer, tn_idx n, tn_idx inner, int descending,
            void *values, int32_t *indices, void *workspace);

/* ---- fused rows (optional fast paths for composites) ---- */

/*
 * softmax (log_softmax when `log`) along the middle axis of a contiguous
 * float32 [outer, n, inner] block, into out of the same layout (out may be x).
 * Rows (inner == 1) run on vectors. The shift is the max, or 0 where the max
 * is infinite, as core's composite.
 */
int tn_softmax_f32(const float *x, float *out, tn_idx outer, tn_idx n, tn_idx inner, int log);

/*
 * The gradient of softmax, y * (g - sum(g * y)), or of log_softmax,
 * g - exp(y) * sum(g) (when `log`), from the upstream gradient g and the
 * forward's output y, along the middle axis of contiguous float32
 * [outer, n, inner] blocks; out may be g. The sums accumulate in float64 and
 * every other step rounds to float32, as core's composite.
 */
int tn_softmax_backward_f32(const float *g, const float *y, float *out, tn_idx outer, tn_idx n, tn_idx inner, int log);

/* One Adam step's hyperparameters: core's AdamStepOptions with its bias corrections worked out (core's adamBiasCorrections). */
typedef struct {
  double lr, beta1, beta2, eps, weight_decay;
  double step_size;  /* lr / (1 - beta1^step) */
  double bias2_sqrt; /* sqrt(1 - beta2^step) */
  int32_t decoupled, maximize;
} tn_adam_options;

/*
 * One Adam/AdamW step in place over n contiguous float32 elements of param,
 * exp_avg, exp_avg_sq and, with amsgrad, max_exp_avg_sq (else NULL), op by op
 * in float32 as core's composite (the scalars rounded to float32, as the
 * binary kernels take them).
 */
int tn_adam_f32(float *param, const float *grad, float *exp_avg, float *exp_avg_sq, float *max_exp_avg_sq, tn_idx n, const tn_adam_options *o);

/* One SGD step's hyperparameters (@tensile/optim's SGDStepOptions). */
typedef struct {
  double lr, momentum, dampening, weight_decay;
  int32_t nesterov, maximize;
  int32_t first; /* the momentum buffer's first step: it becomes the gradient (PyTorch's clone) */
} tn_sgd_options;

/*
 * One SGD step in place over n contiguous float32 elements of param and, with
 * momentum, momentum_buffer (else NULL), op by op in float32 as
 * @tensile/optim's composite.
 */
int tn_sgd_f32(float *param, const float *grad, float *momentum_buffer, tn_idx n, const tn_sgd_options *o);

/* One RMSprop step's hyperparameters (@tensile/optim's RMSpropStepOptions). */
typedef struct {
  double lr, alpha, eps, weight_decay, momentum;
  int32_t maximize;
} tn_rmsprop_options;

/*
 * One RMSprop step in place over n contiguous float32 elements of param,
 * square_avg, grad_avg (centered, else NULL) and momentum_buffer (momentum > 0,
 * else NULL), op by op in float32 as @tensile/optim's composite.
 */
int tn_rmsprop_f32(float *param, const float *grad, float *square_avg, float *grad_avg, float *momentum_buffer, tn_idx n, const tn_rmsprop_options *o);

/* ---- 2-D convolution (conv1d is H = 1) on contiguous NCHW tensors ---- */

/* The shapes and options of one convolution: input [n, c, h, w], weight [o, c / groups, kh, kw], output [n, o, oh, ow]. */
typedef struct {
  tn_idx n, c, h, w;
  tn_idx o, kh, kw;
  tn_idx oh, ow;
  tn_idx groups;
  tn_idx stride_h, stride_w, pad_h, pad_w, dil_h, dil_w;
} tn_conv2d_params;

/*
 * Bytes of workspace (aligned to TN_VECTOR_BYTES) that one call of any of the three conv
 * functions needs, for any image range (0 for float64, pass NULL). dtype f32 or f64.
 */
size_t tn_conv2d_workspace(int dtype, const tn_conv2d_params *p);

/*
 * y[n] = conv2d(x[n], w) for images n in [n0, n1) (pad_h / pad_w zeros before
 * the first row / column; oh / ow set how far the windows go, so an
 * asymmetric 'same' padding is the caller's choice of oh and ow). float32 is an
 * implicit GEMM over packed panels of the im2col columns (never the whole
 * column matrix), accumulating in float32; float64 runs direct loops.
 */
int tn_conv2d_forward(int dtype, const tn_conv2d_params *p, tn_idx n0, tn_idx n1, const void *x, const void *w, void *y, void *workspace);

/* gx[n] (overwritten) = the gradient of y[n] = conv2d(x[n], w) with respect to x[n], from grad = dL/dy, for n in [n0, n1). */
int tn_conv2d_input_grad(int dtype, const tn_conv2d_params *p, tn_idx n0, tn_idx n1, const void *grad, const void *w, void *gx, void *workspace);

/*
 * gw (+)= sum over n in [n0, n1) of the gradient of conv2d(x[n], w) with
 * respect to w, from grad = dL/dy; with accumulate 0 gw is overwritten.
 */
int tn_conv2d_weight_grad(int dtype, const tn_conv2d_params *p, tn_idx n0, tn_idx n1, const void *x, const void *grad, void *gw, int accumulate,
                          void *workspace);

/* ---- fused scaled-dot-product attention (flash attention: key tiles, online softmax) ---- */

/* The operands of the attention kernels: the row of each one's strides in tn_attention_params. */
enum tn_attention_operand {
  TN_ATTN_Q, TN_ATTN_K, TN_ATTN_V, TN_ATTN_MASK, TN_ATTN_OUT, TN_ATTN_LSE, TN_ATTN_GRAD, TN_ATTN_DQ, TN_ATTN_DK, TN_ATTN_DV, TN_ATTN_OPERANDS
};
/* How the mask operand is read: none, bool (nonzero = may attend), or a float bias of the query's dtype. */
enum tn_attention_mask { TN_ATTN_MASK_NONE, TN_ATTN_MASK_BOOL, TN_ATTN_MASK_FLOAT };

/*
 * One attention call: nb batch dims of sizes batch[], then queries q [..., l, e], keys k [..., s, e],
 * values v [..., s, ev], mask [..., l, s], out [..., l, ev], lse [..., l] and the gradients at their
 * operands' shapes. Every operand is strided (broadcast batch dims have stride 0): strides[operand]
 * lists its batch dims' strides, then its rows' (lse: nb + 1 entries, the others nb + 2).
 */
typedef struct {
  tn_idx nb;          /* at most TN_MAX_DIMS - 2 */
  tn_idx l, s, e, ev;
  tn_idx causal;      /* nonzero: query i does not see keys j > i (top-left aligned) */
  tn_idx mask;        /* enum tn_attention_mask */
  tn_idx batch[TN_MAX_DIMS];
  tn_idx strides[TN_ATTN_OPERANDS][TN_MAX_DIMS];
} tn_attention_params;

/* Bytes of workspace one forward (backward 0) or backward (1) call needs for any batch range; dtype f32 or f64. */
size_t tn_attention_workspace(int dtype, const tn_attention_params *p, int backward);

/*
 * out = softmax((q * scale) k^T masked) v and lse = the log-sum-exp of each masked score row, for
 * flat batch indices [b0, b1). Keys go in tiles with a running max and sum (online softmax), so no
 * l x s scores exist: the workspace is O(tile + e + ev). A row with nothing to attend to gives a
 * zero output and lse -inf (PyTorch's safe softmax). q * scale is rounded to the dtype and each
 * score too, as the composite's mul and matmul; the rest accumulates in float64.
 */
int tn_attention_forward(int dtype, const tn_attention_params *p, double scale, tn_idx b0, tn_idx b1, const void *q, const void *k, const void *v,
                         const void *mask, void *out, void *lse, void *workspace);

/*
 * dq, dk, dv (overwritten) of the forward above from grad = dL/dout, its out and lse, for flat batch
 * indices [b0, b1): each probability is recomputed as exp(score - lse), never stored; with
 * D = rowsum(grad * out), ds = p (grad . v - D), dq = ds k scale, dk = ds^T q scale, dv = p^T grad.
 * The workspace holds one batch's dk and dv in float64: O(s (e + ev)), never l x s.
 */
int tn_attention_backward(int dtype, const tn_attention_params *p, double scale, tn_idx b0, tn_idx b1, const void *grad, const void *q, const void *k,
                          const void *v, const void *mask, const void *out, const void *lse, void *dq, void *dk, void *dv, void *workspace);

#ifdef __cplusplus
}
#endif
#endif
