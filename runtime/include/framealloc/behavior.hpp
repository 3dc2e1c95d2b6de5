// Behavior filter: watches how each tag uses frame, pool and heap memory and reports
// FA501/FA502/FA510/FA520/FA530 once per (code, tag) when a pattern crosses its threshold.
#pragma once

#include <cstdint>
#include <string>

#include <framealloc/call_site.hpp>
#include <framealloc/diagnostic_codes.hpp>

namespace fa {

// Limits for the behavior filter. Rates are fractions in [0, 1]; a pattern is reported only
// once enough evidence exists (min_samples allocations, min_frames frames) so a single odd
// frame does not trigger it.
struct BehaviorThresholds {
  double max_avg_lifetime_frames = 4.0;          // FA501: average frames a promoted allocation lives
  double max_survival_rate = 0.5;                // FA502: retained share of a tag's frame allocations
  double max_pool_scratch_rate = 0.75;           // FA510: share of pool blocks freed in their own frame
  double max_promotions_per_frame = 0.5;         // FA520: promotions per frame of the thread
  std::uint32_t max_heap_allocs_per_frame = 16;  // FA530: heap allocations per frame ...
  std::uint32_t heap_hot_frames = 8;             // ... for this many consecutive frames
  std::uint32_t min_samples = 32;                // allocations before a rate is judged
  std::uint32_t min_frames = 8;                  // frames before a per-frame rate is judged
  std::uint32_t min_lifetime_samples = 8;        // freed promotions before FA501 is judged

  static BehaviorThresholds default_() { return {}; }
  // Reports earlier and on smaller deviations: for tuning sessions and CI.
  static BehaviorThresholds strict() { return {2.0, 0.25, 0.5, 0.25, 4, 4, 8, 4, 4}; }
  // Only flags gross misuse: for shipping builds that keep the filter on.
  static BehaviorThresholds relaxed() { return {16.0, 0.8, 0.95, 2.0, 64, 30, 128, 30, 16}; }

  // Empty when usable, else what is wrong (a rate outside [0, 1], NaN, a zero count).
  std::string validate() const;
};

// One reported pattern: what was seen, against which limit, and what to do about it.
struct BehaviorIssue {
  Code code{};
  std::string tag;  // tag path; "" for untagged allocations
  AllocKind kind{};
  double observed = 0;
  double threshold = 0;
  std::string advice;
  std::uint32_t thread_index = 0;
  std::uint64_t frame_number = 0;  // completed frames of that thread when it was reported
};

}  // namespace fa
