// A worker's frame arena for jobs: a linear allocator that only its worker allocates from,
// reset by the job system at the frame sync. Each frame is one generation; the arena counts
// the jobs of the current generation that are still queued or running, so a reset while any
// of them is alive is refused (and reported) instead of freeing memory a queue still points to.
// That count is spread so the job path has no atomic read-modify-write: the owner counts what
// it allocates, each worker counts what it releases in its own slot, and only other threads
// (helpers) share one atomic; live_jobs() sums them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace fa::jobs {

class alignas(64) JobArena {
 public:
  // release_slots: how many threads release through a slot of their own (the workers).
  explicit JobArena(std::size_t capacity, std::size_t release_slots = 0);
  ~JobArena();
  JobArena(const JobArena&) = delete;
  JobArena& operator=(const JobArena&) = delete;

  // Owner thread only. nullptr when the request does not fit (the caller uses the heap).
  void* try_alloc(std::size_t size, std::size_t align) noexcept {
    const std::uintptr_t base = reinterpret_cast<std::uintptr_t>(base_.get());
    const std::uintptr_t at = (base + used_ + align - 1) & ~(std::uintptr_t{align} - 1);
    const std::size_t end = static_cast<std::size_t>(at - base) + size;
    if (end > capacity_) return nullptr;
    used_ = end;
    unpoison(reinterpret_cast<void*>(at), size);
    allocated_.store(allocated_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return reinterpret_cast<void*>(at);
  }

  // Any thread: a job stored here has finished (or was discarded).
  void release_one() noexcept { shared_released_.fetch_add(1, std::memory_order_release); }
  // Only the thread that owns `slot` (< release_slots): a plain store, no read-modify-write.
  void release_one(std::size_t slot) noexcept {
    std::atomic<std::uint64_t>& n = slots_[slot].released;
    n.store(n.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  std::int64_t live_jobs() const noexcept;
  std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }
  std::size_t used() const noexcept { return used_; }
  std::size_t capacity() const noexcept { return capacity_; }
  const std::byte* data() const noexcept { return base_.get(); }
  bool contains(const void* p) const noexcept {
    const auto* b = base_.get();
    const auto* q = static_cast<const std::byte*>(p);
    return q >= b && q < b + capacity_;
  }

  // Caller guarantees the owner is not allocating (all jobs of the frame are done).
  // Returns false, changing nothing, while jobs of this generation are alive.
  bool reset() noexcept;

 private:
  static void unpoison(void* p, std::size_t n) noexcept;

  struct alignas(64) Slot {
    std::atomic<std::uint64_t> released{0};
  };
  // Read by every worker that finishes one of these jobs: kept off the line the owner writes
  // on every allocation, or each stolen job would cost the thief a cache miss.
  std::unique_ptr<std::byte[]> base_;
  std::size_t capacity_;
  std::unique_ptr<Slot[]> slots_;
  std::size_t slot_count_;
  std::atomic<std::uint64_t> generation_{1};
  alignas(64) std::size_t used_ = 0;         // owner only
  std::atomic<std::uint64_t> allocated_{0};  // owner-written
  alignas(64) std::atomic<std::uint64_t> shared_released_{0};
};

// Filled with this byte on reset in debug builds, so a job that escaped its frame reads garbage.
inline constexpr unsigned char kJobArenaPoison = 0xDD;

}  // namespace fa::jobs
