// A countdown of unfinished jobs: spawn(counter, fn) adds one, the job's end subtracts one,
// and JobSystem::wait(counter) returns once it is zero. Waiters never block on the counter
// itself (it usually lives on the waiter's stack and may be gone right after reaching zero);
// they block on the job system's completion event.
#pragma once

#include <atomic>
#include <cstdint>

namespace fa::jobs {

class JobSystem;
namespace detail {
struct CounterAccess;
}

class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void add(std::int64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  // seq_cst: waiters pair this load with the job system's completion event.
  std::int64_t value() const noexcept { return value_.load(std::memory_order_seq_cst); }
  bool is_zero() const noexcept { return value() == 0; }

 private:
  friend class JobSystem;
  friend struct detail::CounterAccess;
  // True when this call brought the count to zero. After that the counter is not touched.
  bool finish_one() noexcept { return finish(1); }
  bool finish(std::int64_t n) noexcept { return value_.fetch_sub(n, std::memory_order_seq_cst) == n; }

  std::atomic<std::int64_t> value_{0};
};

}  // namespace fa::jobs
