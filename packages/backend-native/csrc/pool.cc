#include "pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tn {
namespace {

// Set on pool threads and on a caller while it runs a job: a parallel_for nested in a chunk runs serially
// (re-locking the pool from the thread that holds it would be undefined behaviour).
thread_local bool t_in_job = false;

struct Job {
  RangeFn fn = nullptr;
  void* ctx = nullptr;
  int64_t n = 0;
  int64_t chunk = 0;
  int64_t chunks = 0;
};

class Pool {
 public:
  Pool() : size_(std::max(1u, std::thread::hardware_concurrency())) {}
  ~Pool() { stop(); }

  int size() const { return size_; }

  void resize(int n) {
    std::lock_guard<std::mutex> use(use_);
    stop();
    size_ = std::max(1, n);
  }

  void run(int64_t n, int64_t grain, RangeFn fn, void* ctx) {
    if (t_in_job) return fn(ctx, 0, n);
    std::unique_lock<std::mutex> use(use_, std::try_to_lock);
    // Another JS thread (a worker) is using the pool: run on this one.
    if (!use.owns_lock()) return fn(ctx, 0, n);
    start();
    int64_t want = std::min<int64_t>(size_, (n + grain - 1) / grain);
    Job job;
    job.fn = fn;
    job.ctx = ctx;
    job.n = n;
    job.chunks = want;
    job.chunk = (n + want - 1) / want;
    {
      std::lock_guard<std::mutex> lk(m_);
      job_ = job;
      next_.store(0);
      finished_.store(0);
      ++generation_;
    }
    cv_.notify_all();
    t_in_job = true;
    work(job);
    t_in_job = false;
    // Every helper handles every generation, so waiting for all of them (not just for the
    // chunks) guarantees none still reads this job when the next one is posted.
    const int helpers = static_cast<int>(workers_.size());
    while (finished_.load(std::memory_order_acquire) < helpers) std::this_thread::yield();
    if (error_) {
      std::exception_ptr e = error_;
      error_ = nullptr;
      std::rethrow_exception(e);
    }
  }

 private:
  void work(const Job& job) {
    for (;;) {
      int64_t c = next_.fetch_add(1);
      if (c >= job.chunks) return;
      int64_t lo = c * job.chunk;
      int64_t hi = std::min(job.n, lo + job.chunk);
      if (lo >= hi) continue;
      // An exception must not escape a worker thread (that would terminate the process): keep the first, rethrow in the caller.
      try {
        job.fn(job.ctx, lo, hi);
      } catch (...) {
        std::lock_guard<std::mutex> lk(err_m_);
        if (!error_) error_ = std::current_exception();
      }
    }
  }

  void start() {
    if (!workers_.empty() || size_ <= 1) return;
    uint64_t now;
    {
      std::lock_guard<std::mutex> lk(m_);
      quit_ = false;
      now = generation_;
    }
    // A worker must start from the generation before its first job: reading it
    // in the new thread could miss a job posted before the thread ran.
    for (int i = 1; i < size_; i++) workers_.emplace_back([this, now] { loop(now); });
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lk(m_);
      quit_ = true;
      ++generation_;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  void loop(uint64_t seen) {
    t_in_job = true;
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lk(m_);
        cv_.wait(lk, [&] { return generation_ != seen; });
        seen = generation_;
        if (quit_) return;
        job = job_;
      }
      work(job);
      finished_.fetch_add(1, std::memory_order_release);
    }
  }

  int size_;
  std::mutex use_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::thread> workers_;
  Job job_;
  uint64_t generation_ = 0;
  bool quit_ = false;
  std::atomic<int64_t> next_{0};
  std::atomic<int> finished_{0};
  std::mutex err_m_;
  std::exception_ptr error_;
};

Pool& pool() {
  // Leaked on purpose: joining threads from a static destructor at process exit can deadlock.
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

void parallel_for_raw(int64_t n, int64_t grain, RangeFn fn, void* ctx) { pool().run(n, grain, fn, ctx); }
int threads() { return pool().size(); }
void set_threads(int n) { pool().resize(n); }

}  // namespace tn
