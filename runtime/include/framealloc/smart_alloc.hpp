// fa::SmartAlloc: frame arenas, thread-local pools and a heap path behind one object
// that is shared by reference across threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <memory_resource>
#include <new>
#include <source_location>
#include <span>
#include <type_traits>
#include <utility>

#include <framealloc/behavior.hpp>
#include <framealloc/budgets.hpp>
#include <framealloc/call_site.hpp>
#include <framealloc/config.hpp>
#include <framealloc/detail/thread_state.hpp>
#include <framealloc/diagnostics.hpp>
#include <framealloc/events.hpp>
#include <framealloc/frame_features_fwd.hpp>
#include <framealloc/phases.hpp>
#include <framealloc/profiler.hpp>
#include <framealloc/stats.hpp>
#include <framealloc/tags.hpp>
#include <framealloc/thread_budget.hpp>

namespace fa {

template <class T>
class FrameBox;
template <class T>
class PoolBox;
template <class T>
class HeapBox;
template <class T>
class TransferHandle;
struct TransferStats;
struct Snapshot;
namespace detail {
struct TransferCounters;
class Instance;
}  // namespace detail
using SrcLoc = std::source_location;

class SmartAlloc {
 public:
  explicit SmartAlloc(AllocConfig config = AllocConfig{});  // throws std::invalid_argument
  ~SmartAlloc();
  SmartAlloc(const SmartAlloc&) = delete;
  SmartAlloc& operator=(const SmartAlloc&) = delete;

  const AllocConfig& config() const noexcept;
  std::uint64_t instance_id() const noexcept { return id_; }

  // ---- Frame: bump allocation on the calling thread's arena, released by end_frame() ----
  void begin_frame();
  void end_frame();
  bool frame_active() const;
  std::uint64_t frame_number() const;  // frames completed by the calling thread
  std::size_t frame_remaining() const;
  std::size_t frame_used() const;

  // Reports FA001/FA003/FA542 and throws AllocError when the request cannot be served.
  // Every allocation function takes the caller's location for call-site attribution
  // (call_site.hpp); variadic ones take an optional fa::here() first argument instead.
  void* frame_alloc_bytes(std::size_t size, std::size_t align = alignof(std::max_align_t),
                          SrcLoc loc = SrcLoc::current());
  // Returns nullptr on exhaustion (silently) or misuse (FA001/FA542 reported; may throw
  // StrictModeError in strict mode).
  void* try_frame_alloc_bytes(std::size_t size, std::size_t align = alignof(std::max_align_t),
                              SrcLoc loc = SrcLoc::current());

  // Constructs T in frame memory. ~T is never run: use frame_box() when it matters.
  template <class T, class... Args>
  T* frame_alloc(CallSite site, Args&&... args) {
    return ::new (frame_alloc_bytes(sizeof(T), alignof(T), site.location)) T(std::forward<Args>(args)...);
  }
  template <class T, class... Args>
  T* frame_alloc(Args&&... args) {
    return frame_alloc<T>(CallSite{}, std::forward<Args>(args)...);
  }
  template <class T, class... Args>
  T* try_frame_alloc(CallSite site, Args&&... args) {
    void* mem = try_frame_alloc_bytes(sizeof(T), alignof(T), site.location);
    return mem ? ::new (mem) T(std::forward<Args>(args)...) : nullptr;
  }
  template <class T, class... Args>
  T* try_frame_alloc(Args&&... args) {
    return try_frame_alloc<T>(CallSite{}, std::forward<Args>(args)...);
  }
  // n value-initialised elements; an empty span for n == 0.
  template <class T>
  std::span<T> frame_alloc_batch(std::size_t n, SrcLoc loc = SrcLoc::current()) {
    if (n == 0) return {};
    T* first = static_cast<T*>(frame_alloc_bytes(checked_bytes<T>(n, true), alignof(T), loc));
    return construct_batch(first, n);
  }
  template <class T>
  std::span<T> try_frame_alloc_batch(std::size_t n, SrcLoc loc = SrcLoc::current()) {
    if (n == 0) return {};
    const std::size_t bytes = checked_bytes<T>(n, false);
    T* first = bytes ? static_cast<T*>(try_frame_alloc_bytes(bytes, alignof(T), loc)) : nullptr;
    return first ? construct_batch(first, n) : std::span<T>{};
  }
  // Runs ~T when the box dies; debug builds report FA002 if it is used after its frame.
  template <class T, class... Args>
  FrameBox<T> frame_box(Args&&... args);
  template <class T, class... Args>
  FrameBox<T> frame_box(CallSite site, Args&&... args);

  // ---- Pool: thread-local size classes; larger or over-aligned objects use the heap path ----
  void* pool_alloc_bytes(std::size_t size, std::size_t align = alignof(std::max_align_t),
                         SrcLoc loc = SrcLoc::current());
  // Any thread may free; blocks go back to the thread that owns them.
  void pool_free_bytes(void* p);
  template <class T, class... Args>
  T* pool_alloc(Args&&... args) {
    return pool_alloc<T>(CallSite{}, std::forward<Args>(args)...);
  }
  template <class T, class... Args>
  T* pool_alloc(CallSite site, Args&&... args) {
    void* mem = pool_alloc_bytes(sizeof(T), alignof(T), site.location);
    if constexpr (std::is_nothrow_constructible_v<T, Args...>) {
      return ::new (mem) T(std::forward<Args>(args)...);
    } else {
      try {
        return ::new (mem) T(std::forward<Args>(args)...);
      } catch (...) {
        pool_free_bytes(mem);
        throw;
      }
    }
  }
  template <class T>
  void pool_free(T* p) {
    if (!p) return;
    if constexpr (!std::is_trivially_destructible_v<T>) {
      if (!owns_pool_block(p)) return;  // reported; never destroy what is not ours
      p->~T();
    }
    pool_free_bytes(const_cast<void*>(static_cast<const volatile void*>(p)));
  }
  template <class T, class... Args>
  PoolBox<T> pool_box(Args&&... args);
  template <class T, class... Args>
  PoolBox<T> pool_box(CallSite site, Args&&... args);

  // ---- Heap: system allocator with tracking (large objects) ----
  void* heap_alloc_bytes(std::size_t size, std::size_t align = alignof(std::max_align_t),
                         SrcLoc loc = SrcLoc::current());
  void heap_free_bytes(void* p);
  template <class T, class... Args>
  T* heap_alloc(Args&&... args) {
    return heap_alloc<T>(CallSite{}, std::forward<Args>(args)...);
  }
  template <class T, class... Args>
  T* heap_alloc(CallSite site, Args&&... args) {
    void* mem = heap_alloc_bytes(sizeof(T), alignof(T), site.location);
    try {
      return ::new (mem) T(std::forward<Args>(args)...);
    } catch (...) {
      heap_free_bytes(mem);
      throw;
    }
  }
  template <class T>
  void heap_free(T* p) {
    if (!p) return;
    if constexpr (!std::is_trivially_destructible_v<T>) {
      if (!owns_heap_block(p)) return;
      p->~T();
    }
    heap_free_bytes(const_cast<void*>(static_cast<const volatile void*>(p)));
  }
  template <class T, class... Args>
  HeapBox<T> heap_box(Args&&... args);
  template <class T, class... Args>
  HeapBox<T> heap_box(CallSite site, Args&&... args);

  // Takes back up to max_blocks of the calling thread's pool blocks that other threads
  // freed (all by default); returns how many. The way to process DeferredProcessing::Explicit.
  std::size_t process_deferred(std::size_t max_blocks = static_cast<std::size_t>(-1));

  // True when p is a live pool (or pool-fallback heap) block of this instance; otherwise
  // reports FA540/FA541/FA201 and returns false.
  bool owns_pool_block(const void* p);
  bool owns_heap_block(const void* p);

  // ---- Standard library integration ----
  std::pmr::memory_resource& frame_resource() noexcept;
  std::pmr::memory_resource& pool_resource() noexcept;

  // ---- Tags, budgets and phases (tags.hpp, budgets.hpp, phases.hpp) ----
  // Tags are per thread. push_tag/with_tag throw std::invalid_argument for a bad name;
  // pop_tag with no tag pushed reports FA031 and does nothing.
  void push_tag(std::string_view name);
  void pop_tag();
  template <class F>
  decltype(auto) with_tag(std::string_view name, F&& fn) {
    TagScope scope(*this, name);
    return std::forward<F>(fn)();
  }
  std::string current_tag() const;  // innermost name, "" when untagged
  std::string tag_path() const;     // "ai::pathfinding", "" when untagged

  // Budgets count bytes allocated while they are set (frame memory until its end_frame,
  // pool and heap memory until freed). The calling thread applies a change at once, other
  // threads at their next begin_frame(), tag change or budget change of their own.
  void set_global_budget(BudgetLimits limits);  // throws std::invalid_argument
  void clear_global_budget();
  // The budget of a path covers allocations under it and under its children.
  void set_tag_budget(std::string_view path, BudgetLimits limits);  // throws std::invalid_argument
  void clear_tag_budget(std::string_view path);
  void on_budget_event(BudgetCallback callback);  // runs on the allocating thread
  std::vector<BudgetStats> budget_stats() const;
  // The calling thread's frame budget (thread_budget.hpp). Takes effect at once; the
  // warning and the Warn/Allow policies re-arm at every begin_frame(). frame_remaining()
  // reports the room left under it. Throws std::invalid_argument for a zero limit, a
  // warn_at outside [0, 1) or Custom without a handler.
  void set_thread_frame_budget(ThreadFrameBudget budget);
  void clear_thread_frame_budget();

  // Phases are per thread and nest. end_phase() with none open reports FA030; phases still
  // open at end_frame() are closed there with FA030.
  void begin_phase(std::string_view name);
  PhaseStats end_phase();
  PhaseScope phase_scope(std::string_view name) { return PhaseScope(*this, name); }
  // Phases completed in the calling thread's current frame (in completion order), or in
  // its last completed frame when no frame is active.
  std::vector<PhaseStats> frame_phases() const;
  // ---- Frame features: checkpoints, collections, scratch, retention, groups, handles, streaming ----
  // Checkpoints (checkpoint.hpp). A checkpoint that is not a position in the calling thread's
  // current frame (other frame or thread, or rolled back past) reports FA010 and changes nothing.
  FrameCheckpoint frame_checkpoint();
  bool rollback_to(const FrameCheckpoint& checkpoint);
  CheckpointGuard checkpoint_guard();
  // Rolls back unless fn's result tests true; an exception also rolls back and propagates.
  template <class F>
  auto speculative(F&& fn) -> std::invoke_result_t<F&>;
  // Fixed-capacity frame containers (frame_collections.hpp); capacity 0 throws invalid_argument.
  template <class T>
  FrameVec<T> frame_vec(std::size_t capacity);
  template <class K, class V>
  FrameMap<K, V> frame_map(std::size_t capacity);
  // Named arenas that persist across frames (scratch_pool.hpp); the registry is thread-safe.
  ScratchPool& scratch_pool(std::string_view name, std::size_t capacity = kDefaultScratchPoolSize);
  ScratchRegistry& scratch();
  // Retention (retention.hpp): frame objects promoted by end_frame_with_promotions(); a plain
  // end_frame() destroys them.
  template <class T, class... Args>
  T* frame_retained(const RetentionPolicy& policy, Args&&... args);
  template <class T, class... Args>
  T* frame_with_importance(Importance importance, Args&&... args);
  PromotionResult end_frame_with_promotions();
  // Per-instance, thread-safe registries (groups.hpp, handles.hpp, streaming.hpp).
  AllocationGroups& groups();
  HandleAllocator& handles();
  StreamingAllocator& streaming();
  // ---- end of frame features ----

  // ---- Observability ----
  AllocStats stats() const;
  ThreadStats thread_stats() const;  // calling thread
  // Lifecycle events (events.hpp). An empty callback turns them off. The callback runs on the
  // thread that caused the event and must not call on_frame_event() itself.
  void on_frame_event(FrameEventCallback callback);
  FrameEventCounts event_counts() const;
  // Profiler hooks (profiler.hpp); empty hooks turn them off.
  void set_profiler_hooks(ProfilerHooks hooks);
  // The last AllocConfig::frame_history_size completed frames of all threads, oldest first.
  std::vector<FrameRecord> frame_history() const;
  FrameGraph frame_graph(std::uint32_t thread_index) const;  // one thread's series
  // Call-site attribution (call_site.hpp). Other threads follow at their next begin_frame().
  void set_call_site_attribution(bool on);
  bool call_site_attribution() const noexcept;
  std::vector<CallSiteStats> call_site_stats() const;             // since attribution began
  std::vector<CallSiteStats> last_frame_call_site_stats() const;  // each thread's last frame
  // Behavior filter (behavior.hpp): routes every request through the observation path and
  // reports FA501/502/510/520/530 once per (code, tag). Enabling resets counters and the
  // report; invalid thresholds throw std::invalid_argument and change nothing.
  void enable_behavior_filter(const BehaviorThresholds& thresholds = BehaviorThresholds::default_());
  void disable_behavior_filter();  // stops counting; behavior_report() keeps what was found
  bool behavior_filter_enabled() const noexcept;
  std::vector<BehaviorIssue> behavior_report() const;
  void set_diagnostic_sink(std::shared_ptr<DiagnosticSink> sink);
  // Reports through the sink with this instance's context, then applies strict mode.
  void report(Code code, std::string message, std::vector<std::string> notes = {}, std::string help = {});

  // ---- Thread coordination and snapshots ----
  // Hands `value` to another thread: it is moved into a pool block (heap path for large
  // types), not the frame arena, so it stays valid after the sender's end_frame() until
  // the receiver calls receive(). Defined in <framealloc/transfer.hpp>.
  template <class T>
  TransferHandle<std::remove_cvref_t<T>> frame_box_for_transfer(T&& value);
  TransferStats transfer_stats() const;
  // A snapshot of this instance's live state (<framealloc/snapshot.hpp>).
  Snapshot build_snapshot() const;
  detail::TransferCounters& transfer_counters() const noexcept;            // internal, for TransferHandle
  detail::Instance& internal_instance() const noexcept { return *impl_; }  // internal
  // ---- end of thread coordination and snapshots ----

  // Internal, used by the box types.
  detail::ThreadState* current_thread_state_if_attached() const noexcept;
  detail::ThreadState& local() const {
    const detail::TlsCache& c = detail::tls_cache;
    if (c.owner.load(std::memory_order_relaxed) == this) [[likely]]
      return *c.state;
    return attach_slow();
  }

 private:
  template <class T>
  static std::size_t checked_bytes(std::size_t n, bool throwing) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) {
      if (throwing) throw AllocError(Code::FA003);
      return 0;
    }
    return n * sizeof(T);
  }
  template <class T>
  static std::span<T> construct_batch(T* first, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) ::new (static_cast<void*>(first + i)) T();
    return {first, n};
  }

  friend class ThreadHandle;
  void report_foreign_handle();  // FA201: a ThreadHandle used on another thread
  detail::ThreadState& attach_slow() const;
  // The inline frame bump, for the instance whose cursor is in this thread's TLS record.
  bool bump_in_record(std::size_t size, std::size_t align, void*& p) const noexcept;
  void* frame_alloc_slow(std::size_t size, std::size_t align, bool throwing, SrcLoc loc);
  void* pool_alloc_slow(std::size_t size, std::size_t align, SrcLoc loc);
  void pool_free_slow(void* p);
  void heap_free_named(void* p, const char* fn);
  bool owns_heap_block_named(const void* p, const char* fn);

  std::uint64_t id_;
  detail::PoolRegion pool_region_;
  std::size_t pool_max_;
  std::shared_ptr<detail::Instance> impl_;
};

// ---- inline fast paths ----

// The location is only passed on to the slow paths: the fast paths never read it.
// Inline only for the instance whose cursor is in this thread's TLS record (the first one the
// thread attached to): one compare, then the cursor at a fixed %fs offset. Every other case,
// a second instance included, starts in frame_alloc_slow().
inline bool SmartAlloc::bump_in_record(std::size_t size, std::size_t align, void*& p) const noexcept {
  detail::TlsCache& c = detail::tls_cache;
  return c.hot_owner.load(std::memory_order_relaxed) == this && detail::frame_bump(c.hot, size, align, p);
}

inline void* SmartAlloc::frame_alloc_bytes(std::size_t size, std::size_t align, SrcLoc loc) {
  void* p;
  if (bump_in_record(size, align, p)) [[likely]]
    return p;
  return frame_alloc_slow(size, align, true, loc);
}

inline void* SmartAlloc::try_frame_alloc_bytes(std::size_t size, std::size_t align, SrcLoc loc) {
  void* p;
  if (bump_in_record(size, align, p)) [[likely]]
    return p;
  return frame_alloc_slow(size, align, false, loc);
}

inline void* SmartAlloc::pool_alloc_bytes(std::size_t size, std::size_t align, SrcLoc loc) {
  detail::PoolHot& ph = local().pool;
  if (size - 1 < ph.fast_max && align <= 16) [[likely]] {
    if (void* p = detail::pool_pop(ph, detail::size_class_of(size))) [[likely]]
      return p;
  }
  return pool_alloc_slow(size, align, loc);
}

// No lookup: the TLS record's pool key matches only slabs of the thread's cached state, and
// this instance's region check comes first, so a match is this thread's own block.
inline void SmartAlloc::pool_free_bytes(void* p) {
  if (detail::pool_free_inline(pool_region_, detail::tls_cache.pool_key.load(std::memory_order_relaxed), p))
      [[likely]]
    return;
  pool_free_slow(p);
}

}  // namespace fa
