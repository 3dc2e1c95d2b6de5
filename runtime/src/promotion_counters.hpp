// Per-instance promotion counts (end_frame_with_promotions on any thread), for AllocStats and
// the snapshot's "promotions". Relaxed atomics, added once per promoting end_frame. Internal.
#pragma once

#include <atomic>
#include <cstdint>

#include <framealloc/retention.hpp>
#include <framealloc/stats.hpp>

namespace fa::detail {

class PromotionCounters {
 public:
  void add(const FrameSummary& s) noexcept {
    bump(to_pool_, s.promoted_pool_count);
    bump(to_heap_, s.promoted_heap_count);
    bump(to_scratch_, s.promoted_scratch_count);
    bump(failed_, s.failures.total());
    bump(pool_bytes_, s.promoted_pool_bytes);
    bump(heap_bytes_, s.promoted_heap_bytes);
    bump(scratch_bytes_, s.promoted_scratch_bytes);
  }
  PromotionStats load() const noexcept {
    constexpr auto r = std::memory_order_relaxed;
    return {to_pool_.load(r),    to_heap_.load(r),    to_scratch_.load(r),   failed_.load(r),
            pool_bytes_.load(r), heap_bytes_.load(r), scratch_bytes_.load(r)};
  }

 private:
  static void bump(std::atomic<std::uint64_t>& c, std::uint64_t n) noexcept {
    if (n) c.fetch_add(n, std::memory_order_relaxed);
  }
  std::atomic<std::uint64_t> to_pool_{0}, to_heap_{0}, to_scratch_{0}, failed_{0};
  std::atomic<std::uint64_t> pool_bytes_{0}, heap_bytes_{0}, scratch_bytes_{0};
};

}  // namespace fa::detail
