// Pool slow paths: refills, cross-thread frees, validation of freed pointers.
#include <framealloc/smart_alloc.hpp>

#include <algorithm>
#include <cstring>
#include <string>

#include "instance.hpp"
#include "instrument.hpp"
#include "tag_ops.hpp"

namespace fa {
namespace detail {
namespace {

// Moves the older half of a full stack to the linked list, so the next frees fit inline again.
void spill_stack(SizeClassState& c) noexcept {
  const auto half = (c.top - c.bottom) / 2;
  for (void** e = c.bottom; e != c.bottom + half; ++e) {
    auto* b = static_cast<FreeBlock*>(*e);
    asan_unpoison(b, sizeof(FreeBlock));  // a carved block that was never handed out is all poisoned
    b->next = c.free;
    c.free = b;
  }
  std::copy(c.bottom + half, c.top, c.bottom);
  c.top -= half;
}

// A free block of the calling thread's own slab, back on its class's stack (spilling half when
// full). A class without a stack (a retired state's) keeps it on the list: nothing allocates here.
void push_owned(SizeClassState& c, void* p) noexcept {
  if (!c.bottom) {
    auto* b = static_cast<FreeBlock*>(p);
    b->next = c.free;
    c.free = b;
    return;
  }
  if (c.top == c.ceiling) spill_stack(c);
  *c.top++ = p;
}

}  // namespace

std::size_t drain_remote_frees(Instance& inst, ThreadState& ts, std::size_t max_blocks) noexcept {
  ts.drain_requested.store(false, std::memory_order_relaxed);
  // Nothing queued, the common case at a frame boundary: a plain load instead of two locked
  // read-modify-writes. A block pushed right after it waits for the next drain, as it would anyway.
  if (!ts.remote_free.load(std::memory_order_relaxed)) return 0;
  FreeBlock* list = ts.remote_free.exchange(nullptr, std::memory_order_acquire);
  std::size_t n = 0;
  while (list && n < max_blocks) {
    FreeBlock* next = list->next;
    SlabHeader* slab = inst.slab_of(list);
    push_owned(ts.pool.classes[slab->size_class], list);  // no write to the block while the stack has room
    ts.pool.headroom.add(static_cast<std::int64_t>(slab->block_size));
    list = next;
    ++n;
  }
  if (list) {
    // Incremental: put the rest back in front of whatever arrived meanwhile.
    FreeBlock* tail = list;
    while (tail->next) tail = tail->next;
    tail->next = ts.remote_free.load(std::memory_order_relaxed);
    while (!ts.remote_free.compare_exchange_weak(tail->next, list, std::memory_order_release,
                                                 std::memory_order_relaxed)) {
    }
  }
  ts.remote_depth.fetch_sub(n, std::memory_order_relaxed);
  ts.deferred_processed.add(n);
  if (n) observe_deferred_processed(inst, ts, n);
  return n;
}

void process_deferred_at(Instance& inst, ThreadState& ts, DeferredPoint point) noexcept {
  const DeferredConfig& d = inst.config.deferred;
  const bool forced = ts.drain_requested.load(std::memory_order_relaxed);
  if (forced || d.processing == DeferredProcessing::Disabled) {
    drain_remote_frees(inst, ts);
    return;
  }
  switch (d.processing) {
    case DeferredProcessing::AtFrameBegin:
      if (point == DeferredPoint::FrameBegin) drain_remote_frees(inst, ts);
      break;
    case DeferredProcessing::AtFrameEnd:
      if (point == DeferredPoint::FrameEnd) drain_remote_frees(inst, ts);
      break;
    case DeferredProcessing::Incremental:
      drain_remote_frees(inst, ts, d.incremental_batch);
      break;
    case DeferredProcessing::Explicit:
    case DeferredProcessing::Disabled:
      break;
  }
}

namespace {

void report_pool_double_free(SmartAlloc& alloc, std::uint32_t block_size) {
  alloc.report(Code::FA540,
               "double free: pool block of " + std::to_string(block_size) + " bytes freed twice");
}

std::size_t block_index(const SlabHeader* slab, const void* p) {
  return static_cast<std::size_t>(static_cast<const std::byte*>(p) - slab->first_block) / slab->block_size;
}

// Entries of a class's stack: up to kStackBlockBytes of its blocks, within [64, 2048].
// Large enough that a frame's worth of small objects cycles through the inline paths only; the
// array costs 8 bytes per entry and exists only for the classes a thread uses.
constexpr std::size_t kStackBlockBytes = std::size_t{128} << 10;
constexpr std::size_t stack_capacity(std::size_t cls) noexcept {
  return std::clamp<std::size_t>(kStackBlockBytes / kClassSizes[cls], 64, 2048);
}

void ensure_stack(SizeClassState& c, std::size_t cls) {
  if (c.bottom) return;
  const std::size_t n = stack_capacity(cls);
  c.bottom = c.top = new void*[n];
  c.ceiling = c.bottom + n;
}

// Fills an empty stack toward half its capacity: blocks other threads freed (drained
// straight onto the stacks), spilled blocks, then blocks carved from the current slab, and
// from a new slab only if all that left it empty.
void refill_stack(Instance& inst, ThreadState& ts, SizeClassState& c, std::size_t cls) {
  if (!c.free) process_deferred_at(inst, ts, DeferredPoint::Refill);
  void** const want = c.bottom + (c.ceiling - c.bottom) / 2;
  while (c.free && c.top < want) {
    *c.top++ = c.free;
    c.free = c.free->next;
  }
  // Carving: the current slab's rest, or a new slab when nothing else gave a block.
  if (c.top == c.bottom && c.carve == c.carve_end) {
    SlabHeader* slab = inst.take_slab(ts, static_cast<std::uint32_t>(cls));
    if (!slab) return;
    c.carve = slab->first_block;
    c.carve_end = slab->end;
  }
  // In descending address order: the stack hands out the lowest address first.
  const auto size = kClassSizes[cls];
  const auto room = c.top < want ? static_cast<std::size_t>(want - c.top) : 0;
  const auto n = std::min<std::size_t>(room, static_cast<std::size_t>(c.carve_end - c.carve) / size);
  for (std::size_t i = n; i-- > 0;) *c.top++ = c.carve + i * size;
  c.carve += n * size;
}

void* take_block(Instance& inst, ThreadState& ts, std::size_t cls) {
  SizeClassState& c = ts.pool.classes[cls];
  ensure_stack(c, cls);
  if (c.top == c.bottom) refill_stack(inst, ts, c, cls);
  if (c.top == c.bottom) return nullptr;  // the reservation is used up
  return *--c.top;
}

// A valid block of another thread, freed by a thread with no checks, hooks or budgets, under
// the Grow policy (which never refuses): it joins ts's batch for that owner instead of
// costing a CAS, a depth update and an event count each. The batch goes to the owner when
// it is full, when a block of another owner arrives, and at this thread's frame boundaries,
// process_deferred() and exit. Returns false when the block needs the per-block path.
bool batch_remote_free(Instance& inst, ThreadState& ts, SlabHeader* slab, void* p) noexcept {
  if (ts.pool_checked || slab->owner == &ts || slab->charges || slab->block_states ||
      inst.config.deferred.overflow != DeferredOverflow::Grow || inst.observer.events_enabled())
    return false;
  ThreadState::RemoteBatch& rb = ts.remote_batch;
  if (rb.owner != slab->owner) {
    flush_remote_batch(ts);
    rb.owner = slab->owner;
  }
  auto* b = static_cast<FreeBlock*>(p);
  b->next = rb.head;
  rb.head = b;
  if (!rb.tail) rb.tail = b;
  mark_pool_class_used(ts, slab->size_class);
  ts.pool.classes[slab->size_class].frees.add(1);
  ts.pool_remote_frees.add(1);
  if (++rb.count == kRemoteBatchBlocks) flush_remote_batch(ts);
  return true;
}

}  // namespace

bool queue_remote_free(SmartAlloc& alloc, Instance& inst, ThreadState& owner, FreeBlock* b) {
  const DeferredConfig& d = inst.config.deferred;
  const std::uint64_t depth = owner.remote_depth.load(std::memory_order_relaxed);
  if (depth >= d.capacity && d.overflow != DeferredOverflow::Grow) {
    const std::string where = "deferred-free queue of thread #" + std::to_string(owner.index) + " is full (" +
                              std::to_string(depth) + " of " + std::to_string(d.capacity) + " blocks)";
    switch (d.overflow) {
      case DeferredOverflow::Fail:
        owner.deferred_refused.fetch_add(1, std::memory_order_relaxed);
        alloc.report(Code::FA204, where,
                     {"policy Fail: this free was refused and the block stays allocated"});
        return false;
      case DeferredOverflow::DropOldest: {
        // The stack's tail holds the oldest blocks: keep the newest capacity - 1, give up the rest.
        FreeBlock* list = owner.remote_free.exchange(nullptr, std::memory_order_acquire);
        std::uint64_t kept = 0;
        FreeBlock* last_kept = nullptr;
        for (FreeBlock* it = list; it && kept + 1 < d.capacity; it = it->next) {
          last_kept = it;
          ++kept;
        }
        std::uint64_t dropped = 0;
        if (last_kept) {
          for (FreeBlock* it = last_kept->next; it; it = it->next) ++dropped;
          last_kept->next = nullptr;
        } else {
          for (FreeBlock* it = list; it; it = it->next) ++dropped;
          list = nullptr;
        }
        owner.remote_depth.fetch_sub(dropped, std::memory_order_relaxed);
        owner.deferred_dropped.fetch_add(dropped, std::memory_order_relaxed);
        if (list) {
          FreeBlock* tail = last_kept;
          tail->next = owner.remote_free.load(std::memory_order_relaxed);
          while (!owner.remote_free.compare_exchange_weak(tail->next, list, std::memory_order_release,
                                                          std::memory_order_relaxed)) {
          }
        }
        alloc.report(
            Code::FA204, where,
            {"policy DropOldest: " + std::to_string(dropped) + " queued blocks were given up (leaked)"});
        break;
      }
      case DeferredOverflow::ProcessImmediately:
        owner.drain_requested.store(true, std::memory_order_relaxed);
        break;
      case DeferredOverflow::Grow:
        break;
    }
  }
  b->next = owner.remote_free.load(std::memory_order_relaxed);
  while (!owner.remote_free.compare_exchange_weak(b->next, b, std::memory_order_release,
                                                  std::memory_order_relaxed)) {
  }
  owner.remote_depth.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void record_charge(Instance& inst, void* p, const ChargeResult& r) {
  SlabHeader* slab = inst.slab_of(p);
  if (!slab->charges) {
    // Only the owner hands out blocks of its slabs, so only it creates the array.
    const auto count = static_cast<std::size_t>(slab->end - slab->first_block) / slab->block_size;
    slab->charges = new BlockCharge[count]();
  }
  slab->fast_owner_key.store(0, std::memory_order_relaxed);  // its frees must refund: slow path
  BlockCharge& c = slab->charges[block_index(slab, p)];
  c.serial.store(r.serial, std::memory_order_relaxed);
  c.tag_plus_one.store(r.tag_plus_one, std::memory_order_relaxed);
}

void* pool_take(Instance& inst, ThreadState& ts, std::size_t cls) {
  void* p = take_block(inst, ts, cls);
  if (!p) return nullptr;
  const std::uint32_t bytes = kClassSizes[cls];
  if (ts.instrumented) {
    SlabHeader* slab = inst.slab_of(p);
    asan_unpoison(p, bytes);
    if (slab->block_states) slab->block_states[block_index(slab, p)].store(1, std::memory_order_relaxed);
  }
  mark_pool_class_used(ts, cls);
  pool_count_alloc(ts.pool, cls);
  return p;
}

void flush_remote_batch(ThreadState& ts) noexcept {
  ThreadState::RemoteBatch& rb = ts.remote_batch;
  if (rb.count == 0) return;
  ThreadState& owner = *rb.owner;
  rb.tail->next = owner.remote_free.load(std::memory_order_relaxed);
  while (!owner.remote_free.compare_exchange_weak(rb.tail->next, rb.head, std::memory_order_release,
                                                  std::memory_order_relaxed)) {
  }
  owner.remote_depth.fetch_add(rb.count, std::memory_order_relaxed);
  Observer::count(*ts.observe, FrameEventKind::CrossThreadFreeQueued, rb.count);
  rb = ThreadState::RemoteBatch{};
}

}  // namespace detail

void* SmartAlloc::pool_alloc_slow(std::size_t size, std::size_t align, std::source_location loc) {
  if (!detail::is_pow2(align)) {
    report(Code::FA542,
           "pool allocation with alignment " + std::to_string(align) + ", which is not a power of two");
    local().failed_allocations.add(1);
    throw AllocError(Code::FA542);
  }
  if (size == 0) size = 1;
  if (size <= pool_max_) {
    const std::size_t cls = detail::size_class_of(size);
    // Blocks start 64-byte aligned and sit block_size apart.
    const bool fits = align <= 16 || (align <= 64 && detail::kClassSizes[cls] % align == 0);
    if (fits) {
      detail::ThreadState& ts = local();
      if (!ts.budgeted) {
        if (void* p = detail::pool_take(*impl_, ts, cls)) {
          detail::observe_alloc(*impl_, ts, AllocKind::Pool, p, size, loc);
          return p;
        }
      } else {
        const std::uint32_t bytes = detail::kClassSizes[cls];
        const detail::ChargeResult r = detail::charge(*this, *impl_, ts, bytes, false);
        if (!r.ok) {
          ts.failed_allocations.add(1);
          throw AllocError(r.refused);
        }
        if (void* p = detail::pool_take(*impl_, ts, cls)) {
          detail::record_charge(*impl_, p, r);
          detail::observe_alloc(*impl_, ts, AllocKind::Pool, p, size, loc);
          return p;
        }
        detail::refund(*impl_, r.tag_plus_one, r.serial, bytes);
      }
      // Reservation used up: fall through to the heap path.
    }
  }
  return heap_alloc_bytes(size, align, loc);
}

std::size_t SmartAlloc::process_deferred(std::size_t max_blocks) {
  detail::ThreadState& ts = local();
  detail::flush_remote_batch(ts);  // this thread's own cross-thread frees go out too
  return detail::drain_remote_frees(*impl_, ts, max_blocks);
}

bool SmartAlloc::owns_pool_block(const void* p) {
  const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(p) - pool_region_.base;
  if (off >= pool_region_.size)
    return owns_heap_block_named(p, "pool_free");  // large or over-aligned requests
  const detail::SlabHeader* slab = impl_->slab_of(p);
  const auto* b = static_cast<const std::byte*>(p);
  if (slab->magic != detail::SlabHeader::kMagic || b < slab->first_block || b >= slab->end ||
      (b - slab->first_block) % slab->block_size != 0) {
    report(Code::FA541, "pool_free() was given a pointer that is not the start of a pool block",
           {"it lies in this allocator's pool reservation but not at a block boundary of a live slab"});
    return false;
  }
  if (slab->block_states) {
    const auto state = slab->block_states[detail::block_index(slab, p)].load(std::memory_order_relaxed);
    if (state == 2) {
      detail::report_pool_double_free(*this, slab->block_size);
      return false;
    }
    if (state == 0) {
      report(Code::FA541, "pool_free() was given a pool block that was never allocated");
      return false;
    }
  }
  return true;
}

void SmartAlloc::pool_free_slow(void* p) {
  if (!p) return;
  const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(p) - pool_region_.base;
  if (off >= pool_region_.size) {
    heap_free_named(p, "pool_free");  // the pool's heap fallback, or reported as a bad free
    return;
  }
  detail::SlabHeader* slab = impl_->slab_of(p);
  detail::ThreadState& ts = local();
  // A block of another thread's live slab, freed without checks: like the owner's inline free,
  // it skips the block-boundary division (a debug check) and joins this thread's batch.
  const auto* b = static_cast<const std::byte*>(p);
  if (slab->magic == detail::SlabHeader::kMagic && b >= slab->first_block && b < slab->end &&
      detail::batch_remote_free(*impl_, ts, slab, p))
    return;
  if (!owns_pool_block(p)) return;
  if (slab->block_states) {
    std::uint8_t expected = 1;
    if (!slab->block_states[detail::block_index(slab, p)].compare_exchange_strong(
            expected, 2, std::memory_order_relaxed)) {
      // Another thread freed it between the check and now.
      detail::report_pool_double_free(*this, slab->block_size);
      return;
    }
  }
  const std::uint32_t bytes = slab->block_size;
  if (slab->charges) {
    detail::BlockCharge& c = slab->charges[detail::block_index(slab, p)];
    detail::refund(*impl_, c.tag_plus_one.exchange(0, std::memory_order_relaxed),
                   c.serial.load(std::memory_order_relaxed), bytes);
  }
  // Poison before the block is linked anywhere: once published, its owner may reuse it.
  if (impl_->config.debug_checks)
    std::memset(static_cast<std::byte*>(p) + sizeof(void*), detail::kPoisonByte, bytes - sizeof(void*));
  detail::asan_poison(static_cast<std::byte*>(p) + sizeof(void*), bytes - sizeof(void*));
  auto* block = static_cast<detail::FreeBlock*>(p);
  if (slab->owner == &ts) {
    detail::push_owned(ts.pool.classes[slab->size_class], p);
    ts.pool.headroom.add(static_cast<std::int64_t>(bytes));
  } else {
    // Back to the owning thread's deferred-free queue, never onto this thread's lists.
    if (!detail::queue_remote_free(*this, *impl_, *slab->owner, block)) return;  // refused (FA204)
    ts.pool_remote_frees.add(1);
    detail::observe_remote_free(*impl_, ts, slab->owner->index, bytes);
  }
  detail::observe_free(*impl_, ts, AllocKind::Pool, p, bytes);
  detail::mark_pool_class_used(ts, slab->size_class);
  ts.pool.classes[slab->size_class].frees.add(1);
}

}  // namespace fa
