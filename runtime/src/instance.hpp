// Shared, per-instance state behind SmartAlloc: the thread list, the pool reservation
// and slab registry, the heap registry and the diagnostic sink.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <framealloc/config.hpp>
#include <framealloc/detail/thread_state.hpp>
#include <framealloc/diagnostics.hpp>
#include <framealloc/memory_resource.hpp>
#include <framealloc/transfer.hpp>

#include "diagnostic_tally.hpp"

#include "frame_coordination.hpp"
#include "frame_features_registry.hpp"
#include "observer.hpp"
#include "promotion_counters.hpp"
#include "tag_context.hpp"

namespace fa::detail {

struct HeapBlock {
  std::size_t size;
  std::size_t align;
  ThreadState* owner;
  std::uint32_t charge_tag_plus_one = 0;  // budget charge, as in BlockCharge
  std::uint32_t charge_serial = 0;
};

class Instance {
 public:
  Instance(SmartAlloc& alloc, const AllocConfig& config);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  const AllocConfig config;
  const std::uint64_t id;

  // ---- threads ----
  // Called on the new state's thread, whose TLS record is tls: the state takes the record's
  // frame cursor (and alloc becomes its hot_owner) when no other instance holds it.
  ThreadState* create_thread_state(TlsCache& tls, const void* alloc);
  // ~SmartAlloc: every live thread whose TLS record names alloc forgets it, so a SmartAlloc
  // built later at the same address can never find this instance's states there; a frame
  // cursor held in such a record moves back into its state, freeing the record for the next.
  void forget_cached_owner(const void* alloc);
  // Called on thread exit: returns the thread's arena and, when nothing is outstanding,
  // its pool slabs. The ThreadState itself lives until the instance dies.
  void retire(ThreadState* ts);
  // Thread whose frame arena contains p, or nullptr.
  const ThreadState* frame_owner_of(const void* p);

  // ---- pool reservation ----
  std::byte* region() const noexcept { return region_; }
  std::size_t region_size() const noexcept { return region_size_; }
  SlabHeader* slab_of(const void* p) const noexcept {
    const auto off = static_cast<std::size_t>(static_cast<const std::byte*>(p) - region_);
    return reinterpret_cast<SlabHeader*>(region_ + (off & ~(config.pool_slab_size - 1)));
  }
  SlabHeader* take_slab(ThreadState& owner, std::uint32_t size_class);

  // ---- heap registry (the heap path is mutex-protected by design) ----
  std::mutex heap_mutex;
  std::unordered_map<const void*, HeapBlock> heap_live;
  std::vector<const void*> heap_recently_freed;  // ring, for telling double frees apart
  std::size_t heap_recent_next = 0;
  std::uint64_t heap_live_bytes = 0;
  std::uint64_t heap_peak_bytes = 0;
  bool heap_recently_freed_contains(const void* p) const;
  void heap_remember_freed(const void* p);

  // ---- diagnostics ----
  void report(Diagnostic d);
  void set_sink(std::shared_ptr<DiagnosticSink> sink);
  std::uint64_t diagnostics_reported() const noexcept {
    return diagnostics_reported_.load(std::memory_order_relaxed);
  }

  // ---- tags, budgets, phases (tags.cpp, budgets.cpp, phases.cpp) ----
  TagRegistry tags;
  Budget global_budget{BudgetScope::Global, 0, ""};
  std::atomic<std::uint64_t> budget_epoch{1};   // bumped by every budget change
  std::atomic<std::uint64_t> budget_serial{0};  // bumped when a budget is armed
  std::atomic<std::uint64_t> deferred_processed_at_last_snapshot{0};
  void emit_budget_event(const BudgetEvent& e);
  void set_budget_callback(BudgetCallback cb);

  // ---- stats ----
  void collect(AllocStats& out);
  ThreadStats thread_stats(const ThreadState& ts);

  FrameMemoryResource frame_resource;
  PoolMemoryResource pool_resource;
  FrameFeatureRegistry features;     // scratch pools, groups, handles, streaming
  TransferCounters transfers;        // frame_box_for_transfer / receive / drop counts
  DiagnosticTally diagnostic_tally;  // per-code counts for snapshots
  Observer observer;                 // lifecycle events, profiler hooks, history, call sites
  PromotionCounters promotions;      // end_frame_with_promotions on every thread
  FrameCoordination coordination;    // the FrameLoop coordinating this instance, if any (FA202)

 private:
  void release_slab(SlabHeader* slab);
  ThreadStats snapshot(const ThreadState& ts) const;  // caller holds mutex_

  std::mutex mutex_;  // threads_ and the slab registry
  std::vector<std::unique_ptr<ThreadState>> threads_;
  std::byte* region_ = nullptr;
  std::size_t region_size_ = 0;
  std::size_t next_slab_offset_ = 0;
  std::vector<std::byte*> free_slabs_;
  std::uint64_t slabs_in_use_ = 0;

  std::vector<std::unique_ptr<TagContext>> tag_contexts_;  // under mutex_, one per thread
  std::mutex budget_callback_mutex_;
  std::shared_ptr<BudgetCallback> budget_callback_;

  std::mutex sink_mutex_;
  std::shared_ptr<DiagnosticSink> sink_;
  std::atomic<std::uint64_t> diagnostics_reported_{0};
};

// Draws one pool block for ts from its free list, the remote-free stack, the current
// slab, or a new slab. nullptr when the pool reservation is used up.
void* pool_take(Instance& inst, ThreadState& ts, std::size_t size_class);
// Moves up to max_blocks blocks other threads freed back onto ts's own free lists.
std::size_t drain_remote_frees(Instance& inst, ThreadState& ts,
                               std::size_t max_blocks = static_cast<std::size_t>(-1)) noexcept;
// Applies AllocConfig::deferred at one of the owner's processing points.
enum class DeferredPoint { FrameBegin, FrameEnd, Refill };
void process_deferred_at(Instance& inst, ThreadState& ts, DeferredPoint point) noexcept;
// Cross-thread frees are handed to their owner in chains of up to this many blocks.
inline constexpr std::uint32_t kRemoteBatchBlocks = 32;
// Pushes ts's pending chain of cross-thread frees to its owner (one CAS); ts's thread only.
void flush_remote_batch(ThreadState& ts) noexcept;
// Queues b on its owner's deferred-free queue under the overflow policy; false when refused.
bool queue_remote_free(SmartAlloc& alloc, Instance& inst, ThreadState& owner, FreeBlock* b);

}  // namespace fa::detail
