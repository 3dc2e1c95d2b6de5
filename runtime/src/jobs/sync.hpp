// Parking without lost wake-ups, and the full fence that protocol needs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "../spin_lock.hpp"

#if defined(__SANITIZE_THREAD__)
#define FA_JOBS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FA_JOBS_TSAN 1
#endif
#endif

namespace fa::jobs::detail {

// Orders the caller's earlier stores before its later loads. TSan does not model fences
// (and warns about them), so it gets a read-modify-write on a shared word instead.
inline void full_fence() noexcept {
#if defined(FA_JOBS_TSAN)
  static std::atomic<std::uint32_t> word{0};
  word.fetch_add(0, std::memory_order_seq_cst);
#else
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

using fa::detail::cpu_relax;

// An event count. A sleeper announces itself, then re-checks its condition, then sleeps until
// the epoch it read before the re-check changes; a waker publishes its change, fences, and
// bumps the epoch only when someone announced. Either the sleeper's re-check sees the change
// or the waker sees the sleeper, never neither. The mutex is only taken by sleepers and by
// wakers that found a sleeper.
class Parker {
 public:
  template <class Ready>
  void park_unless(Ready&& ready) {
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    full_fence();
    const std::uint32_t seen = epoch_.load(std::memory_order_seq_cst);
    if (!ready()) {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return epoch_.load(std::memory_order_relaxed) != seen; });
    }
    sleepers_.fetch_sub(1, std::memory_order_relaxed);
  }

  // The caller has fenced (or used a seq_cst read-modify-write) after publishing its change.
  void notify_one_if_sleeping() {
    if (sleepers_.load(std::memory_order_seq_cst) == 0) return;
    bump();
    cv_.notify_one();
  }
  void notify_all_if_sleeping() {
    if (sleepers_.load(std::memory_order_seq_cst) == 0) return;
    notify_all();
  }
  void notify_all() {
    bump();
    cv_.notify_all();
  }

 private:
  void bump() {
    std::lock_guard lock(mutex_);
    epoch_.fetch_add(1, std::memory_order_seq_cst);
  }

  alignas(64) std::atomic<std::uint32_t> epoch_{0};
  std::atomic<std::uint32_t> sleepers_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
};

}  // namespace fa::jobs::detail
