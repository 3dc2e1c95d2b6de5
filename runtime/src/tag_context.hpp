// Internal state behind tags, budgets and phases: the per-instance tag registry and
// budgets, and the per-thread context (tag stack, attribution segment, budget charges,
// open phases).
//
// Attribution costs nothing on the fast paths: a thread's allocation counters and frame
// cursor are sampled when its current tag changes, and the difference since the last
// sample is added to the tag that was current ("segments").
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <framealloc/budgets.hpp>
#include <framealloc/detail/counter.hpp>
#include <framealloc/phases.hpp>
#include <framealloc/tags.hpp>
#include <framealloc/thread_budget.hpp>

namespace fa::detail {

struct ThreadState;

// Allocation counters of one thread at one moment, or a difference of two such samples.
struct Sample {
  std::uint64_t frame_allocs = 0, frame_bytes = 0;
  std::uint64_t pool_allocs = 0, pool_bytes = 0;
  std::uint64_t heap_allocs = 0, heap_bytes = 0;

  Sample& operator+=(const Sample& o) noexcept;
  Sample operator-(const Sample& o) const noexcept;  // clamps at zero (a checkpoint rollback)
};
Sample sample_of(const ThreadState& ts) noexcept;

class Budget {
 public:
  Budget(BudgetScope s, std::uint32_t id, std::string p) : scope(s), tag(id), path(std::move(p)) {}
  const BudgetScope scope;
  const std::uint32_t tag;
  const std::string path;

  std::atomic<std::uint64_t> soft{0}, hard{0};  // hard == 0: inactive
  std::atomic<std::uint64_t> serial{0};         // set_*_budget() serial that (re)armed it
  std::atomic<std::uint64_t> used{0}, peak{0}, reported_peak{0}, refusals{0};
  std::atomic<bool> over_soft{false};

  bool active() const noexcept { return hard.load(std::memory_order_relaxed) != 0; }
  void refund(std::uint64_t bytes) noexcept;  // saturating
};

// The budget charge of one pool block (or heap block): which tag's budgets and which
// budget serial it was charged under, so a budget armed later is never refunded.
struct BlockCharge {
  std::atomic<std::uint32_t> tag_plus_one{0};  // 0: not charged
  std::atomic<std::uint32_t> serial{0};
};

struct TagNode {
  std::string name, path;
  std::int32_t parent;
  std::uint32_t depth;
  std::unique_ptr<Budget> budget;  // created by the first set_tag_budget()
};

// Tag paths interned to small ids; id 0 is the untagged root "".
class TagRegistry {
 public:
  TagRegistry();
  std::uint32_t child(std::uint32_t parent, std::string_view name);  // creates on first use
  std::uint32_t find_or_create_path(std::string_view path);          // throws std::invalid_argument
  std::string path(std::uint32_t id) const;
  std::string name(std::uint32_t id) const;
  std::size_t size() const;
  // The active budgets covering allocations under `id` (the tag and its ancestors).
  void budgets_covering(std::uint32_t id, std::vector<Budget*>& out) const;
  Budget& budget_for(std::uint32_t id);  // creates it inactive
  void for_each(const std::function<void(std::uint32_t, const TagNode&)>& fn) const;

 private:
  mutable std::mutex mutex_;
  std::deque<TagNode> nodes_;
};

struct OpenPhase {
  std::string name, path;
  Sample start;
  std::chrono::steady_clock::time_point started;
};

// One tag's totals on one thread: added to by the owner without a lock (one add per field,
// as in Owned), read by stats() on any thread.
struct SharedSample {
  OwnedCounter frame_allocs, frame_bytes, pool_allocs, pool_bytes, heap_allocs, heap_bytes;
  void add(const Sample& d) noexcept;
  Sample load() const noexcept;
};

struct TagContext {
  // ---- tags (owner thread only, except per_tag) ----
  std::vector<std::uint32_t> stack;  // pushed tag ids, innermost last
  std::uint32_t current = 0;
  Sample segment_start;
  // per_tag is read by stats() on other threads under per_tag_mutex. The owner grows it under
  // the mutex too (a deque: growing never moves an element) and adds to an element without
  // it, so the flush at every end_frame() takes no lock.
  std::mutex per_tag_mutex;
  std::deque<SharedSample> per_tag;

  // ---- budgets (owner thread only) ----
  std::uint64_t chain_epoch = ~std::uint64_t{0};
  std::vector<Budget*> chain;  // budgets to charge for the current tag, global first
  struct FrameCharge {
    Budget* budget;
    std::uint64_t bytes;
  };
  std::vector<FrameCharge> frame_charges;  // refunded by end_frame()
  std::uintptr_t credit_end = 0;           // end of the frame credit charged so far

  // ---- per-thread frame budget (owner thread only, except the counters) ----
  ThreadFrameBudget thread_budget;  // limit 0: none
  bool budget_warned = false;       // this frame
  bool budget_lifted = false;       // this frame: Warn/Allow let it use the whole arena
  std::vector<void*> promoted;      // pool blocks served by Promote, freed by end_frame()
  std::atomic<std::uint64_t> budget_limit{0}, budget_exceeded{0}, promotions{0};

  // ---- phases (owner thread only, except the completed lists) ----
  std::vector<OpenPhase> open_phases;
  mutable std::mutex phases_mutex;
  std::vector<PhaseStats> completed, last_frame_completed;
};

}  // namespace fa::detail
