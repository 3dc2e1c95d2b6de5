#include <framealloc/jobs/job_arena.hpp>

#include <cstring>

#include "../instrument.hpp"

namespace fa::jobs {

JobArena::JobArena(std::size_t capacity) : base_(new std::byte[capacity]), capacity_(capacity) {
  detail::asan_poison(base_.get(), capacity_);
}

JobArena::~JobArena() {
  detail::asan_unpoison(base_.get(), capacity_);
}

void JobArena::unpoison(void* p, std::size_t n) noexcept {
  detail::asan_unpoison(p, n);
}

bool JobArena::reset() noexcept {
  if (live_.load(std::memory_order_acquire) != 0) return false;
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
