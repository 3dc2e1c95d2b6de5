// Per-thread frame budgets: how many bytes of frame memory one thread may use per frame,
// and what happens when a request would go over.
#pragma once

#include <cstdint>
#include <functional>

namespace fa {

enum class FrameBudgetPolicy : std::uint8_t {
  Fail,     // the request fails: nullptr from try_*, fa::AllocError (FA310) otherwise
  Warn,     // FA311 once per frame, then the frame may use the whole arena
  Allow,    // silently allowed (counted in ThreadStats::frame_budget_exceeded)
  Promote,  // served from the pool instead; such blocks are freed by end_frame() too
  Custom,   // ThreadFrameBudget::handler decides per request
};

struct FrameBudgetRequest {
  std::uint32_t thread_index = 0;
  std::uint64_t frame_number = 0;
  std::uint64_t used = 0;       // bytes of frame memory the thread used before the request
  std::uint64_t requested = 0;  // bytes of the request
  std::uint64_t limit = 0;
};

struct ThreadFrameBudget {
  std::uint64_t limit = 0;  // bytes per frame; must be > 0
  // Fraction of the limit at which FA311 is reported once per frame; 0 disables it.
  double warn_at = 0.8;
  FrameBudgetPolicy policy = FrameBudgetPolicy::Fail;
  // For Custom: returns Fail, Warn, Allow or Promote (Custom is treated as Fail).
  std::function<FrameBudgetPolicy(const FrameBudgetRequest&)> handler = nullptr;
};

}  // namespace fa
