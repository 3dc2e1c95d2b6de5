#pragma once

#include <atomic>
#include <cstdint>

namespace fa::detail {

// A value written by one thread and read by any: relaxed load + store compiles to a
// plain add on x86-64, yet concurrent readers are race-free.
template <class T>
class Owned {
 public:
  void add(T n) noexcept { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  void set(T n) noexcept { v_.store(n, std::memory_order_relaxed); }
  void raise_to(T n) noexcept {
    if (n > v_.load(std::memory_order_relaxed)) v_.store(n, std::memory_order_relaxed);
  }
  T get() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<T> v_{0};
};

using OwnedCounter = Owned<std::uint64_t>;
// For a balance that may dip below zero between updates.
using OwnedSigned = Owned<std::int64_t>;

struct KindCounters {
  OwnedCounter allocations, frees, bytes_allocated, bytes_freed, peak_bytes;
};

}  // namespace fa::detail
