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
struct SizeClassState;
struct TagContext;     // tags, budget charges and phases of one thread (runtime/src/tag_context.hpp)
struct BlockCharge;    // the budget charge of one pool block (runtime/src/tag_context.hpp)
struct ThreadObserve;  // frame timing and call-site tables (runtime/src/observer.hpp)
struct TlsCache;

struct FreeBlock {
  FreeBlock* next;
};

// Placed at the start of every pool slab; the slab is found by masking a block address.
struct SlabHeader {
  static constexpr std::uint64_t kMagic = 0x46414c4c4f43534cull;  // "FALLOCSL"
  std::uint64_t magic;
  ThreadState* owner;
  // The owner's address while a free by the owner may take the inline path; 0 once the slab
  // has budget charges and for released slabs (their memory reads as zero). One compare
  // with ThreadState::pool_fast_key then covers "live slab, mine, no charges, no checks".
  std::atomic<std::uintptr_t> fast_owner_key;
  SizeClassState* owner_class;  // &owner->pool.classes[size_class]: the inline free's list
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
// Blocks start here: an address below it in a slab is the header, never a block.
inline constexpr std::size_t kSlabHeaderBytes = 128;
static_assert(sizeof(SlabHeader) <= kSlabHeaderBytes);

// One cache line per size class: everything a request of the class touches but the totals.
struct alignas(64) SizeClassState {
  // Free blocks as a stack of pointers, [bottom, top) of an array that ends at ceiling: the
  // inline paths pop and push here and never read block memory. (With a linked list each pop
  // waits for the load of the next pointer from the block the previous pop returned; the
  // stack measured 1.5x faster over a batch of 1024: docs/benchmarks.md.) The array is
  // allocated by the class's first slow request; until then all three are null, so both
  // inline paths fall through. A full stack spills its older half into `free`, an empty one
  // refills from `free`, remote frees and the slab (pool.cpp).
  void** top = nullptr;
  void** bottom = nullptr;
  void** ceiling = nullptr;
  FreeBlock* free = nullptr;   // spilled, drained and slow-path frees
  std::byte* carve = nullptr;  // next never-used block in the current slab
  std::byte* carve_end = nullptr;
  // Blocks of this class this thread allocated / freed (any owner). Bytes are derived
  // (count × class size) when stats are read, so each request bumps one counter, next to
  // the stack it touches anyway.
  OwnedCounter allocs, frees;
};
static_assert(sizeof(SizeClassState) == 64);

// The pool words a request touches, together in the ThreadState. (Keeping them in the
// thread's TLS record, as the frame cursor is, measured no faster: docs/benchmarks.md.)
struct PoolHot {
  SizeClassState classes[kNumClasses];
  // Bytes of this thread's slabs in use = peak - headroom: an allocation subtracts and only
  // raises the peak when the headroom runs out, a free adds. Written by the owner only; stats
  // readers on other threads read them (relaxed atomics).
  OwnedSigned headroom;
  OwnedCounter peak;
  // The instance's pool_max_object_size, or 0 while pool_checked: one compare of size - 1
  // against it admits a request to the inline pool path (size 0 wraps and fails it too).
  std::size_t fast_max = 0;

  PoolHot() = default;
  ~PoolHot() { release_stacks(); }
  // Frees the stacks' arrays; the blocks on them stay in their slabs.
  void release_stacks() noexcept {
    for (SizeClassState& c : classes) {
      delete[] c.bottom;
      c.top = c.bottom = c.ceiling = nullptr;
    }
  }
  PoolHot(const PoolHot&) = delete;
  PoolHot& operator=(const PoolHot&) = delete;
};

// The three words every frame request touches. Each (thread, instance) pair has one: the
// first instance a thread attaches to keeps it in the thread's TLS record (TlsCache::hot),
// where a plain SmartAlloc call reaches it with %fs-relative addresses and no state pointer
// to load first (docs/benchmarks.md); other pairs keep it in their FrameArena. Its place is
// fixed from attach to thread exit, so a ThreadHandle may cache its address.
// Cache-line aligned: unaligned, some placements made a handle's frame requests 35 % slower
// for as long as that state lived (docs/benchmarks.md).
struct alignas(64) FrameCursor {
  // Written only by the owner; relaxed atomic (a plain mov on x86-64) so stats readers on
  // other threads can see how much of the current frame is used.
  std::atomic<std::byte*> cur{nullptr};
  // base + capacity during a frame (or lower: budgets, pressure). Equal to cur when no frame is
  // active or the thread is instrumented, so those requests fall through to the slow path
  // (FA001, poisoning). Never below cur: frame_bump() relies on it.
  std::byte* limit = nullptr;
  // Frame allocations ever made by this thread, on the cursor's cache line.
  OwnedCounter allocations;
};

struct FrameArena {
  // Where this pair's cursor lives: &own, or the thread's TlsCache::hot. Set before the state
  // is published; changed only back to own, under the instance mutex, by retire() at thread
  // exit and by forget_cached_owner() in ~SmartAlloc.
  std::atomic<FrameCursor*> hot_ptr{&own};
  FrameCursor own;
  std::byte* base = nullptr;
  std::size_t capacity = 0;
  // Written only by the owner; relaxed atomic so stats readers on other threads can see it.
  std::atomic<bool> active{false};
  // Bumped by every end_frame() and at thread exit; FrameBox compares it.
  std::atomic<std::uint64_t> generation{0};
  OwnedCounter frames_completed;
  // Frame allocation count at begin_frame(), to release them in bulk at end_frame().
  OwnedCounter allocations_at_begin;

  FrameCursor& hot() const noexcept { return *hot_ptr.load(std::memory_order_relaxed); }

  FrameArena() = default;
  FrameArena(const FrameArena&) = delete;
  FrameArena& operator=(const FrameArena&) = delete;
};

struct ThreadState {
  FrameArena frame;
  Instance* instance = nullptr;
  std::uint32_t index = 0;
  std::thread::id thread_id;
  bool instrumented = false;  // debug checks, ASan or Valgrind: take the instrumented paths
  bool budgeted = false;      // a budget applies to this thread's allocations: charge them
  bool observed = false;      // profiler hooks or call-site attribution: every request takes the slow path
  bool pool_checked = false;  // instrumented || budgeted || observed: pool requests take the slow path
  // This state's address, or 1 while pool_checked: compared with SlabHeader::fast_owner_key.
  std::uintptr_t pool_fast_key = 1;
  std::atomic<bool> exited{false};

  PoolHot pool;
  // Bit c is set once classes[c] has counted anything: stats and the per-tag segment sums at
  // every end_frame() then visit only the classes in use. Set by the slow paths (a thread's
  // first block of a class always comes from one); the inline paths never need to.
  Owned<std::uint32_t> pool_classes_used;
  // Blocks of this thread's slabs freed by other threads (lock-free stack, owner drains):
  // the deferred-free queue. Depth is counted by pushers and the draining owner.
  std::atomic<FreeBlock*> remote_free{nullptr};
  std::atomic<std::uint64_t> remote_depth{0};
  std::atomic<bool> drain_requested{false};  // DeferredOverflow::ProcessImmediately
  std::atomic<std::uint64_t> deferred_dropped{0}, deferred_refused{0};
  OwnedCounter deferred_processed;
  // Blocks this thread freed for one other owner, pushed to it with one CAS (pool.cpp).
  struct RemoteBatch {
    ThreadState* owner = nullptr;
    FreeBlock* head = nullptr;
    FreeBlock* tail = nullptr;
    std::uint32_t count = 0;
  } remote_batch;

  // frame_stats.bytes_* cover completed frames (bytes used, alignment padding included);
  // the current frame's bytes are cur - base. Pool counts and bytes are per size class
  // (SizeClassState::allocs/frees), the peak is PoolHot::peak.
  KindCounters frame_stats, heap_stats;
  OwnedCounter pool_remote_frees;
  OwnedCounter failed_allocations;
  // Heap bytes allocated by this thread and not yet freed (by any thread); updated under the
  // heap mutex, read by stats without it.
  std::atomic<std::uint64_t> heap_outstanding{0};

  TagContext* tags = nullptr;        // owned by the Instance
  ThreadObserve* observe = nullptr;  // owned by the Instance's Observer
  FrameFeatureState features;        // retained allocations, checkpoint bookkeeping
  // The owning thread's TLS record, whose entries naming this instance ~SmartAlloc clears
  // while the thread lives.
  TlsCache* tls = nullptr;
};

// The calling thread's record, three parts:
// - a single-entry cache of (SmartAlloc, state): one compare of the object's address, which
//   the caller already has in a register (an id would be one more load per request);
// - that state's pool_fast_key (1 when there is none), which a plain pool free compares with
//   the slab's key: equal means "this thread's slab, no checks", with no lookup at all;
// - the frame cursor of the first instance the thread attached to (hot_owner), reached from a
//   plain frame request with no state pointer in between.
// An address can be reused by a later SmartAlloc, so ~SmartAlloc clears every live thread's
// entries that still name it (Instance::forget_cached_owner). They are atomic because that
// clear comes from another thread; relaxed loads and stores are plain moves.
struct TlsCache {
  std::atomic<const void*> owner;
  ThreadState* state;
  std::atomic<std::uintptr_t> pool_key;
  std::atomic<const void*> hot_owner;
  FrameCursor hot;
};
extern constinit thread_local TlsCache tls_cache;

constexpr bool is_pow2(std::size_t v) noexcept {
  return v != 0 && (v & (v - 1)) == 0;
}

// Owner-side access to FrameCursor::cur from the fast path. On x86-64 each is one mov written
// as asm: an aligned 8-byte mov is atomic for readers on other threads, and the operand is the
// field itself, so GCC addresses it as base + offset (%fs-relative for the TLS cursor), where
// for std::atomic's relaxed store it first computes the address into a register (one more ALU
// op per request: docs/benchmarks.md). TSan builds keep the atomic operations, which it
// understands.
#ifdef FRAMEALLOC_OWNER_ASM
using CursorWord [[gnu::may_alias]] = std::uintptr_t;  // the asm operand's view of cur
#endif
inline std::uintptr_t load_cursor(const FrameCursor& c) noexcept {
#ifdef FRAMEALLOC_OWNER_ASM
  std::uintptr_t v;
  asm("movq %1, %0" : "=r"(v) : "m"(*reinterpret_cast<const CursorWord*>(&c.cur)));
  return v;
#else
  return reinterpret_cast<std::uintptr_t>(c.cur.load(std::memory_order_relaxed));
#endif
}
inline void store_cursor(FrameCursor& c, std::uintptr_t v) noexcept {
#ifdef FRAMEALLOC_OWNER_ASM
  asm volatile("movq %1, %0" : "=m"(*reinterpret_cast<CursorWord*>(&c.cur)) : "r"(v));
#else
  c.cur.store(reinterpret_cast<std::byte*>(v), std::memory_order_relaxed);
#endif
}

// Bump allocation inside the current frame. False means "take the slow path": no frame, an
// instrumented thread, an alignment that is not a power of two, or not enough room.
// The loop this sits in is short of ALU slots, so every operation counts (docs/benchmarks.md).
// Relies on limit >= cur, which update_frame_limit() keeps: limit - cur never wraps.
inline bool frame_bump(FrameCursor& a, std::size_t size, std::size_t align, void*& out) noexcept {
  const std::uintptr_t cur = load_cursor(a);
  const auto limit = reinterpret_cast<std::uintptr_t>(a.limit);
  std::uintptr_t p = cur;
  if (__builtin_constant_p(size) && __builtin_constant_p(align) && size != 0 &&
      size < (std::size_t{1} << 32) && is_pow2(align) && align <= 4096) {
    // Most requests find the cursor aligned already (sizes are multiples of their alignment):
    // a predicted branch then keeps the rounding off the cursor's store-to-load chain. The
    // empty asm stops the compiler from turning the branch into a cmov, which would put it back.
    if (cur & (align - 1)) [[unlikely]] {
      p = (cur + (align - 1)) & ~(std::uintptr_t{align} - 1);
      asm("" : "+r"(p));
    }
    // Known at compile time (frame_alloc<T>): size + align - 1 bytes from cur always hold the
    // aligned block, so one compare of a constant against the room left does. A request that
    // would only just fit takes the slow path, which checks exactly.
    if (limit - cur < size + (align - 1)) [[unlikely]]
      return false;
  } else {
    // One test asks both "is align a power of two?" and "is cur aligned to it?": for a power
    // of two, align shares no bit with align - 1, so only cur's low bits decide. Zero (align - 1
    // is all ones) and other non-powers of two always leave a bit. An alignment that cur already
    // satisfies is honoured whatever its size, as the slow path honours any that fits.
    if ((cur | align) & (align - 1)) [[unlikely]] {
      if (!is_pow2(align)) return false;  // the slow path reports FA542
      // No wrap: cur < 2^63 (user space), so cur + align - 1 fits for every power of two.
      p = (cur + (align - 1)) & ~(std::uintptr_t{align} - 1);
      if (p > limit) return false;
    }
    // p <= limit here, so limit - p does not wrap. "<=" rather than "<" costs nothing and sends
    // size 0 to the slow path whenever there is no room at all: that is how a thread with no
    // frame, or one whose every request must be seen (instrumented, observed), has its limit set.
    // A request that would fill the arena exactly goes there too, which checks it exactly.
    if (limit - p <= size) [[unlikely]]
      return false;
  }
  store_cursor(a, p + size);
  a.allocations.add(1);
  out = reinterpret_cast<void*>(p);
  return true;
}

// Called on ts's own thread only: its TLS record's copy of the key follows.
inline void set_pool_checked(ThreadState& ts, bool checked, std::size_t pool_max_object_size) noexcept {
  ts.pool_checked = checked;
  ts.pool_fast_key = checked ? 1 : reinterpret_cast<std::uintptr_t>(&ts);
  ts.pool.fast_max = checked ? 0 : pool_max_object_size;
  if (tls_cache.state == &ts) tls_cache.pool_key.store(ts.pool_fast_key, std::memory_order_relaxed);
}

// Counts one allocation of class cls (fast and slow paths alike).
inline void pool_count_alloc(PoolHot& ph, std::size_t cls) noexcept {
  ph.classes[cls].allocs.add(1);
  if (ph.headroom.sub_is_negative(static_cast<std::int64_t>(kClassSizes[cls]))) [[unlikely]] {
    // A new peak: raise it by the shortfall and start again from no headroom.
    ph.peak.add(static_cast<std::uint64_t>(-ph.headroom.get()));
    ph.headroom.set(0);
  }
}

inline std::uint64_t pool_outstanding(const ThreadState& ts) noexcept {
  // Headroom first: the peak read after it is at least as large, so a reader on another thread
  // never sees the difference wrap below zero.
  const PoolHot& ph = ts.pool;
  const std::int64_t headroom = ph.headroom.get();
  const std::uint64_t peak = ph.peak.get();
  const std::uint64_t spare = headroom > 0 ? static_cast<std::uint64_t>(headroom) : 0;
  return spare < peak ? peak - spare : 0;
}

// Pops a block from the thread's own stack; nullptr means "take the slow path" (empty or none yet).
inline void* pool_pop(PoolHot& ph, std::size_t cls) noexcept {
  SizeClassState& c = ph.classes[cls];
  void** t = c.top;
  if (t == c.bottom) [[unlikely]]
    return nullptr;
  --t;
  c.top = t;
  pool_count_alloc(ph, cls);
  return *t;
}

// The pool reservation of one instance: [base, base + size), slabs aligned to ~slab_mask + 1.
struct PoolRegion {
  std::uintptr_t base, size, slab_mask;
};

// The owner's inline free of p; false when p needs the slow path. key is the calling thread's
// pool_fast_key for this instance (a ThreadState's address, or 1 while its pool is checked).
inline bool pool_free_inline(const PoolRegion& r, std::uintptr_t key, void* p) noexcept {
  const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(p) - r.base;
  // In the reservation and past the slab header; the header's fast_owner_key then says in
  // one compare whether the caller owns it and may push it back inline (see SlabHeader).
  if (off < r.size && (off & ~r.slab_mask) >= kSlabHeaderBytes) [[likely]] {
    auto* slab = reinterpret_cast<SlabHeader*>(r.base + (off & r.slab_mask));
    if (slab->fast_owner_key.load(std::memory_order_relaxed) == key) [[likely]] {
      SizeClassState& c = *slab->owner_class;
      void** t = c.top;
      if (t == c.ceiling) [[unlikely]]
        return false;  // full (or never allocated): the slow path spills half of it
      *t = p;
      c.top = t + 1;
      c.frees.add(1);
      // key is the owner's address (see ThreadState::pool_fast_key): no load to find it.
      reinterpret_cast<ThreadState*>(key)->pool.headroom.add(static_cast<std::int64_t>(slab->block_size));
      return true;
    }
  }
  return false;
}

// Pool totals of one thread, summed over the size classes.
struct PoolTotals {
  std::uint64_t allocations = 0, frees = 0, bytes_allocated = 0, bytes_freed = 0;
};
inline void mark_pool_class_used(ThreadState& ts, std::size_t cls) noexcept {
  const std::uint32_t bit = std::uint32_t{1} << cls;
  if (!(ts.pool_classes_used.get() & bit)) ts.pool_classes_used.set(ts.pool_classes_used.get() | bit);
}
inline PoolTotals pool_totals(const ThreadState& ts) noexcept {
  static_assert(kNumClasses <= 32, "pool_classes_used has one bit per class");
  PoolTotals t;
  const PoolHot& ph = ts.pool;
  for (std::uint32_t used = ts.pool_classes_used.get(); used; used &= used - 1) {
    const auto c = static_cast<std::size_t>(__builtin_ctz(used));
    const std::uint64_t a = ph.classes[c].allocs.get(), f = ph.classes[c].frees.get();
    t.allocations += a;
    t.frees += f;
    t.bytes_allocated += a * kClassSizes[c];
    t.bytes_freed += f * kClassSizes[c];
  }
  return t;
}

}  // namespace fa::detail
