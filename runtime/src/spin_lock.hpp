// A lock for critical sections of a few loads and stores that many threads enter and rarely
// at once (frame history, a worker's suspended fibers). Unlike std::mutex its release is a
// plain store, so an uncontended lock + unlock costs one locked instruction, not two.
#pragma once

#include <atomic>
#include <thread>

namespace fa::detail {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

class SpinLock {
 public:
  void lock() noexcept {
    unsigned spins = 0;
    while (flag_.exchange(true, std::memory_order_acquire)) {
      while (flag_.load(std::memory_order_relaxed)) {
        // The holder may have been preempted (2 cores, more threads): stop burning its slice.
        if (++spins < 128) {
          cpu_relax();
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  void unlock() noexcept { flag_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> flag_{false};
};

}  // namespace fa::detail
