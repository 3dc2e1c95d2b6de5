// Memory budgets: a global limit and per-tag limits over the bytes live in frame, pool
// and heap memory. A hard limit makes the allocation fail (FA301/FA302); crossing a soft
// limit, a refusal and a new peak are reported as events through a callback.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace fa {

// soft == 0 means "no soft limit". hard must be > 0; soft must be <= hard. Negative
// values are rejected with std::invalid_argument.
struct BudgetLimits {
  std::int64_t soft = 0;
  std::int64_t hard = 0;
};

enum class BudgetEventKind : std::uint8_t { SoftLimitExceeded, HardLimitExceeded, NewPeak };
enum class BudgetScope : std::uint8_t { Global, Tag };

struct BudgetEvent {
  BudgetEventKind kind;
  BudgetScope scope;
  std::string tag_path;         // empty for the global budget
  std::uint64_t used = 0;       // bytes charged after the request (HardLimitExceeded: before)
  std::uint64_t requested = 0;  // bytes of the request that triggered the event (0 for NewPeak)
  std::uint64_t limit = 0;      // the limit crossed (the peak for NewPeak)
  std::uint64_t frame_number = 0;
  std::uint32_t thread_index = 0;
};

using BudgetCallback = std::function<void(const BudgetEvent&)>;

struct BudgetStats {
  BudgetScope scope = BudgetScope::Global;
  std::string tag_path;
  std::uint64_t soft_limit = 0;
  std::uint64_t hard_limit = 0;
  std::uint64_t used = 0;
  std::uint64_t peak = 0;
  std::uint64_t refusals = 0;  // allocations the hard limit refused
};

constexpr const char* to_string(BudgetEventKind k) noexcept {
  switch (k) {
    case BudgetEventKind::SoftLimitExceeded:
      return "SoftLimitExceeded";
    case BudgetEventKind::HardLimitExceeded:
      return "HardLimitExceeded";
    case BudgetEventKind::NewPeak:
      return "NewPeak";
  }
  return "unknown";
}

}  // namespace fa
