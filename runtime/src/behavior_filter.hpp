// Per-instance state of the behavior filter: counters per (thread, tag) fed by the
// observation hooks, evaluated at each thread's end_frame() and at frees of tracked blocks.
// One mutex guards everything: the filter only runs on the slow paths.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include <framealloc/behavior.hpp>

namespace fa::detail {

struct TagBehavior {
  std::uint64_t frame_allocs = 0, survived = 0;             // FA502
  std::uint64_t promotions = 0;                             // FA520
  std::uint64_t pool_allocs = 0, pool_same_frame = 0;       // FA510
  std::uint64_t heap_this_frame = 0, heap_streak = 0;       // FA530
  std::uint64_t lifetime_samples = 0, lifetime_frames = 0;  // FA501
};

struct ThreadBehavior {
  std::uint64_t frames = 0;            // frames ended while the filter was on
  std::uint64_t frames_completed = 0;  // the thread's frame counter at its last end_frame()
  std::unordered_map<std::uint32_t, TagBehavior> tags;
  std::unordered_map<const void*, std::uint32_t> retained_tags;  // frame_retained() this frame
};

// A threshold crossed, before it is formatted and reported (outside the filter's lock).
struct BehaviorFinding {
  Code code{};
  std::uint32_t tag = 0;
  AllocKind kind{};
  double observed = 0, threshold = 0;
  std::uint32_t thread_index = 0;
};

class BehaviorFilter {
 public:
  void enable(const BehaviorThresholds& t);  // resets counters and the report
  void disable();
  bool enabled() const noexcept { return on_.load(std::memory_order_relaxed); }

  // Hooks; each returns the findings to report.
  void on_alloc(std::uint32_t thread, std::uint32_t tag, AllocKind kind, const void* p,
                std::uint64_t frames_completed, bool in_frame);
  std::vector<BehaviorFinding> on_free(std::uint32_t thread, const void* p, std::uint64_t frames_completed,
                                       bool in_frame);
  void on_retained(std::uint32_t thread, std::uint32_t tag, const void* frame_ptr);
  void on_promoted(std::uint32_t thread, const void* frame_ptr, const void* dest, std::uint64_t frame_number);
  std::vector<BehaviorFinding> on_frame_end(std::uint32_t thread, std::uint64_t frames_completed);

  // Records the issue unless (code, tag) was already reported; true when it is new.
  bool record(BehaviorIssue issue);
  std::vector<BehaviorIssue> report() const;

 private:
  struct PoolRecord {
    std::uint32_t thread, tag;
    std::uint64_t frame;
    bool in_frame;
  };
  struct PromotedRecord {
    std::uint32_t thread, tag;
    std::uint64_t frame;
  };
  TagBehavior& counters(std::uint32_t thread, std::uint32_t tag) { return threads_[thread].tags[tag]; }
  void check_lifetime(std::uint32_t thread, std::uint32_t tag, std::vector<BehaviorFinding>& out);

  std::atomic<bool> on_{false};
  mutable std::mutex mutex_;
  BehaviorThresholds limits_;
  std::unordered_map<std::uint32_t, ThreadBehavior> threads_;
  std::unordered_map<const void*, PoolRecord> pool_live_;     // only while the filter is on
  std::unordered_map<const void*, PromotedRecord> promoted_;  // promoted frame allocations
  std::set<std::pair<Code, std::uint32_t>> flagged_;          // (code, tag) already found
  std::vector<BehaviorIssue> issues_;
};

}  // namespace fa::detail
