// Per-instance observability state: lifecycle-event callback and counts, profiler hooks,
// the frame history ring and per-thread call-site tables. Everything here is reached from
// slow paths only; the inline fast paths never look at it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <source_location>
#include <unordered_map>
#include <vector>

#include <framealloc/call_site.hpp>
#include <framealloc/config.hpp>
#include <framealloc/detail/counter.hpp>
#include <framealloc/events.hpp>
#include <framealloc/profiler.hpp>

#include "behavior_filter.hpp"
#include "frame_clock.hpp"
#include "spin_lock.hpp"

namespace fa::detail {

struct ThreadState;
class Instance;

struct SiteKey {
  const char* file;
  const char* function;
  std::uint32_t line;
  std::uint32_t tag;
  AllocKind kind;
  bool operator==(const SiteKey&) const = default;
};
struct SiteKeyHash {
  std::size_t operator()(const SiteKey& k) const noexcept;
};
struct SiteCount {
  std::uint64_t count = 0, bytes = 0;
};
using SiteTable = std::unordered_map<SiteKey, SiteCount, SiteKeyHash>;

// One per thread and instance.
struct ThreadObserve {
  ClockStamp frame_began = 0;  // owner only
  std::atomic<std::uint64_t> last_frame_ns{0}, last_frame_bytes{0};
  std::mutex sites_mutex;  // the tables are read by stats on other threads
  SiteTable frame_sites, total_sites, last_frame_sites;
  // Frame arena MemoryPressure: bytes above which a frame raises it, and whether this frame did.
  // update_frame_limit() caps the bump limit at the threshold until it is raised, so the fast
  // path pays nothing and the slow path raises the event at the crossing (owner only).
  std::uint64_t pressure_threshold = ~std::uint64_t{0};
  bool pressure_raised = false;
  // Lifecycle events this thread raised, by kind: counted here rather than in one shared word,
  // which every thread's begin_frame()/end_frame() would otherwise hand around between cores.
  OwnedCounter counts[kFrameEventKinds];
};

class Observer {
 public:
  explicit Observer(const AllocConfig& config);

  ThreadObserve* add_thread();
  std::vector<ThreadObserve*> threads() const;

  // ---- lifecycle events ----
  void set_callback(FrameEventCallback cb);
  bool events_enabled() const noexcept { return events_on_.load(std::memory_order_relaxed); }
  void emit(const FrameEvent& e);  // when enabled
  // Counts an event raised on the thread that owns `to` (owner only).
  static void count(ThreadObserve& to, FrameEventKind k, std::uint64_t n = 1) noexcept {
    to.counts[static_cast<std::size_t>(k)].add(n);
  }
  // Counts an event raised on a thread with no state in this instance.
  void count(FrameEventKind k, std::uint64_t n = 1) noexcept {
    counts_[static_cast<std::size_t>(k)].fetch_add(n, std::memory_order_relaxed);
  }
  std::uint64_t counted(FrameEventKind k) const;
  std::uint64_t pressure_bytes(std::size_t capacity) const noexcept;

  // ---- profiler hooks and attribution: both route every request through the slow paths ----
  void set_hooks(ProfilerHooks hooks);
  std::shared_ptr<const ProfilerHooks> hooks() const;
  bool hooks_on() const noexcept { return hooks_on_.load(std::memory_order_relaxed); }
  void set_attribution(bool on) noexcept { sites_on_.store(on, std::memory_order_relaxed); }
  bool attribution() const noexcept { return sites_on_.load(std::memory_order_relaxed); }
  bool observing() const noexcept { return hooks_on() || attribution() || behavior.enabled(); }

  BehaviorFilter behavior;  // FA5xx patterns (behavior_filter.hpp)

  // ---- history ring ----
  void push_history(const FrameRecord& s);
  std::vector<FrameRecord> history() const;

  const double pressure_fraction;

 private:
  mutable std::mutex mutex_;  // callback, hooks, threads
  std::shared_ptr<const FrameEventCallback> callback_;
  std::shared_ptr<const ProfilerHooks> hooks_;
  std::atomic<bool> events_on_{false}, hooks_on_{false}, sites_on_{false};
  std::atomic<std::uint64_t> counts_[kFrameEventKinds] = {};
  std::vector<std::unique_ptr<ThreadObserve>> threads_;

  // A ring of history_capacity_ records, oldest at history_next_ once full. Every thread's
  // end_frame() writes one: a spin lock keeps that to one locked instruction.
  mutable SpinLock history_lock_;
  std::vector<FrameRecord> history_;
  std::size_t history_next_ = 0;
  const std::size_t history_capacity_;
};

// Hooks called by the allocation paths (observer.cpp).
void observe_frame_begin(Instance& inst, ThreadState& ts);
void observe_frame_end(Instance& inst, ThreadState& ts, std::uint64_t used, std::uint64_t allocations);
// Frame slow path, after an allocation brought the frame to `used` bytes: true (once per frame)
// when that crossed the MemoryPressure threshold; marks it raised so update_frame_limit() lifts
// the cap. The caller then emits it with observe_frame_pressure() once the allocation is done.
bool frame_pressure_crossed(ThreadState& ts, std::uint64_t used) noexcept;
void observe_frame_pressure(Instance& inst, ThreadState& ts, std::uint64_t used);
void observe_alloc(Instance& inst, ThreadState& ts, AllocKind kind, const void* p, std::uint64_t bytes,
                   const std::source_location& loc);
void observe_free(Instance& inst, ThreadState& ts, AllocKind kind, const void* p, std::uint64_t bytes);
void observe_deferred_processed(Instance& inst, ThreadState& ts, std::uint64_t blocks);
void observe_remote_free(Instance& inst, ThreadState& ts, std::uint32_t owner_index, std::uint64_t bytes);
void observe_simple(Instance& inst, const ThreadState* ts, FrameEventKind kind);
// Behavior filter hooks (behavior_report.cpp): frame_retained() registrations, promotions at
// end_frame_with_promotions() (dest nullptr when it failed), and reporting of findings.
void observe_retained(Instance& inst, ThreadState& ts, const void* frame_ptr);
void observe_promoted(Instance& inst, ThreadState& ts, const void* frame_ptr, const void* dest);
void report_behavior(Instance& inst, const ThreadState* ts, const std::vector<BehaviorFinding>& findings);
// Aggregated sites of every thread: cumulative, or each thread's last completed frame.
std::vector<CallSiteStats> collect_sites(Instance& inst, bool last_frame_only);

}  // namespace fa::detail
