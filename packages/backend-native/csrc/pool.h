// A persistent thread pool for large kernels. Small work runs on the calling
// thread so per-op overhead stays tiny; the pool is shared by every addon
// instance and used by one caller at a time (others run serially).
#pragma once
#include <cstdint>

namespace tn {

using RangeFn = void (*)(void* ctx, int64_t lo, int64_t hi);

// Runs fn over [0, n) in chunks of at least `grain` items, on up to threads() threads.
void parallel_for_raw(int64_t n, int64_t grain, RangeFn fn, void* ctx);
int threads();
void set_threads(int n);

template <class F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
  if (n <= grain || threads() == 1) {
    f(int64_t(0), n);
    return;
  }
  parallel_for_raw(n, grain, [](void* c, int64_t lo, int64_t hi) { (*static_cast<F*>(c))(lo, hi); }, &f);
}

}  // namespace tn
