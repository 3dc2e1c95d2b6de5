#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>

namespace fa::detail {

// Owner-side accesses written as single x86-64 instructions (Owned<T>::add, the frame cursor):
// on x86-64 only, and not under TSan, which needs to see the atomic operations.
#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
#if defined(__has_feature)
#if !__has_feature(thread_sanitizer)
#define FRAMEALLOC_OWNER_ASM 1
#endif
#else
#define FRAMEALLOC_OWNER_ASM 1
#endif
#endif

// A value written by one thread and read by any: readers load it relaxed, race-free.
template <class T>
class Owned {
 public:
  void add(T n) noexcept {
#ifdef FRAMEALLOC_OWNER_ASM
    if constexpr (sizeof(T) == 8) {
      // One add to memory without a lock prefix (the relaxed load + store below costs three
      // instructions on the hot paths): only the owner writes, and an aligned 8-byte access
      // is atomic for readers. TSan builds keep the portable form, which it understands.
      asm volatile("addq %1, %0" : "+m"(v_) : "er"(n));
      return;
    }
#endif
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // Subtracts n and tells whether the result is negative: on x86-64 one subtract from memory
  // whose sign flag is the answer (no separate load, compare and store).
  bool sub_is_negative(T n) noexcept {
    static_assert(std::is_signed_v<T>);
#ifdef FRAMEALLOC_OWNER_ASM
    if constexpr (sizeof(T) == 8) {
      bool negative;
      asm volatile("subq %2, %0" : "+m"(v_), "=@ccs"(negative) : "er"(n));
      return negative;
    }
#endif
    const T v = v_.load(std::memory_order_relaxed) - n;
    v_.store(v, std::memory_order_relaxed);
    return v < 0;
  }
  void set(T n) noexcept {
    v_.store(n, std::memory_order_relaxed);
  }
  void raise_to(T n) noexcept {
    if (n > v_.load(std::memory_order_relaxed)) v_.store(n, std::memory_order_relaxed);
  }
  T get() const noexcept {
    return v_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<T> v_{0};
  static_assert(sizeof(std::atomic<T>) == sizeof(T));
};

using OwnedCounter = Owned<std::uint64_t>;
// For a balance that may dip below zero between updates.
using OwnedSigned = Owned<std::int64_t>;

struct KindCounters {
  OwnedCounter allocations, frees, bytes_allocated, bytes_freed, peak_bytes;
};

}  // namespace fa::detail
