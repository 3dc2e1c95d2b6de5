// Allocation statistics. Counters are per thread (written only by their thread,
// relaxed atomics) and summed when stats() is read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <framealloc/budgets.hpp>
#include <framealloc/tags.hpp>

namespace fa {

struct KindStats {
  std::uint64_t allocations = 0;
  std::uint64_t frees = 0;  // frame: allocations released by end_frame()
  std::uint64_t bytes_allocated = 0;
  std::uint64_t bytes_freed = 0;
  // Frame: the largest number of bytes one frame used (including alignment padding).
  // Pool/heap: the most bytes allocated by this thread and not yet returned.
  // In AllocStats the per-thread peaks are summed (an upper bound: threads can peak
  // at different times) except for the heap, whose global peak is exact.
  std::uint64_t peak_bytes = 0;

  std::uint64_t live_allocations() const noexcept { return allocations - frees; }
  std::uint64_t live_bytes() const noexcept { return bytes_allocated - bytes_freed; }
};

struct ThreadStats {
  std::uint32_t thread_index = 0;  // 1-based, in order of first use of the instance
  bool exited = false;
  std::uint64_t frames_completed = 0;
  bool frame_active = false;
  std::uint64_t frame_used_bytes = 0;  // in the current frame
  std::uint64_t frame_capacity = 0;
  KindStats frame;
  KindStats pool;
  KindStats heap;
  // Live bytes of the blocks this thread allocated, whoever frees them (a pool block freed by
  // another thread counts until this thread takes it back from its deferred-free queue).
  // pool.live_bytes() and heap.live_bytes() instead balance this thread's own allocations
  // against the frees it performed, which include other threads' blocks.
  std::uint64_t owned_pool_bytes = 0;
  std::uint64_t owned_heap_bytes = 0;
  // Pool frees performed by this thread on blocks another thread owns.
  std::uint64_t pool_remote_frees = 0;
  // try_* requests that returned nullptr and non-try requests that threw.
  std::uint64_t failed_allocations = 0;
  std::uint64_t frame_budget_limit = 0;      // per-thread frame budget, 0 when none
  std::uint64_t frame_budget_exceeded = 0;   // requests that went over it (any policy)
  std::uint64_t frame_promotions = 0;        // requests the Promote policy served from the pool
  std::uint64_t last_frame_duration_ns = 0;  // begin_frame() to end_frame() of the last completed frame
  std::uint64_t last_frame_bytes = 0;        // bytes that frame used (alignment padding included)
  // The deferred-free queue of this thread's pool blocks (freed by other threads).
  std::uint64_t deferred_depth = 0;      // queued now
  std::uint64_t deferred_processed = 0;  // taken back so far
  std::uint64_t deferred_dropped = 0;    // given up by DeferredOverflow::DropOldest
  std::uint64_t deferred_refused = 0;    // frees refused by DeferredOverflow::Fail
};

// Retained frame objects moved out of their frame by end_frame_with_promotions(), counted per
// instance over its lifetime (all threads).
struct PromotionStats {
  std::uint64_t to_pool = 0;
  std::uint64_t to_heap = 0;
  std::uint64_t to_scratch = 0;
  std::uint64_t failed = 0;  // refused by a budget, or the scratch pool was full or missing
  std::uint64_t pool_bytes = 0;
  std::uint64_t heap_bytes = 0;
  std::uint64_t scratch_bytes = 0;
};

struct AllocStats {
  KindStats frame;
  KindStats pool;
  KindStats heap;
  std::uint64_t failed_allocations = 0;
  std::uint64_t pool_slabs_in_use = 0;
  std::uint64_t pool_reserved_bytes = 0;  // slabs handed to threads, in bytes
  std::uint64_t diagnostics_reported = 0;
  std::uint64_t deferred_depth = 0;  // all threads' deferred-free queues
  std::uint64_t deferred_processed = 0;
  PromotionStats promotions;
  std::vector<ThreadStats> threads;
  // Per tag path, in creation order (parents before children; index 0 is untagged "").
  // A thread's allocations since its last tag change, phase boundary or end_frame() are
  // added when it next does one of those or calls stats() itself.
  std::vector<TagStats> tags;
  std::vector<BudgetStats> budgets;  // the global budget first when set, then tags
};

}  // namespace fa
