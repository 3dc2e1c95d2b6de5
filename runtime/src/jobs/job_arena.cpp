#include <framealloc/jobs/job_arena.hpp>

#include <cstring>

#include "../instrument.hpp"

namespace fa::jobs {

JobArena::JobArena(std::size_t capacity, std::size_t release_slots)
    : base_(new std::byte[capacity]),
      capacity_(capacity),
      slots_(new Slot[release_slots]),
      slot_count_(release_slots) {
  detail::asan_poison(base_.get(), capacity_);
}

std::int64_t JobArena::live_jobs() const noexcept {
  // Releases first: a release seen implies its allocation is seen, so the result is never
  // below the true count of live jobs.
  std::uint64_t released = shared_released_.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < slot_count_; ++i)
    released += slots_[i].released.load(std::memory_order_acquire);
  return static_cast<std::int64_t>(allocated_.load(std::memory_order_acquire) - released);
}

JobArena::~JobArena() {
  detail::asan_unpoison(base_.get(), capacity_);
}

void JobArena::unpoison(void* p, std::size_t n) noexcept {
  detail::asan_unpoison(p, n);
}

bool JobArena::reset() noexcept {
  if (live_jobs() != 0) return false;
#ifndef NDEBUG
  detail::asan_unpoison(base_.get(), used_);
  std::memset(base_.get(), kJobArenaPoison, used_);
#endif
  detail::asan_poison(base_.get(), used_);
  used_ = 0;
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

}  // namespace fa::jobs
