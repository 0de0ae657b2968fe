// The addon's allocator: storages are 64-byte aligned blocks named by a handle
// (slot index + generation), never by a raw pointer, so JS cannot forge an
// address and a stale handle (use after free) is an error, not a read.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "common.h"

namespace tn {

struct Slot {
  char* ptr = nullptr;
  int64_t size = 0;  // elements
  int dtype = F32;
  uint32_t gen = 0;
  bool live = false;
};

class Allocator {
 public:
  ~Allocator();
  // Returns the handle; throws Error on a bad dtype/size or when memory runs out.
  double alloc(int dtype, double size);
  void free(double handle);
  Slot& get(double handle);
  int64_t live() const { return live_; }
  int64_t bytes() const { return bytes_; }
  int64_t peak_bytes() const { return peak_; }
  /* A new peak from the bytes live now (resetPeakMemory), kernel memory held included. */
  void reset_peak() { peak_ = bytes_ + scratch_bytes(); }
  /* A peak that also held `kernel` bytes of kernel memory beside the live storages (a kernel call's scratch). */
  void note_kernel_memory(int64_t kernel) {
    if (bytes_ + kernel > peak_) peak_ = bytes_ + kernel;
  }
  int64_t cached_bytes() const { return cached_; }
  // Returns every cached block to the system.
  void empty_cache();

 private:
  char* take(size_t bytes);
  void give(char* p, size_t bytes);
  // Freed blocks kept by exact (rounded) size: a training loop allocates the
  // same sizes every step, and reusing a block skips the system allocator and
  // the page faults of fresh memory.
  std::unordered_map<size_t, std::vector<char*>> cache_;
  int64_t cached_ = 0;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  int64_t live_ = 0;
  int64_t bytes_ = 0;
  int64_t peak_ = 0;
};

}  // namespace tn
