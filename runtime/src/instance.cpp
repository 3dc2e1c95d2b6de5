#include "instance.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <new>

#include "instrument.hpp"
#include "tag_ops.hpp"

namespace fa::detail {
namespace {

std::atomic<std::uint64_t> next_instance_id{1};

// Reserves address space without committing memory: untouched pages read as zero.
std::byte* map_reserve(std::size_t bytes) {
  void* p =
      ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return static_cast<std::byte*>(p);
}

constexpr std::size_t align_up(std::size_t v, std::size_t a) {
  return (v + a - 1) & ~(a - 1);
}

}  // namespace

Instance::Instance(SmartAlloc& alloc, const AllocConfig& cfg)
    : config(cfg),
      id(next_instance_id.fetch_add(1, std::memory_order_relaxed)),
      frame_resource(alloc),
      pool_resource(alloc),
      observer(cfg),
      sink_(std::make_shared<StderrSink>()) {
  region_size_ = config.pool_reserve_size & ~(config.pool_slab_size - 1);
  // Align the reservation to the slab size so a block's slab is found by masking.
  std::byte* raw = map_reserve(region_size_ + config.pool_slab_size);
  region_ =
      reinterpret_cast<std::byte*>(align_up(reinterpret_cast<std::uintptr_t>(raw), config.pool_slab_size));
  const std::size_t head = static_cast<std::size_t>(region_ - raw);
  if (head) ::munmap(raw, head);
  const std::size_t tail = config.pool_slab_size - head;
  if (tail) ::munmap(region_ + region_size_, tail);
  heap_recently_freed.assign(64, nullptr);
  observer.set_attribution(cfg.call_site_attribution);
}

Instance::~Instance() {
  for (auto& ts : threads_) {
    if (!ts->exited.load(std::memory_order_relaxed) && ts->frame.base) {
      on_arena_destroyed(ts->frame.base, ts->frame.capacity);
      ::munmap(ts->frame.base, ts->frame.capacity);
    }
  }
  for (std::size_t off = 0; off < next_slab_offset_; off += config.pool_slab_size) {
    auto* slab = reinterpret_cast<SlabHeader*>(region_ + off);
    if (slab->magic == SlabHeader::kMagic) {
      asan_unpoison(slab, config.pool_slab_size);
      delete[] slab->block_states;
      delete[] slab->charges;
    }
  }
  ::munmap(region_, region_size_);
  for (auto& [p, block] : heap_live) ::operator delete(const_cast<void*>(p), std::align_val_t(block.align));
}

namespace {

// Moves a frame cursor held in a thread's TLS record back into the state (under the instance
// mutex: stats readers follow hot_ptr under it). Runs when that thread is exiting or the
// instance is being destroyed.
void take_cursor_home(ThreadState& ts) {
  FrameArena& a = ts.frame;
  FrameCursor& from = a.hot();
  if (&from == &a.own) return;
  a.own.cur.store(from.cur.load(std::memory_order_relaxed), std::memory_order_relaxed);
  a.own.limit = from.limit;
  a.own.allocations.set(from.allocations.get());
  a.hot_ptr.store(&a.own, std::memory_order_relaxed);
}

}  // namespace

ThreadState* Instance::create_thread_state(TlsCache& tls, const void* alloc) {
  auto ts = std::make_unique<ThreadState>();
  ts->instance = this;
  ts->tls = &tls;
  ts->thread_id = std::this_thread::get_id();
  ts->instrumented = config.debug_checks || asan_build() || running_on_valgrind();
  ts->frame.capacity = config.frame_arena_size;
  ts->frame.base = map_reserve(config.frame_arena_size);
  if (tls.hot_owner.load(std::memory_order_relaxed) == nullptr) {
    // The record is free (first instance on this thread, or its holder was destroyed): this
    // pair's cursor lives there from now on. Set before the state is published below.
    tls.hot.allocations.set(0);  // the previous holder's count went home with it
    ts->frame.hot_ptr.store(&tls.hot, std::memory_order_relaxed);
    tls.hot_owner.store(alloc, std::memory_order_relaxed);
  }
  ts->frame.hot().cur.store(ts->frame.base, std::memory_order_relaxed);
  ts->frame.hot().limit = ts->frame.base;
  on_arena_created(ts->frame.base, ts->frame.capacity);
  set_pool_checked(*ts, ts->instrumented, config.pool_max_object_size);
  ts->observe = observer.add_thread();
  ts->observe->pressure_threshold = observer.pressure_bytes(ts->frame.capacity);
  ThreadState* out = ts.get();
  {
    std::lock_guard lock(mutex_);
    ts->index = static_cast<std::uint32_t>(threads_.size() + 1);
    tag_contexts_.push_back(std::make_unique<TagContext>());
    ts->tags = tag_contexts_.back().get();
    threads_.push_back(std::move(ts));
  }
  refresh_budget_state(*this, *out, true);
  return out;
}

void Instance::retire(ThreadState* ts) {
  flush_remote_batch(*ts);
  drain_remote_frees(*this, *ts);
  flush_segment(*ts);
  std::lock_guard lock(mutex_);
  FrameArena& a = ts->frame;
  take_cursor_home(*ts);  // the thread's TLS goes away after this (its record was cleared first)
  a.active.store(false, std::memory_order_relaxed);
  a.generation.fetch_add(1, std::memory_order_relaxed);
  on_arena_destroyed(a.base, a.capacity);
  ::munmap(a.base, a.capacity);
  a.base = a.hot().limit = nullptr;
  a.hot().cur.store(nullptr, std::memory_order_relaxed);
  if (pool_outstanding(*ts) == 0) {
    // Nothing of this thread's pool is in use anywhere: its slabs can serve other threads.
    for (std::size_t off = 0; off < next_slab_offset_; off += config.pool_slab_size) {
      auto* slab = reinterpret_cast<SlabHeader*>(region_ + off);
      if (slab->magic == SlabHeader::kMagic && slab->owner == ts) release_slab(slab);
    }
    for (auto& c : ts->pool.classes) c.free = nullptr, c.carve = c.carve_end = nullptr;  // counts stay
  }
  // Otherwise the slabs stay with the retired state: frees from other threads still land
  // on its remote stack and the memory returns when the instance is destroyed. Either way no
  // request is served from this state again, and a retired state lives as long as the
  // instance (for its stats): its stacks' arrays go now.
  ts->pool.release_stacks();
  ts->exited.store(true, std::memory_order_relaxed);
}

void Instance::forget_cached_owner(const void* alloc) {
  // Under mutex_, as retire() sets exited: a thread that has retired may be gone, and its
  // TLS with it; one that has not is still running and its TLS is still there.
  std::lock_guard lock(mutex_);
  for (auto& ts : threads_) {
    if (ts->exited.load(std::memory_order_relaxed)) continue;
    TlsCache& tls = *ts->tls;
    const void* expected = alloc;
    if (tls.owner.compare_exchange_strong(expected, nullptr, std::memory_order_relaxed)) {
      // The key is this state's address unless its pool was checked: a state allocated at the
      // same address later must not find it there.
      auto key = reinterpret_cast<std::uintptr_t>(ts.get());
      tls.pool_key.compare_exchange_strong(key, 1, std::memory_order_relaxed);
    }
    // Home first, then free the record: the thread may claim it for a new instance as soon as
    // it reads nullptr there, and would then be writing what this copies.
    if (tls.hot_owner.load(std::memory_order_relaxed) == alloc) {
      take_cursor_home(*ts);
      expected = alloc;
      tls.hot_owner.compare_exchange_strong(expected, nullptr, std::memory_order_relaxed);
    }
  }
}

void Instance::release_slab(SlabHeader* slab) {
  slab->fast_owner_key.store(0, std::memory_order_relaxed);
  delete[] slab->block_states;
  delete[] slab->charges;
  slab->charges = nullptr;
  slab->magic = 0;
  asan_unpoison(slab, config.pool_slab_size);
  ::madvise(slab, config.pool_slab_size, MADV_DONTNEED);  // give the RAM back; reads as zero
  free_slabs_.push_back(reinterpret_cast<std::byte*>(slab));
  --slabs_in_use_;
}

SlabHeader* Instance::take_slab(ThreadState& owner, std::uint32_t size_class) {
  std::byte* mem = nullptr;
  // The header is written under the mutex too: retire() scans slab headers under it.
  std::lock_guard lock(mutex_);
  if (!free_slabs_.empty()) {
    mem = free_slabs_.back();
    free_slabs_.pop_back();
  } else if (next_slab_offset_ + config.pool_slab_size <= region_size_) {
    mem = region_ + next_slab_offset_;
    next_slab_offset_ += config.pool_slab_size;
  } else {
    return nullptr;
  }
  ++slabs_in_use_;
  auto* slab = reinterpret_cast<SlabHeader*>(mem);
  const std::uint32_t block = kClassSizes[size_class];
  slab->owner = &owner;
  slab->size_class = size_class;
  slab->owner_class = &owner.pool.classes[size_class];
  slab->block_size = block;
  slab->first_block = mem + kSlabHeaderBytes;
  const std::size_t count = (config.pool_slab_size - kSlabHeaderBytes) / block;
  slab->end = slab->first_block + count * block;
  slab->block_states = config.debug_checks ? new std::atomic<std::uint8_t>[count]() : nullptr;
  slab->charges = nullptr;
  asan_poison(slab->first_block, static_cast<std::size_t>(slab->end - slab->first_block));
  // No fence needed: other threads only see blocks of this slab through the owner, which
  // synchronises with them (a queue, a barrier) after this point.
  slab->magic = SlabHeader::kMagic;
  slab->fast_owner_key.store(reinterpret_cast<std::uintptr_t>(&owner), std::memory_order_relaxed);
  return slab;
}

const ThreadState* Instance::frame_owner_of(const void* p) {
  std::lock_guard lock(mutex_);
  for (auto& ts : threads_) {
    const FrameArena& a = ts->frame;
    if (a.base && p >= a.base && p < a.base + a.capacity) return ts.get();
  }
  return nullptr;
}

bool Instance::heap_recently_freed_contains(const void* p) const {
  return std::find(heap_recently_freed.begin(), heap_recently_freed.end(), p) != heap_recently_freed.end();
}

void Instance::heap_remember_freed(const void* p) {
  heap_recently_freed[heap_recent_next] = p;
  heap_recent_next = (heap_recent_next + 1) % heap_recently_freed.size();
}

void Instance::report(Diagnostic d) {
  diagnostics_reported_.fetch_add(1, std::memory_order_relaxed);
  diagnostic_tally.record(d);
  std::shared_ptr<DiagnosticSink> sink;
  {
    std::lock_guard lock(sink_mutex_);
    sink = sink_;
  }
  if (sink) sink->report(d);
  if (strict_mode_panics_on(d.severity)) throw StrictModeError(std::move(d));
}

void Instance::set_sink(std::shared_ptr<DiagnosticSink> sink) {
  std::lock_guard lock(sink_mutex_);
  sink_ = std::move(sink);
}

namespace {
KindStats to_kind(const KindCounters& c) {
  // Frees before allocations: the owner counts an allocation before its free, so a reader
  // racing with it never sees more frees than allocations.
  KindStats k;
  k.frees = c.frees.get();
  k.bytes_freed = c.bytes_freed.get();
  k.allocations = c.allocations.get();
  k.bytes_allocated = c.bytes_allocated.get();
  k.peak_bytes = c.peak_bytes.get();
  return k;
}
void add(KindStats& into, const KindStats& k) {
  into.allocations += k.allocations;
  into.frees += k.frees;
  into.bytes_allocated += k.bytes_allocated;
  into.bytes_freed += k.bytes_freed;
  into.peak_bytes += k.peak_bytes;
}
}  // namespace

ThreadStats Instance::snapshot(const ThreadState& ts) const {
  ThreadStats t;
  t.thread_index = ts.index;
  t.exited = ts.exited.load(std::memory_order_relaxed);
  t.frames_completed = ts.frame.frames_completed.get();
  t.frame_active = ts.frame.active.load(std::memory_order_relaxed);
  std::byte* cur = ts.frame.hot().cur.load(std::memory_order_relaxed);
  t.frame_used_bytes = t.frame_active && cur ? static_cast<std::uint64_t>(cur - ts.frame.base) : 0;
  t.frame_capacity = ts.frame.capacity;
  t.frame = to_kind(ts.frame_stats);
  t.frame.allocations = ts.frame.hot().allocations.get();  // counted next to the cursor
  t.frame.bytes_allocated += t.frame_used_bytes;           // the open frame's bytes are still live
  t.pool.peak_bytes = ts.pool.peak.get();                  // counts and bytes: summed over the size classes
  const PoolTotals pool = pool_totals(ts);
  t.pool.allocations = pool.allocations;
  t.pool.frees = pool.frees;
  t.pool.bytes_allocated = pool.bytes_allocated;
  t.pool.bytes_freed = pool.bytes_freed;
  t.heap = to_kind(ts.heap_stats);
  t.owned_pool_bytes = pool_outstanding(ts);
  t.owned_heap_bytes = ts.heap_outstanding.load(std::memory_order_relaxed);
  t.pool_remote_frees = ts.pool_remote_frees.get();
  t.failed_allocations = ts.failed_allocations.get();
  t.frame_budget_limit = ts.tags->budget_limit.load(std::memory_order_relaxed);
  t.frame_budget_exceeded = ts.tags->budget_exceeded.load(std::memory_order_relaxed);
  t.frame_promotions = ts.tags->promotions.load(std::memory_order_relaxed);
  t.deferred_depth = ts.remote_depth.load(std::memory_order_relaxed);
  t.deferred_processed = ts.deferred_processed.get();
  t.deferred_dropped = ts.deferred_dropped.load(std::memory_order_relaxed);
  t.deferred_refused = ts.deferred_refused.load(std::memory_order_relaxed);
  t.last_frame_duration_ns = ts.observe->last_frame_ns.load(std::memory_order_relaxed);
  t.last_frame_bytes = ts.observe->last_frame_bytes.load(std::memory_order_relaxed);
  return t;
}

ThreadStats Instance::thread_stats(const ThreadState& ts) {
  std::lock_guard lock(mutex_);
  return snapshot(ts);
}

void Instance::collect(AllocStats& out) {
  std::lock_guard lock(mutex_);
  for (auto& ts : threads_) {
    ThreadStats t = snapshot(*ts);
    add(out.frame, t.frame);
    add(out.pool, t.pool);
    add(out.heap, t.heap);
    out.failed_allocations += t.failed_allocations;
    out.deferred_depth += t.deferred_depth;
    out.deferred_processed += t.deferred_processed;
    out.threads.push_back(std::move(t));
  }
  out.promotions = promotions.load();
  out.pool_slabs_in_use = slabs_in_use_;
  out.pool_reserved_bytes = slabs_in_use_ * config.pool_slab_size;
  std::vector<TagContext*> contexts;
  for (auto& c : tag_contexts_) contexts.push_back(c.get());
  collect_tags(*this, contexts, out);
}

}  // namespace fa::detail
