// Chase–Lev work-stealing deque (Chase & Lev 2005, with the C11 orderings of Lê et al. 2013).
// The owner pushes and pops at the bottom; any thread steals from the top. The ring grows
// when full; retired rings are kept until destruction because a thief may still read one.
// The store/load ordering the algorithm needs is expressed with seq_cst operations rather
// than fences (ThreadSanitizer does not model std::atomic_thread_fence).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace fa::jobs::detail {

template <class T>
class WorkStealingDeque {
  static_assert(std::is_pointer_v<T>, "the deque stores pointers");

  struct Ring {
    explicit Ring(std::int64_t cap) : capacity(cap), mask(cap - 1), slots(new std::atomic<T>[cap]) {}
    std::int64_t capacity;
    std::int64_t mask;
    std::unique_ptr<std::atomic<T>[]> slots;
    T get(std::int64_t i) const noexcept { return slots[i & mask].load(std::memory_order_relaxed); }
    void put(std::int64_t i, T v) noexcept { slots[i & mask].store(v, std::memory_order_relaxed); }
  };

 public:
  explicit WorkStealingDeque(std::int64_t capacity = 256) {
    std::int64_t cap = 1;
    while (cap < capacity) cap <<= 1;
    rings_.push_back(std::make_unique<Ring>(cap));
    ring_.store(rings_.back().get(), std::memory_order_relaxed);
  }
  WorkStealingDeque(const WorkStealingDeque&) = delete;
  WorkStealingDeque& operator=(const WorkStealingDeque&) = delete;

  // Owner only. Returns whether the deque looked empty before the push (as far as the owner
  // has seen the thieves' progress).
  bool push(T item) {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed);
    Ring* ring = ring_.load(std::memory_order_relaxed);
    // top only grows, so an old value overstates the size: the line thieves write on every
    // steal is read again only when the deque looks full or nearly empty, or a thief took its
    // last job (then the answer "was empty" matters: the caller wakes a worker on it). A burst
    // of pushes while a thief steals then no longer pulls that line over on every push.
    std::int64_t t = top_seen_;
    const bool drained = drained_.load(std::memory_order_relaxed);
    if (b - t > ring->capacity - 1 || b - t <= 1 || drained) {
      if (drained) drained_.store(false, std::memory_order_relaxed);  // before the look
      t = top_.load(std::memory_order_acquire);
      top_seen_ = t;
      if (b - t > ring->capacity - 1) ring = grow(ring, t, b);
    }
    ring->put(b, item);
    bottom_.store(b + 1, std::memory_order_release);
    return b <= t;
  }

  // Owner only. nullptr when empty.
  T pop() noexcept {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    Ring* ring = ring_.load(std::memory_order_relaxed);
    bottom_.store(b, std::memory_order_seq_cst);
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    top_seen_ = t;
    if (t > b) {  // empty
      bottom_.store(b + 1, std::memory_order_relaxed);
      return nullptr;
    }
    T item = ring->get(b);
    if (t == b) {  // last item: race the thieves for it
      if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst, std::memory_order_relaxed))
        item = nullptr;
      bottom_.store(b + 1, std::memory_order_relaxed);
    }
    return item;
  }

  // Any thread. nullptr when empty or when another thread won the race.
  T steal() noexcept {
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    const std::int64_t b = bottom_.load(std::memory_order_seq_cst);
    if (t >= b) return nullptr;
    Ring* ring = ring_.load(std::memory_order_acquire);
    T item = ring->get(t);
    if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst, std::memory_order_relaxed))
      return nullptr;
    if (t + 1 >= b) drained_.store(true, std::memory_order_relaxed);  // took the last one seen
    return item;
  }

  // Approximate, any thread.
  bool empty() const noexcept {
    return bottom_.load(std::memory_order_relaxed) <= top_.load(std::memory_order_relaxed);
  }
  std::int64_t size_estimate() const noexcept {
    const std::int64_t n = bottom_.load(std::memory_order_relaxed) - top_.load(std::memory_order_relaxed);
    return n > 0 ? n : 0;
  }

 private:
  Ring* grow(Ring* old, std::int64_t t, std::int64_t b) {
    auto bigger = std::make_unique<Ring>(old->capacity * 2);
    for (std::int64_t i = t; i < b; ++i) bigger->put(i, old->get(i));
    Ring* raw = bigger.get();
    rings_.push_back(std::move(bigger));
    ring_.store(raw, std::memory_order_release);
    return raw;
  }

  alignas(64) std::atomic<std::int64_t> top_{0};
  alignas(64) std::atomic<std::int64_t> bottom_{0};
  std::atomic<Ring*> ring_{nullptr};
  std::int64_t top_seen_ = 0;                     // owner only: top as of its last look
  alignas(64) std::atomic<bool> drained_{false};  // a thief emptied the deque (as it saw it)
  std::vector<std::unique_ptr<Ring>> rings_;      // owner only; retired rings stay alive
};

}  // namespace fa::jobs::detail
