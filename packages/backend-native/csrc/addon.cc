// Node-API bindings. Hot entry points are raw N-API callbacks that take no JS
// arguments: the kernel's arguments are in the parameter block (a Float64Array
// the addon allocated itself, so no external ArrayBuffer is involved), and the
// status goes back in its slot 0 (0 = ok, else an ErrKind; `lastError()` has
// the message). Nothing a caller writes there can make a kernel touch memory
// outside a live storage: every view is bounds-checked in Args.
#define NODE_ADDON_API_DISABLE_DEPRECATED
#define NAPI_DISABLE_CPP_EXCEPTIONS
#include <napi.h>

#include <cstring>
#include <string>
#include <vector>

#include "args.h"
#include "generated/calls.h"
#include "kernels.h"
#include "pool.h"

namespace tn {
namespace {

constexpr size_t PARAMS_LEN = 1024;

struct Instance {
  Allocator alloc;
  double* params = nullptr;
  Napi::Reference<Napi::Float64Array> paramsRef;
  int lastKind = E_OK;
  std::string lastError;
};

Instance* instance_of(napi_env env, napi_callback_info info, size_t* argc = nullptr, napi_value* argv = nullptr) {
  void* data = nullptr;
  napi_get_cb_info(env, info, argc, argv, nullptr, &data);
  return static_cast<Instance*>(data);
}

// Runs body, converting a thrown Error into the status slot. Never lets a C++ exception reach N-API.
template <class Body>
napi_value guarded(Instance* in, Body body) {
  try {
    in->params[0] = E_OK;
    return body();
  } catch (const Error& e) {
    in->lastKind = e.kind;
    in->lastError = e.msg;
  } catch (const std::bad_alloc&) {
    in->lastKind = E_VALUE;
    in->lastError = "out of memory";
  } catch (...) {
    in->lastKind = E_VALUE;
    in->lastError = "internal error in the native backend";
  }
  in->params[0] = in->lastKind;
  return nullptr;
}

bool contiguous(const View& v) {
  if (v.numel == 0) return true;
  int64_t expect = 1;
  for (int d = v.nd - 1; d >= 0; d--) {
    if (v.shape[d] != 1 && v.strides[d] != expect) return false;
    expect *= v.shape[d];
  }
  return true;
}

void require_contiguous(const char* op, const char* what, const View& v) {
  if (!contiguous(v)) fail(E_VALUE, std::string(op) + ": expected " + what + " to be contiguous");
}

void require_ndim(const char* op, const char* what, const View& v, int nd) {
  if (v.nd != nd) fail(E_SHAPE, std::string(op) + ": expected " + what + " to be " + std::to_string(nd) + "-d, got shape " + shape_str(v));
}

// ---- kernels: each entry point reads its declared fields (generated/calls.h), then run() checks the rest ----

template <class Call, Call (*Read)(Args&)>
napi_value entry(napi_env env, napi_callback_info info) {
  Instance* in = instance_of(env, info);
  return guarded(in, [&]() -> napi_value {
    Args a(in->params + 1, PARAMS_LEN - 1, in->alloc);
    // The call's scratch counts toward peakBytes (as the wasm backend counts its workspace), even when it fails.
    struct NoteScratch {
      Allocator& alloc;
      ~NoteScratch() { alloc.note_kernel_memory(take_scratch_peak()); }
    } note{in->alloc};
    run(Read(a));
    return nullptr;
  });
}

// A binary/where operand, which must have out's shape and the dtype of the first tensor operand.
Operand operand(const char* op, const char* what, const TensorOrScalar& x, const View& out, int* dtype) {
  if (!x.is_tensor) return Operand{nullptr, x.scalar};
  if (*dtype < 0) *dtype = x.view.dtype;
  else require_dtype(op, what, x.view, *dtype);
  require_same_shape(op, x.view, out);
  return Operand{&x.view, 0};
}

// Shape rules shared by gather and scatter: core hands every operand the same rank >= 1.
void check_index_shape(const char* op, const View& self, const View& index, int dim, const View* src) {
  require_dtype(op, "index", index, I32);
  if (index.nd != self.nd || index.nd == 0 || (src != nullptr && src->nd != index.nd))
    fail(E_SHAPE, std::string(op) + ": index " + shape_str(index) + " must have the rank (at least 1) of input " + shape_str(self) + (src ? " and src " + shape_str(*src) : ""));
  if (dim < 0 || dim >= self.nd) fail(E_VALUE, std::string(op) + ": dim " + std::to_string(dim) + " out of range");
  for (int d = 0; d < index.nd; d++) {
    if (d != dim && index.shape[d] > self.shape[d])
      fail(E_SHAPE, std::string(op) + ": index " + shape_str(index) + " is larger than input " + shape_str(self) + " apart from dim " + std::to_string(dim));
    if (src != nullptr && index.shape[d] > src->shape[d])
      fail(E_SHAPE, std::string(op) + ": index " + shape_str(index) + " is larger than src " + shape_str(*src));
  }
}

using NamedViews = std::initializer_list<std::pair<const char*, const View*>>;

// Contiguous float32 views, all of the first one's shape (the fused kernels' operands).
void require_f32_alike(const char* name, NamedViews views) {
  const View& first = *views.begin()->second;
  for (const auto& [what, v] : views) {
    require_same_shape(name, first, *v);
    require_contiguous(name, what, *v);
    require_dtype(name, what, *v, F32);
  }
}

// ... that [outer, n, inner] covers exactly.
void require_lines(const char* name, int64_t outer, int64_t n, int64_t inner, NamedViews views) {
  require_f32_alike(name, views);
  const View& first = *views.begin()->second;
  if (__int128(outer) * n * inner != first.numel) fail(E_SHAPE, std::string(name) + ": [outer, n, inner] does not cover input " + shape_str(first));
}

}  // namespace

void run(const UnaryCall& c) {
  require_same_shape(c.name, c.input, c.out);
  unary(c.op, c.input, c.out);  // kernels-c rejects dtype combinations it does not define, before writing
}

void run(const BinaryCall& c) {
  int dt = -1;
  const Operand x = operand(c.name, "input", c.input, c.out, &dt);
  const Operand y = operand(c.name, "other", c.other, c.out, &dt);
  if (dt < 0) fail(E_VALUE, std::string(c.name) + ": needs at least one tensor operand");
  binary(c.op, x, y, c.out);
}

void run(const WhereCall& c) {
  require_dtype(c.name, "condition", c.condition, BOOL);
  require_same_shape(c.name, c.condition, c.out);
  int dt = -1;
  const Operand x = operand(c.name, "input", c.input, c.out, &dt);
  const Operand y = operand(c.name, "other", c.other, c.out, &dt);
  if (dt >= 0) require_dtype(c.name, "out", c.out, dt);
  where(c.condition, x, y, c.out);
}

void run(const CopyCall& c) {
  require_same_shape(c.name, c.source, c.destination);
  copy(c.source, c.destination);
}

void run(const FillCall& c) { fill(c.destination, c.value); }

void run(const ReduceCall& c) {
  const char* name = c.name;
  const View &x = c.input, &out = c.out;
  require_ndim(name, "input", x, 3);
  require_ndim(name, "out", out, 2);
  require_contiguous(name, "input", x);
  require_contiguous(name, "out", out);
  if (x.shape[0] != out.shape[0] || x.shape[2] != out.shape[1])
    fail(E_SHAPE, std::string(name) + ": out " + shape_str(out) + " does not match input " + shape_str(x) + " reduced over dim 1");
  if (c.op == TN_SUM || c.op == TN_PROD) {
    if (x.dtype == BOOL) fail(E_DTYPE, std::string(name) + ": bool input must be cast to int32 first");
    require_dtype(name, "out", out, x.dtype);
  } else {
    require_dtype(name, "out", out, c.op == TN_ARGMAX || c.op == TN_ARGMIN ? I32 : x.dtype);
    if (x.shape[1] == 0 && out.numel > 0) fail(E_INDEX, std::string(name) + ": Expected reduction dim to have non-zero size");
  }
  reduce(c.op, x, out);
}

void run(const MatmulCall& c) {
  const View &x = c.input, &y = c.other, &out = c.out;
  require_ndim("matmul", "input", x, 3);
  require_ndim("matmul", "other", y, 3);
  require_ndim("matmul", "out", out, 3);
  require_contiguous("matmul", "out", out);
  if (x.shape[0] != y.shape[0] || x.shape[2] != y.shape[1] || out.shape[0] != x.shape[0] || out.shape[1] != x.shape[1] || out.shape[2] != y.shape[2])
    fail(E_SHAPE, "matmul: shapes " + shape_str(x) + " x " + shape_str(y) + " -> " + shape_str(out) + " do not agree");
  // A K longer than both operands' storages repeats elements along K in both: never a real product, only a very long loop.
  // (An empty output does no work at all, whatever K is.)
  const bool work = x.shape[0] > 0 && x.shape[1] > 0 && y.shape[2] > 0;
  if (work && x.shape[2] > x.storage_size && x.shape[2] > y.storage_size) fail(E_VALUE, "matmul: inner dimension exceeds both operands' storage");
  require_dtype("matmul", "other", y, x.dtype);
  require_dtype("matmul", "out", out, x.dtype);
  matmul(x, y, out);
}

void run(const GatherCall& c) {
  check_index_shape(c.name, c.input, c.index, c.dim, nullptr);
  require_same_shape(c.name, c.index, c.out);
  require_contiguous(c.name, "out", c.out);
  require_dtype(c.name, "out", c.out, c.input.dtype);
  gather(c.input, c.index, c.dim, c.out);
}

void run(const ScatterCall& c) {
  const char* name = c.name;
  const View &dst = c.self, &index = c.index, &src = c.src;
  check_index_shape(name, dst, index, c.dim, &src);
  // Broadcast index and src may each repeat along the other's dims (the gradient of a sum over
  // windows scatters an expanded gradient through an expanded window table), and both may repeat
  // along a dim the destination has (indexSelect's gradient of a mean: an expanded scalar through
  // an index expanded over the batch), so the bound is what the three storages can pair up: only
  // a malformed view, huge over tiny storages, passes it.
  const double pairs = double(index.storage_size) * double(src.storage_size) * double(dst.storage_size > 0 ? dst.storage_size : 1);
  if (double(index.numel) > pairs)
    fail(E_VALUE, std::string(name) + ": index has more positions than any storage behind it");
  require_dtype(name, "src", src, dst.dtype);
  scatter(c.accumulate, dst, index, src, c.dim);
}

void run(const ScanCall& c) {
  const char* name = c.name;
  require_ndim(name, "input", c.input, 3);
  require_same_shape(name, c.input, c.out);
  require_contiguous(name, "input", c.input);
  require_contiguous(name, "out", c.out);
  if (c.input.dtype == BOOL) fail(E_DTYPE, std::string(name) + ": bool input must be cast to int32 first");
  require_dtype(name, "out", c.out, c.input.dtype);
  scan(c.prod, c.input, c.out);
}

void run(const SortCall& c) {
  const View& x = c.input;
  require_ndim("sort", "input", x, 3);
  require_same_shape("sort", x, c.values);
  require_same_shape("sort", x, c.indices);
  require_contiguous("sort", "input", x);
  require_contiguous("sort", "values", c.values);
  require_contiguous("sort", "indices", c.indices);
  require_dtype("sort", "values", c.values, x.dtype);
  require_dtype("sort", "indices", c.indices, I32);
  if (x.shape[1] > 2147483647) fail(E_VALUE, "sort: dimension too long for int32 indices");
  sort(x, c.values, c.indices, c.descending);
}

void run(const SoftmaxCall& c) {
  require_lines(c.name, c.outer, c.n, c.inner, {{"input", &c.input}, {"out", &c.out}});
  if (c.input.numel > 0) softmax(c.log, c.input, c.out, c.outer, c.n, c.inner);
}

void run(const SoftmaxBackwardCall& c) {
  require_lines(c.name, c.outer, c.n, c.inner, {{"grad", &c.grad}, {"output", &c.output}, {"out", &c.out}});
  if (c.output.numel > 0) softmax_backward(c.log, c.grad, c.output, c.out, c.outer, c.n, c.inner);
}

void run(const AdamCall& c) {
  const View& mx = c.amsgrad ? c.maxExpAvgSq : c.param;
  require_f32_alike(c.name, {{"param", &c.param}, {"grad", &c.grad}, {"expAvg", &c.expAvg}, {"expAvgSq", &c.expAvgSq}, {"maxExpAvgSq", &mx}});
  const tn_adam_options o{c.lr, c.beta1, c.beta2, c.eps, c.weightDecay, c.stepSize, c.bias2Sqrt, int32_t(c.decoupled), int32_t(c.maximize)};
  if (c.param.numel > 0) adam(c.param, c.grad, c.expAvg, c.expAvgSq, c.amsgrad ? &c.maxExpAvgSq : nullptr, o);
}

void run(const SgdCall& c) {
  const View& buf = c.hasMomentum ? c.momentumBuffer : c.param;
  require_f32_alike(c.name, {{"param", &c.param}, {"grad", &c.grad}, {"momentumBuffer", &buf}});
  const tn_sgd_options o{c.lr, c.momentum, c.dampening, c.weightDecay, int32_t(c.nesterov), int32_t(c.maximize), int32_t(c.first)};
  if (c.param.numel > 0) sgd(c.param, c.grad, c.hasMomentum ? &c.momentumBuffer : nullptr, o);
}

void run(const RmspropCall& c) {
  const View& ga = c.centered ? c.gradAvg : c.param;
  const View& buf = c.hasMomentum ? c.momentumBuffer : c.param;
  require_f32_alike(c.name, {{"param", &c.param}, {"grad", &c.grad}, {"squareAvg", &c.squareAvg}, {"gradAvg", &ga}, {"momentumBuffer", &buf}});
  const tn_rmsprop_options o{c.lr, c.alpha, c.eps, c.weightDecay, c.momentum, int32_t(c.maximize)};
  if (c.param.numel > 0) rmsprop(c.param, c.grad, c.squareAvg, c.centered ? &c.gradAvg : nullptr, c.hasMomentum ? &c.momentumBuffer : nullptr, o);
}

namespace {

// conv2d's operands: contiguous 4-D NCHW of one float dtype whose shapes agree with the options.
template <class C>
tn_conv2d_params conv_params(const C& c, const View& x, const View& w, const View& y, std::initializer_list<std::pair<const char*, const View*>> views) {
  const View& first = *views.begin()->second;
  for (const auto& [what, v] : views) {
    if (v->nd != 4) fail(E_SHAPE, std::string(c.name) + ": " + what + " must be 4-D, got " + shape_str(*v));
    require_contiguous(c.name, what, *v);
    require_dtype(c.name, what, *v, first.dtype);
  }
  if (first.dtype != F32 && first.dtype != F64) fail(E_DTYPE, std::string(c.name) + ": expects float32 or float64 tensors");
  tn_conv2d_params p{x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0], w.shape[2], w.shape[3], y.shape[2], y.shape[3],
                     int64_t(c.groups), int64_t(c.strideH), int64_t(c.strideW), int64_t(c.padH), int64_t(c.padW), int64_t(c.dilationH), int64_t(c.dilationW)};
  const bool ok = p.groups >= 1 && p.stride_h >= 1 && p.stride_w >= 1 && p.dil_h >= 1 && p.dil_w >= 1 && p.c % p.groups == 0 && p.o % p.groups == 0 &&
                  w.shape[1] * p.groups == p.c && y.shape[0] == p.n && y.shape[1] == p.o && p.kh >= 1 && p.kw >= 1;
  if (!ok) fail(E_SHAPE, std::string(c.name) + ": shapes input " + shape_str(x) + ", weight " + shape_str(w) + ", output " + shape_str(y) + " do not make a convolution");
  return p;
}

}  // namespace

void run(const Conv2dCall& c) {
  const tn_conv2d_params p = conv_params(c, c.input, c.weight, c.out, {{"input", &c.input}, {"weight", &c.weight}, {"out", &c.out}});
  if (c.out.numel > 0) conv2d(0, p, c.input, c.weight, c.out);
}

void run(const Conv2dInputGradCall& c) {
  const tn_conv2d_params p = conv_params(c, c.out, c.weight, c.grad, {{"grad", &c.grad}, {"weight", &c.weight}, {"out", &c.out}});
  if (c.out.numel > 0) conv2d(1, p, c.grad, c.weight, c.out);
}

void run(const Conv2dWeightGradCall& c) {
  const tn_conv2d_params p = conv_params(c, c.input, c.out, c.grad, {{"input", &c.input}, {"grad", &c.grad}, {"out", &c.out}});
  if (c.out.numel > 0) conv2d(2, p, c.input, c.grad, c.out);
}

namespace {

// One attention operand: its tn_attention_operand code, name in messages, and view.
struct AttentionOperand {
  int code;
  const char* what;
  const View* view;
};

// The views as core's composite passes them (the user's shapes it has checked already): q [..., L, E],
// k [..., S, E], v [..., S, Ev], mask [..., L, S], out and grad [..., L, Ev], lse [..., L], dq/dk/dv as
// q/k/v, all at q's batch shape and float dtype (a bool mask aside); any strides.
tn_attention_params attention_params(const char* op, bool causal, const View* mask, bool boolMask, std::vector<AttentionOperand> operands) {
  if (mask != nullptr) operands.push_back({TN_ATTN_MASK, "mask", mask});
  const View& q = *operands[0].view;
  const View& v = *operands[2].view;
  const int nb = q.nd - 2;
  if (nb < 0) fail(E_SHAPE, std::string(op) + ": expected query of at least 2 dims, got " + shape_str(q));
  if (q.dtype != F32 && q.dtype != F64) fail(E_DTYPE, std::string(op) + ": expects float32 or float64 tensors, got query " + dtype_name(q.dtype));
  if (v.nd != q.nd) fail(E_SHAPE, std::string(op) + ": query " + shape_str(q) + " and value " + shape_str(v) + " differ in rank");
  tn_attention_params p{};
  p.nb = nb;
  p.l = q.shape[nb];
  p.e = q.shape[nb + 1];
  p.s = v.shape[nb];
  p.ev = v.shape[nb + 1];
  p.causal = causal ? 1 : 0;
  p.mask = mask == nullptr ? TN_ATTN_MASK_NONE : boolMask ? TN_ATTN_MASK_BOOL : TN_ATTN_MASK_FLOAT;
  for (int d = 0; d < nb; d++) p.batch[d] = q.shape[d];
  for (const AttentionOperand& o : operands) {
    int64_t rows[2];
    int nr = 2;
    switch (o.code) {
      case TN_ATTN_Q: case TN_ATTN_DQ: rows[0] = p.l, rows[1] = p.e; break;
      case TN_ATTN_K: case TN_ATTN_DK: rows[0] = p.s, rows[1] = p.e; break;
      case TN_ATTN_V: case TN_ATTN_DV: rows[0] = p.s, rows[1] = p.ev; break;
      case TN_ATTN_MASK: rows[0] = p.l, rows[1] = p.s; break;
      case TN_ATTN_LSE: rows[0] = p.l, nr = 1; break;
      default: rows[0] = p.l, rows[1] = p.ev; break;  // out, grad
    }
    const View& t = *o.view;
    bool ok = t.nd == nb + nr;
    for (int d = 0; ok && d < nb; d++) ok = t.shape[d] == q.shape[d];
    for (int r = 0; ok && r < nr; r++) ok = t.shape[nb + r] == rows[r];
    if (!ok) fail(E_SHAPE, std::string(op) + ": " + o.what + " " + shape_str(t) + " does not fit query " + shape_str(q) + " and value " + shape_str(v));
    require_dtype(op, o.what, t, o.code == TN_ATTN_MASK && boolMask ? BOOL : q.dtype);
    for (int d = 0; d < t.nd; d++) p.strides[o.code][d] = t.strides[d];
  }
  return p;
}

}  // namespace

void run(const AttentionCall& c) {
  const View* mask = c.hasMask ? &c.mask : nullptr;
  const tn_attention_params p = attention_params(c.name, c.isCausal, mask, c.boolMask,
                                                 {{TN_ATTN_Q, "query", &c.q}, {TN_ATTN_K, "key", &c.k}, {TN_ATTN_V, "value", &c.v}, {TN_ATTN_OUT, "out", &c.out}, {TN_ATTN_LSE, "lse", &c.lse}});
  attention_forward(p, c.scale, c.q, c.k, c.v, mask, c.out, c.lse);
}

void run(const AttentionBackwardCall& c) {
  const View* mask = c.hasMask ? &c.mask : nullptr;
  const tn_attention_params p = attention_params(c.name, c.isCausal, mask, c.boolMask,
                                                 {{TN_ATTN_Q, "query", &c.q}, {TN_ATTN_K, "key", &c.k}, {TN_ATTN_V, "value", &c.v}, {TN_ATTN_OUT, "output", &c.output},
                                                  {TN_ATTN_LSE, "lse", &c.lse}, {TN_ATTN_GRAD, "grad", &c.grad}, {TN_ATTN_DQ, "dq", &c.dq}, {TN_ATTN_DK, "dk", &c.dk},
                                                  {TN_ATTN_DV, "dv", &c.dv}});
  attention_backward(p, c.scale, c.grad, c.q, c.k, c.v, mask, c.output, c.lse, c.dq, c.dk, c.dv);
}

namespace {

// ---- storage --------------------------------------------------------------------

double number_arg(napi_env env, napi_value v, const char* what) {
  double d = 0;
  if (napi_get_value_double(env, v, &d) != napi_ok) fail(E_VALUE, std::string(what) + " must be a number");
  return d;
}

// alloc(dtype, size) -> handle
napi_value Alloc(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {nullptr, nullptr};
  Instance* in = instance_of(env, info, &argc, argv);
  return guarded(in, [&]() -> napi_value {
    if (argc < 2) fail(E_VALUE, "alloc(dtype, size): missing arguments");
    const double dt = number_arg(env, argv[0], "dtype");
    if (!(dt >= 0 && dt < NUM_DTYPES) || dt != std::floor(dt)) fail(E_DTYPE, "alloc: unknown dtype code");
    const double h = in->alloc.alloc(int(dt), number_arg(env, argv[1], "size"));
    napi_value r;
    napi_create_double(env, h, &r);
    return r;
  });
}

// free(handle): returns the storage to the allocator at once.
napi_value Free(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {nullptr};
  Instance* in = instance_of(env, info, &argc, argv);
  return guarded(in, [&]() -> napi_value {
    if (argc < 1) fail(E_VALUE, "free(handle): missing argument");
    in->alloc.free(number_arg(env, argv[0], "handle"));
    return nullptr;
  });
}

napi_typedarray_type array_type(int dt) {
  switch (dt) {
    case F64: return napi_float64_array;
    case I32: return napi_int32_array;
    case BOOL: return napi_uint8_array;
    default: return napi_float32_array;
  }
}

// read(handle, offset, count) -> a new typed array holding a copy.
napi_value Read(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3] = {nullptr, nullptr, nullptr};
  Instance* in = instance_of(env, info, &argc, argv);
  return guarded(in, [&]() -> napi_value {
    if (argc < 3) fail(E_VALUE, "read(handle, offset, count): missing arguments");
    Slot& s = in->alloc.get(number_arg(env, argv[0], "handle"));
    const double off = number_arg(env, argv[1], "offset"), cnt = number_arg(env, argv[2], "count");
    if (!(off >= 0 && cnt >= 0) || off != std::floor(off) || cnt != std::floor(cnt) || off + cnt > double(s.size))
      fail(E_VALUE, "read: range [" + std::to_string(off) + ", +" + std::to_string(cnt) + ") is outside a storage of " + std::to_string(s.size) + " elements");
    const size_t es = dtype_size(s.dtype);
    const size_t bytes = size_t(cnt) * es;
    void* data = nullptr;
    napi_value ab, ta;
    if (napi_create_arraybuffer(env, bytes, &data, &ab) != napi_ok) fail(E_VALUE, "read: could not allocate the result");
    if (bytes > 0) std::memcpy(data, s.ptr + size_t(off) * es, bytes);
    napi_create_typedarray(env, array_type(s.dtype), size_t(cnt), ab, 0, &ta);
    return ta;
  });
}

// upload(typedArray, dtype) -> handle of a new storage holding a copy.
napi_value Upload(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {nullptr, nullptr};
  Instance* in = instance_of(env, info, &argc, argv);
  return guarded(in, [&]() -> napi_value {
    if (argc < 2) fail(E_VALUE, "upload(array, dtype): missing arguments");
    bool isTa = false;
    napi_is_typedarray(env, argv[0], &isTa);
    if (!isTa) fail(E_VALUE, "upload: expected a typed array");
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_get_typedarray_info(env, argv[0], &type, &length, &data, nullptr, nullptr);
    const double dt = number_arg(env, argv[1], "dtype");
    if (!(dt >= 0 && dt < NUM_DTYPES) || dt != std::floor(dt)) fail(E_DTYPE, "upload: unknown dtype code");
    if (type != array_type(int(dt))) fail(E_DTYPE, std::string("upload: the typed array does not hold ") + dtype_name(int(dt)) + " values");
    const double h = in->alloc.alloc(int(dt), double(length));
    Slot& s = in->alloc.get(h);
    if (dt == BOOL) {
      const uint8_t* src = static_cast<const uint8_t*>(data);
      for (size_t i = 0; i < length; i++) s.ptr[i] = src[i] != 0;
    } else if (length > 0) {
      std::memcpy(s.ptr, data, length * dtype_size(int(dt)));
    }
    napi_value r;
    napi_create_double(env, h, &r);
    return r;
  });
}

// ---- the rest (not hot: node-addon-api) -------------------------------------------

Napi::Array names(Napi::Env env, const char* const* list, size_t n) {
  Napi::Array a = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; i++) a.Set(uint32_t(i), Napi::String::New(env, list[i]));
  return a;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Instance* in = new Instance();
  env.SetInstanceData<Instance>(in);  // deleted (storages freed) when the environment goes away

  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, PARAMS_LEN * sizeof(double));
  Napi::Float64Array params = Napi::Float64Array::New(env, PARAMS_LEN, ab, 0);
  in->params = static_cast<double*>(ab.Data());
  in->paramsRef = Napi::Persistent(params);

  struct Raw {
    const char* name;
    napi_callback cb;
  };
#define TN_ENTRY(name, Call, read) {#name, entry<Call, read>},
  const Raw raw[] = {TN_NATIVE_CALLS(TN_ENTRY){"alloc", Alloc}, {"free", Free}, {"read", Read}, {"upload", Upload}};
#undef TN_ENTRY
  for (const Raw& r : raw) {
    napi_value fn;
    napi_create_function(env, r.name, NAPI_AUTO_LENGTH, r.cb, in, &fn);
    exports.Set(r.name, Napi::Value(env, fn));
  }

  exports.Set("params", params);
  Napi::Object ops = Napi::Object::New(env);
  ops.Set("unary", names(env, kUnaryNames, TN_UNARY_COUNT));
  ops.Set("binary", names(env, kBinaryNames, TN_BINARY_COUNT));
  ops.Set("reduce", names(env, kReduceNames, TN_REDUCE_COUNT));
  exports.Set("ops", ops);
  exports.Set("maxDims", Napi::Number::New(env, MAX_DIMS));
  exports.Set("lastError", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                Instance* self = info.Env().GetInstanceData<Instance>();
                Napi::Object o = Napi::Object::New(info.Env());
                o.Set("kind", Napi::Number::New(info.Env(), self->lastKind));
                o.Set("message", Napi::String::New(info.Env(), self->lastError));
                return o;
              }));
  exports.Set("memory", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                Instance* self = info.Env().GetInstanceData<Instance>();
                Napi::Object o = Napi::Object::New(info.Env());
                o.Set("tensors", Napi::Number::New(info.Env(), double(self->alloc.live())));
                o.Set("bytes", Napi::Number::New(info.Env(), double(self->alloc.bytes())));
                o.Set("peakBytes", Napi::Number::New(info.Env(), double(self->alloc.peak_bytes())));
                o.Set("cachedBytes", Napi::Number::New(info.Env(), double(self->alloc.cached_bytes())));
                return o;
              }));
  exports.Set("resetPeakMemory", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                info.Env().GetInstanceData<Instance>()->alloc.reset_peak();
                return info.Env().Undefined();
              }));
  exports.Set("emptyCache", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                info.Env().GetInstanceData<Instance>()->alloc.empty_cache();
                return info.Env().Undefined();
              }));
  exports.Set("threads", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                return Napi::Number::New(info.Env(), threads());
              }));
  exports.Set("setThreads", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                const double n = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
                if (!(n >= 1 && n <= 1024) || n != std::floor(n)) return Napi::Boolean::New(info.Env(), false);
                set_threads(int(n));
                return Napi::Boolean::New(info.Env(), true);
              }));
  exports.Set("isa", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                return Napi::String::New(info.Env(), isa());
              }));
  exports.Set("setIsa", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                const bool ok = info.Length() > 0 && info[0].IsString() && select_isa(info[0].As<Napi::String>().Utf8Value().c_str());
                return Napi::Boolean::New(info.Env(), ok);
              }));
  exports.Set("cpuHasAvx2Fma", Napi::Boolean::New(env, cpu_has_avx2_fma()));
  return exports;
}

}  // namespace
}  // namespace tn

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return tn::Init(env, exports); }
NODE_API_MODULE(tensile_native, InitModule)
