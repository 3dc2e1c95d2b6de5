// Per-thread, per-instance allocator state and the inline fast paths that use it.
// Internal: layout may change between versions.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>

#include <framealloc/detail/counter.hpp>
#include <framealloc/detail/frame_features_state.hpp>
#include <framealloc/detail/size_classes.hpp>

namespace fa::detail {

class Instance;
struct ThreadState;
struct TagContext;     // tags, budget charges and phases of one thread (runtime/src/tag_context.hpp)
struct BlockCharge;    // the budget charge of one pool block (runtime/src/tag_context.hpp)
struct ThreadObserve;  // frame timing and call-site tables (runtime/src/observer.hpp)

struct FreeBlock {
  FreeBlock* next;
};

// Placed at the start of every pool slab; the slab is found by masking a block address.
struct SlabHeader {
  static constexpr std::uint64_t kMagic = 0x46414c4c4f43534cull;  // "FALLOCSL"
  std::uint64_t magic;
  ThreadState* owner;
  std::uint32_t size_class;
  std::uint32_t block_size;
  std::byte* first_block;
  std::byte* end;
  // Debug checks only: one state per block (0 never used, 1 live, 2 free).
  std::atomic<std::uint8_t>* block_states;
  // Budget charges of the slab's blocks, created when the first charged block is handed
  // out; frees of such slabs take the slow path to refund them.
  BlockCharge* charges;
};

struct SizeClassState {
  FreeBlock* free = nullptr;
  std::byte* carve = nullptr;  // next never-used block in the current slab
  std::byte* carve_end = nullptr;
};

struct FrameArena {
  std::byte* base = nullptr;
  // Written only by the owner; relaxed atomic (a plain mov on x86-64) so stats readers on
  // other threads can see how much of the current frame is used.
  std::atomic<std::byte*> cur{nullptr};
  // base + capacity during a frame. base when no frame is active or the thread is
  // instrumented, so those requests fall through to the slow path (FA001, poisoning).
  std::byte* limit = nullptr;
  std::size_t capacity = 0;
  // Written only by the owner; relaxed atomic so stats readers on other threads can see it.
  std::atomic<bool> active{false};
  // Bumped by every end_frame() and at thread exit; FrameBox compares it.
  std::atomic<std::uint64_t> generation{0};
  OwnedCounter frames_completed;
  // Frame allocation count at begin_frame(), to release them in bulk at end_frame().
  OwnedCounter allocations_at_begin;
};

struct ThreadState {
  Instance* instance = nullptr;
  std::uint32_t index = 0;
  std::thread::id thread_id;
  bool instrumented = false;  // debug checks, ASan or Valgrind: take the instrumented paths
  bool budgeted = false;      // a budget applies to this thread's allocations: charge them
  bool observed = false;      // profiler hooks or call-site attribution: every request takes the slow path
  bool pool_checked = false;  // instrumented || budgeted || observed: pool requests take the slow path
  std::atomic<bool> exited{false};

  FrameArena frame;
  SizeClassState classes[kNumClasses];
  // Blocks of this thread's slabs freed by other threads (lock-free stack, owner drains):
  // the deferred-free queue. Depth is counted by pushers and the draining owner.
  std::atomic<FreeBlock*> remote_free{nullptr};
  std::atomic<std::uint64_t> remote_depth{0};
  std::atomic<bool> drain_requested{false};  // DeferredOverflow::ProcessImmediately
  std::atomic<std::uint64_t> deferred_dropped{0}, deferred_refused{0};
  OwnedCounter deferred_processed;
  std::uint64_t pool_outstanding = 0;  // bytes of this thread's slabs in use

  // frame_stats.bytes_* cover completed frames (bytes used, alignment padding included);
  // the current frame's bytes are cur - base.
  KindCounters frame_stats, pool_stats, heap_stats;
  OwnedCounter pool_remote_frees;
  OwnedCounter failed_allocations;
  // Heap bytes allocated by this thread and not yet freed; updated under the heap mutex.
  std::uint64_t heap_outstanding = 0;

  TagContext* tags = nullptr;        // owned by the Instance
  ThreadObserve* observe = nullptr;  // owned by the Instance's Observer
  FrameFeatureState features;        // retained allocations, checkpoint bookkeeping
};

// Single-entry cache of (instance, state) for the calling thread: the fast path is one
// compare. Instance ids are never reused, so a stale entry can never match.
struct TlsCache {
  std::uint64_t instance_id;
  ThreadState* state;
};
extern constinit thread_local TlsCache tls_cache;

constexpr bool is_pow2(std::size_t v) noexcept {
  return v != 0 && (v & (v - 1)) == 0;
}

// Bump allocation inside the current frame; nullptr means "take the slow path" (no frame,
// instrumented thread, bad or large alignment, zero size, or not enough room).
inline void* frame_bump(ThreadState& ts, std::size_t size, std::size_t align) noexcept {
  FrameArena& a = ts.frame;
  const auto cur = reinterpret_cast<std::uintptr_t>(a.cur.load(std::memory_order_relaxed));
  const auto limit = reinterpret_cast<std::uintptr_t>(a.limit);
  const std::uintptr_t p = (cur + (align - 1)) & ~(std::uintptr_t{align} - 1);
  if (!is_pow2(align) || align > 4096 || p > limit || size - 1 >= limit - p) [[unlikely]]
    return nullptr;
  a.cur.store(reinterpret_cast<std::byte*>(p + size), std::memory_order_relaxed);
  ts.frame_stats.allocations.add(1);
  return reinterpret_cast<void*>(p);
}

// Pops a block from the thread's own free list; nullptr means "take the slow path".
inline void* pool_pop(ThreadState& ts, std::size_t cls) noexcept {
  SizeClassState& c = ts.classes[cls];
  FreeBlock* b = c.free;
  if (!b) [[unlikely]]
    return nullptr;
  c.free = b->next;
  const std::uint32_t bytes = kClassSizes[cls];
  ts.pool_outstanding += bytes;
  ts.pool_stats.allocations.add(1);
  ts.pool_stats.bytes_allocated.add(bytes);
  ts.pool_stats.peak_bytes.raise_to(ts.pool_outstanding);
  return b;
}

}  // namespace fa::detail
