#pragma once

#include <atomic>
#include <cstdint>

namespace fa::detail {

// A counter written by one thread and read by any: relaxed load + store compiles to a
// plain add on x86-64, yet concurrent readers are race-free.
class OwnedCounter {
 public:
  void add(std::uint64_t n) noexcept {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void set(std::uint64_t n) noexcept { v_.store(n, std::memory_order_relaxed); }
  void raise_to(std::uint64_t n) noexcept {
    if (n > v_.load(std::memory_order_relaxed)) v_.store(n, std::memory_order_relaxed);
  }
  std::uint64_t get() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

// The signed variant, for a balance that may dip below zero between updates.
class OwnedSigned {
 public:
  void add(std::int64_t n) noexcept {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void set(std::int64_t n) noexcept { v_.store(n, std::memory_order_relaxed); }
  std::int64_t get() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> v_{0};
};

struct KindCounters {
  OwnedCounter allocations, frees, bytes_allocated, bytes_freed, peak_bytes;
};

}  // namespace fa::detail
