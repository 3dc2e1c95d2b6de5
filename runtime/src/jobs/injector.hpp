// The global injector for jobs spawned by non-worker threads: a bounded lock-free MPMC ring
// (Vyukov's sequence-numbered cells), FIFO. Only when the ring is full does a push take the
// overflow list's mutex; pops drain the ring first, so order is FIFO until the ring fills.
// pushed() counts every push ever made, so the job system needs no spawn counter of its own.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

namespace fa::jobs::detail {

template <class T>
class Injector {
  static_assert(std::is_pointer_v<T>, "the injector stores pointers");

  struct Cell {
    std::atomic<std::size_t> seq{0};
    T value = nullptr;  // written before `seq` publishes it, read after `seq` says so
  };

 public:
  explicit Injector(std::size_t capacity = 16384) {
    std::size_t cap = 2;
    while (cap < capacity) cap <<= 1;
    mask_ = cap - 1;
    cells_ = std::make_unique<Cell[]>(cap);
    for (std::size_t i = 0; i < cap; ++i) cells_[i].seq.store(i, std::memory_order_relaxed);
  }

  // True when the push was a seq_cst read-modify-write (the ring): later seq_cst loads of the
  // pusher are then ordered after it, as if it had fenced. False after an overflow push.
  bool push(T item) {
    if (try_push_ring(item)) return true;
    std::lock_guard lock(overflow_mutex_);
    overflow_.push_back(item);
    overflow_size_.store(overflow_.size(), std::memory_order_release);
    overflow_pushed_.fetch_add(1, std::memory_order_seq_cst);
    return false;
  }

  // Up to `max` items into `out`, oldest first, claimed from the ring with one CAS (or one item
  // from the overflow list when the ring is empty). Returns how many.
  std::size_t pop_batch(T* out, std::size_t max) {
    if (const std::size_t n = try_pop_ring_batch(out, max)) return n;
    if (T item = pop()) {  // the ring was empty a moment ago: one at a time is fine here
      out[0] = item;
      return 1;
    }
    return 0;
  }

  // Pushes so far, never below the number of items any pop has returned (a push is counted
  // before its item can be popped).
  std::size_t pushed() const noexcept {
    return enqueue_.load(std::memory_order_seq_cst) + overflow_pushed_.load(std::memory_order_seq_cst);
  }

  // nullptr when empty (or when the only pushes are still being published).
  T pop() {
    if (T item = try_pop_ring()) return item;
    if (overflow_size_.load(std::memory_order_acquire) == 0) return nullptr;
    std::lock_guard lock(overflow_mutex_);
    if (overflow_.empty()) return nullptr;
    T item = overflow_.front();
    overflow_.pop_front();
    overflow_size_.store(overflow_.size(), std::memory_order_release);
    return item;
  }

  // Approximate, any thread.
  std::size_t size_estimate() const noexcept {
    const std::size_t head = dequeue_.load(std::memory_order_relaxed);
    const std::size_t tail = enqueue_.load(std::memory_order_relaxed);
    const std::size_t ring = tail > head ? tail - head : 0;
    return ring + overflow_size_.load(std::memory_order_relaxed);
  }
  bool empty() const noexcept { return size_estimate() == 0; }
  // Approximate, any thread: whether a pop may find something. Unlike empty() it does not read
  // the pushers' position, whose cache line then stays with the pushing thread.
  bool maybe_ready() const noexcept {
    const std::size_t pos = dequeue_.load(std::memory_order_relaxed);
    return cells_[pos & mask_].seq.load(std::memory_order_relaxed) == pos + 1 ||
           overflow_size_.load(std::memory_order_relaxed) != 0;
  }

 private:
  bool try_push_ring(T item) noexcept {
    std::size_t pos = enqueue_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      const std::size_t seq = cell.seq.load(std::memory_order_acquire);
      const auto diff = static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos);
      if (diff == 0) {
        if (enqueue_.compare_exchange_weak(pos, pos + 1, std::memory_order_seq_cst,
                                           std::memory_order_relaxed)) {
          cell.value = item;
          cell.seq.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;  // full
      } else {
        pos = enqueue_.load(std::memory_order_relaxed);
      }
    }
  }

  T try_pop_ring() noexcept {
    std::size_t pos = dequeue_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      const std::size_t seq = cell.seq.load(std::memory_order_acquire);
      const auto diff = static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos + 1);
      if (diff == 0) {
        if (dequeue_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          T item = cell.value;
          cell.seq.store(pos + mask_ + 1, std::memory_order_release);
          return item;
        }
      } else if (diff < 0) {
        return nullptr;  // empty
      } else {
        pos = dequeue_.load(std::memory_order_relaxed);
      }
    }
  }

  // Claims the published cells at the head of the ring, as many as are ready (up to max).
  std::size_t try_pop_ring_batch(T* out, std::size_t max) noexcept {
    std::size_t pos = dequeue_.load(std::memory_order_relaxed);
    for (;;) {
      std::size_t n = 0;
      while (n < max && cells_[(pos + n) & mask_].seq.load(std::memory_order_acquire) == pos + n + 1) ++n;
      if (n == 0) {
        const Cell& head = cells_[pos & mask_];
        const auto diff = static_cast<std::intptr_t>(head.seq.load(std::memory_order_acquire)) -
                          static_cast<std::intptr_t>(pos + 1);
        if (diff < 0) return 0;                          // empty
        pos = dequeue_.load(std::memory_order_relaxed);  // another popper took it: look again
        continue;
      }
      // Nobody else can consume these cells without moving dequeue_ past them first.
      if (dequeue_.compare_exchange_weak(pos, pos + n, std::memory_order_relaxed)) {
        for (std::size_t i = 0; i < n; ++i) {
          Cell& cell = cells_[(pos + i) & mask_];
          out[i] = cell.value;
          cell.seq.store(pos + i + mask_ + 1, std::memory_order_release);
        }
        return n;
      }
    }
  }

  std::unique_ptr<Cell[]> cells_;
  std::size_t mask_ = 0;
  alignas(64) std::atomic<std::size_t> enqueue_{0};
  alignas(64) std::atomic<std::size_t> dequeue_{0};
  alignas(64) std::atomic<std::size_t> overflow_size_{0};
  std::atomic<std::size_t> overflow_pushed_{0};
  std::mutex overflow_mutex_;
  std::deque<T> overflow_;
};

}  // namespace fa::jobs::detail
