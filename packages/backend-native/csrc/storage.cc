#include "storage.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace tn {

namespace {
constexpr double GEN_SCALE = 16777216.0;  // 2^24 slots; handle = gen * 2^24 + index, exact in a double
constexpr int64_t MAX_ELEMENTS = int64_t(1) << 40;
// Blocks below this go straight back to malloc (it recycles small blocks well); the cache holds at most CACHE_LIMIT bytes.
constexpr size_t CACHE_MIN = 16 * 1024;
constexpr int64_t CACHE_LIMIT = int64_t(512) << 20;

size_t rounded_bytes(int64_t size, int dtype) {
  size_t b = static_cast<size_t>(size) * dtype_size(dtype);
  // aligned_alloc needs a multiple of the alignment; a size-0 storage still gets a real block.
  return b == 0 ? 64 : (b + 63) / 64 * 64;
}
}  // namespace

const char* dtype_name(int dt) {
  switch (dt) {
    case F32: return "float32";
    case F64: return "float64";
    case I32: return "int32";
    case BOOL: return "bool";
  }
  return "unknown";
}

size_t dtype_size(int dt) { return dt == F64 ? 8 : dt == BOOL ? 1 : 4; }

Allocator::~Allocator() {
  for (auto& s : slots_)
    if (s.live) std::free(s.ptr);
  empty_cache();
}

char* Allocator::take(size_t bytes) {
  auto it = cache_.find(bytes);
  if (it != cache_.end() && !it->second.empty()) {
    char* p = it->second.back();
    it->second.pop_back();
    cached_ -= int64_t(bytes);
    return p;
  }
  char* p = static_cast<char*>(std::aligned_alloc(64, bytes));
  if (p == nullptr && cached_ > 0) {
    empty_cache();  // memory is tight: cached blocks go back before giving up
    p = static_cast<char*>(std::aligned_alloc(64, bytes));
  }
  return p;
}

void Allocator::give(char* p, size_t bytes) {
  if (bytes < CACHE_MIN || cached_ + int64_t(bytes) > CACHE_LIMIT) return std::free(p);
  cache_[bytes].push_back(p);
  cached_ += int64_t(bytes);
}

void Allocator::empty_cache() {
  for (auto& [bytes, blocks] : cache_)
    for (char* p : blocks) std::free(p);
  cache_.clear();
  cached_ = 0;
}

double Allocator::alloc(int dtype, double size) {
  if (dtype < 0 || dtype >= NUM_DTYPES) throw Error{E_DTYPE, "alloc: unknown dtype code " + std::to_string(dtype)};
  if (!(size >= 0) || size != std::floor(size) || size > double(MAX_ELEMENTS))
    throw Error{E_VALUE, "alloc: invalid element count " + std::to_string(size)};
  int64_t n = static_cast<int64_t>(size);
  char* p = take(rounded_bytes(n, dtype));
  if (p == nullptr) throw Error{E_VALUE, "alloc: out of memory allocating " + std::to_string(n) + " " + dtype_name(dtype) + " elements"};
  uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    if (slots_.size() >= size_t(GEN_SCALE)) {
      give(p, rounded_bytes(n, dtype));
      throw Error{E_VALUE, "alloc: too many live storages"};
    }
    index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[index];
  s.ptr = p;
  s.size = n;
  s.dtype = dtype;
  s.live = true;
  live_++;
  bytes_ += n * int64_t(dtype_size(dtype));
  note_kernel_memory(scratch_bytes());
  return double(s.gen) * GEN_SCALE + double(index);
}

Slot& Allocator::get(double handle) {
  if (!(handle >= 0) || handle != std::floor(handle) || handle > 9007199254740991.0)
    throw Error{E_DEVICE, "invalid storage handle"};
  double genPart = std::floor(handle / GEN_SCALE);
  uint64_t index = static_cast<uint64_t>(handle - genPart * GEN_SCALE);
  if (index >= slots_.size()) throw Error{E_DEVICE, "invalid storage handle"};
  Slot& s = slots_[index];
  if (!s.live || double(s.gen) != genPart) throw Error{E_DEVICE, "storage was freed (use after dispose)"};
  return s;
}

void Allocator::free(double handle) {
  Slot& s = get(handle);
  give(s.ptr, rounded_bytes(s.size, s.dtype));
  s.ptr = nullptr;
  s.live = false;
  s.gen = (s.gen + 1) & 0x0FFFFFFF;
  live_--;
  bytes_ -= s.size * int64_t(dtype_size(s.dtype));
  free_.push_back(static_cast<uint32_t>(&s - slots_.data()));
}

}  // namespace tn

namespace tn {

namespace {
// Kernel memory outside the allocator, so memory().peakBytes can count it (pool threads take buffers too: atomics).
std::atomic<int64_t> g_scratch{0};
std::atomic<int64_t> g_scratch_peak{0};

void scratch_add(int64_t bytes) {
  const int64_t now = g_scratch.fetch_add(bytes) + bytes;
  int64_t peak = g_scratch_peak.load();
  while (now > peak && !g_scratch_peak.compare_exchange_weak(peak, now)) {
  }
}
}  // namespace

int64_t scratch_bytes() { return g_scratch.load(); }
int64_t take_scratch_peak() { return g_scratch_peak.exchange(g_scratch.load()); }

Scratch::Scratch(size_t bytes) : bytes_(bytes == 0 ? 64 : (bytes + 63) / 64 * 64), p_(std::aligned_alloc(64, bytes_)) {
  if (p_ == nullptr) throw Error{E_VALUE, "out of memory for kernel scratch space"};
  scratch_add(int64_t(bytes_));
}
Scratch::~Scratch() {
  std::free(p_);
  scratch_add(-int64_t(bytes_));
}

void* thread_buffer(int slot, size_t bytes) {
  struct Buffers {
    void* p[4] = {nullptr, nullptr, nullptr, nullptr};
    size_t n[4] = {0, 0, 0, 0};
    ~Buffers() {
      for (int i = 0; i < 4; i++) {
        std::free(p[i]);
        scratch_add(-int64_t(n[i]));
      }
    }
  };
  thread_local Buffers b;
  if (b.n[slot] < bytes) {
    std::free(b.p[slot]);
    scratch_add(-int64_t(b.n[slot]));
    size_t want = (bytes + 63) / 64 * 64;
    b.p[slot] = std::aligned_alloc(64, want);
    if (b.p[slot] == nullptr) {
      b.n[slot] = 0;
      throw Error{E_VALUE, "out of memory for matmul packing buffers"};
    }
    b.n[slot] = want;
    scratch_add(int64_t(want));
  }
  return b.p[slot];
}

}  // namespace tn
