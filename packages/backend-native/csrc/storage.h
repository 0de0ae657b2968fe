// The addon's allocator: storages are 64-byte aligned blocks named by a handle
// (slot index + generation), never by a raw pointer, so JS cannot forge an
// address and a stale handle (use after free) is an error, not a read.
#pragma once
#include <cstdint>
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

 private:
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  int64_t live_ = 0;
  int64_t bytes_ = 0;
  int64_t peak_ = 0;
};

}  // namespace tn
