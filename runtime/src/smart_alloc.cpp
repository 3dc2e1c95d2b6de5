#include <framealloc/boxes.hpp>
#include <framealloc/smart_alloc.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "frame_features_hooks.hpp"
#include "instance.hpp"
#include "instrument.hpp"
#include "tag_ops.hpp"

namespace fa {
namespace detail {

constinit thread_local TlsCache tls_cache{nullptr, nullptr, 1, nullptr, {}};

namespace {

// Every instance this thread has touched; on thread exit each live one gets its state back.
struct ThreadRegistry {
  struct Entry {
    std::weak_ptr<Instance> instance;
    std::uint64_t id;
    ThreadState* state;
  };
  std::vector<Entry> entries;

  ~ThreadRegistry() {
    tls_cache.owner.store(nullptr, std::memory_order_relaxed);
    tls_cache.pool_key.store(1, std::memory_order_relaxed);
    tls_cache.hot_owner.store(nullptr, std::memory_order_relaxed);
    for (auto& e : entries) {
      if (auto inst = e.instance.lock()) inst->retire(e.state);
    }
  }
};

ThreadRegistry& thread_registry() {
  thread_local ThreadRegistry registry;
  return registry;
}

// Makes ts the calling thread's cached state for alloc.
ThreadState& remember(const SmartAlloc* alloc, ThreadState* ts) {
  tls_cache.state = ts;
  tls_cache.pool_key.store(ts->pool_fast_key, std::memory_order_relaxed);
  tls_cache.owner.store(alloc, std::memory_order_relaxed);
  return *ts;
}

std::string hex(const void* p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%p", p);
  return buf;
}

}  // namespace

void report_frame_box_misuse(SmartAlloc& alloc, const ThreadState* owner, const char* what) {
  alloc.report(Code::FA002, std::string("FrameBox ") + what + " after the frame it was allocated in ended",
               {"the box was allocated in a frame of thread #" + std::to_string(owner->index) +
                " that has since ended; its memory was reset"},
               "keep frame boxes inside begin_frame()/end_frame(), or use pool_box()/heap_box() for "
               "longer-lived data");
}

}  // namespace detail

SmartAlloc::SmartAlloc(AllocConfig config) {
  if (auto problem = config.validate()) throw std::invalid_argument("fa::AllocConfig: " + *problem);
  impl_ = std::make_shared<detail::Instance>(*this, config);
  id_ = impl_->id;
  pool_region_ = {reinterpret_cast<std::uintptr_t>(impl_->region()), impl_->region_size(),
                  ~(std::uintptr_t{config.pool_slab_size} - 1)};
  pool_max_ = config.pool_max_object_size;
}

SmartAlloc::~SmartAlloc() {
  impl_->features.shutdown();
  impl_->forget_cached_owner(this);
  // Threads still registered hold weak references; once this is gone they skip us.
  impl_.reset();
}

const AllocConfig& SmartAlloc::config() const noexcept {
  return impl_->config;
}

detail::ThreadState& SmartAlloc::attach_slow() const {
  auto& reg = detail::thread_registry();
  std::erase_if(reg.entries, [](const auto& e) { return e.instance.expired(); });
  for (auto& e : reg.entries) {
    if (e.id == id_) return detail::remember(this, e.state);
  }
  detail::ThreadState* ts = impl_->create_thread_state(detail::tls_cache, this);
  reg.entries.push_back({impl_, id_, ts});
  return detail::remember(this, ts);
}

detail::ThreadState* SmartAlloc::current_thread_state_if_attached() const noexcept {
  if (detail::tls_cache.owner.load(std::memory_order_relaxed) == this) return detail::tls_cache.state;
  for (auto& e : detail::thread_registry().entries)
    if (e.id == id_) return e.state;
  return nullptr;
}

void SmartAlloc::report(Code code, std::string message, std::vector<std::string> notes, std::string help) {
  Diagnostic d;
  d.code = code;
  d.severity = info(code).default_severity;
  d.message = std::move(message);
  d.notes = std::move(notes);
  d.help = help.empty() ? std::string(info(code).help) : std::move(help);
  d.instance_id = id_;
  if (const detail::ThreadState* ts = current_thread_state_if_attached()) {
    d.thread_index = ts->index;
    d.frame_number = ts->frame.frames_completed.get();
    d.frame_active = ts->frame.active.load(std::memory_order_relaxed);
  }
  impl_->report(std::move(d));
}

void SmartAlloc::report_foreign_handle() {
  report(Code::FA201, "a ThreadHandle was used on a thread other than the one that created it",
         {"the request was served from the calling thread's own state"},
         "create one ThreadHandle per thread; it caches that thread's arena and pool lists");
}

void SmartAlloc::set_diagnostic_sink(std::shared_ptr<DiagnosticSink> sink) {
  impl_->set_sink(std::move(sink));
}

// ---------------------------------------------------------------- frame

void SmartAlloc::begin_frame() {
  detail::ThreadState& ts = local();
  detail::FrameArena& a = ts.frame;
  if (a.active.load(std::memory_order_relaxed)) {
    report(
        Code::FA004, "begin_frame() called while a frame is already active on this thread",
        {"the call was ignored; frame " + std::to_string(a.frames_completed.get() + 1) + " is still open"});
    return;
  }
  detail::flush_remote_batch(ts);
  detail::process_deferred_at(*impl_, ts, detail::DeferredPoint::FrameBegin);
  detail::refresh_budget_state(*impl_, ts, false);
  detail::phases_begin_frame(ts);
  a.hot().cur.store(a.base, std::memory_order_relaxed);
  a.allocations_at_begin.set(ts.frame.hot().allocations.get());
  a.active.store(true, std::memory_order_relaxed);
  ts.tags->credit_end = reinterpret_cast<std::uintptr_t>(a.base);
  detail::update_frame_limit(ts);
  detail::observe_frame_begin(*impl_, ts);
}

void SmartAlloc::end_frame() {
  detail::ThreadState& ts = local();
  detail::FrameArena& a = ts.frame;
  if (!a.active.load(std::memory_order_relaxed)) {
    report(Code::FA004, "end_frame() called with no active frame on this thread", {"the call was ignored"});
    return;
  }
  detail::phases_end_frame(*this, ts);
  detail::thread_budget_end_frame(*this, ts);
  detail::end_frame_features(ts);
  const auto used = static_cast<std::size_t>(a.hot().cur.load(std::memory_order_relaxed) - a.base);
  ts.frame_stats.peak_bytes.raise_to(used);
  ts.frame_stats.frees.add(ts.frame.hot().allocations.get() - a.allocations_at_begin.get());
  ts.frame_stats.bytes_allocated.add(used);
  ts.frame_stats.bytes_freed.add(used);
  if (ts.instrumented) detail::on_frame_reset(a.base, used, impl_->config.debug_checks);
  a.hot().cur.store(a.base, std::memory_order_relaxed);
  a.hot().limit = a.base;
  a.active.store(false, std::memory_order_relaxed);
  a.generation.fetch_add(1, std::memory_order_relaxed);
  a.frames_completed.add(1);
  detail::flush_segment(ts);
  detail::budgets_end_frame(*impl_, ts);
  detail::flush_remote_batch(ts);
  detail::process_deferred_at(*impl_, ts, detail::DeferredPoint::FrameEnd);
  const std::uint64_t allocations = ts.frame.hot().allocations.get() - a.allocations_at_begin.get();
  detail::observe_frame_end(*impl_, ts, used, allocations);
  impl_->coordination.on_thread_frame_end(*this, ts.index, allocations);  // FA202
}

bool SmartAlloc::frame_active() const {
  return local().frame.active.load(std::memory_order_relaxed);
}
std::uint64_t SmartAlloc::frame_number() const {
  return local().frame.frames_completed.get();
}

std::size_t SmartAlloc::frame_used() const {
  const detail::FrameArena& a = local().frame;
  return static_cast<std::size_t>(a.hot().cur.load(std::memory_order_relaxed) - a.base);
}

std::size_t SmartAlloc::frame_remaining() const {
  const detail::ThreadState& ts = local();
  const detail::FrameArena& a = ts.frame;
  if (!a.active.load(std::memory_order_relaxed)) return 0;
  const auto used = static_cast<std::size_t>(a.hot().cur.load(std::memory_order_relaxed) - a.base);
  std::size_t room = a.capacity - used;
  const detail::TagContext& ctx = *ts.tags;
  if (ctx.thread_budget.limit && !ctx.budget_lifted && ctx.thread_budget.policy != FrameBudgetPolicy::Promote)
    room = std::min<std::size_t>(room, ctx.thread_budget.limit > used ? ctx.thread_budget.limit - used : 0);
  return room;
}

void* SmartAlloc::frame_alloc_slow(std::size_t size, std::size_t align, bool throwing, SrcLoc loc) {
  detail::ThreadState& ts = local();
  detail::FrameArena& a = ts.frame;
  // The inline path serves only the instance whose cursor is in the TLS record: the others
  // (and the first request of a thread) get the same bump here.
  if (void* p; detail::frame_bump(a.hot(), size, align, p)) return p;
  auto fail = [&](Code code) -> void* {
    ts.failed_allocations.add(1);
    if (throwing) throw AllocError(code);
    return nullptr;
  };
  if (!detail::is_pow2(align)) {
    report(Code::FA542,
           "frame allocation with alignment " + std::to_string(align) + ", which is not a power of two",
           {"requested " + std::to_string(size) + " bytes"});
    return fail(Code::FA542);
  }
  if (!a.active.load(std::memory_order_relaxed)) {
    report(
        Code::FA001, "frame allocation used outside an active frame",
        {a.frames_completed.get() == 0 ? "no frame has begun on this thread yet"
                                       : "this allocation was requested after end_frame()"},
        "call begin_frame() before allocating, or use pool_alloc()/heap_alloc() for data that must persist");
    return fail(Code::FA001);
  }
  const auto cur = reinterpret_cast<std::uintptr_t>(a.hot().cur.load(std::memory_order_relaxed));
  const auto end = reinterpret_cast<std::uintptr_t>(a.base + a.capacity);
  // No wrap: cur < 2^63 (user space), so cur + align - 1 fits for every power of two.
  const std::uintptr_t p = (cur + (align - 1)) & ~(std::uintptr_t{align} - 1);
  if (p > end || size > end - p) {
    // Any power of two is honoured when an aligned block fits (the fast path serves one that
    // cur already satisfies); one larger than the whole arena that does not fit is a mistake.
    if (align > a.capacity) {
      report(Code::FA542, "frame alignment " + std::to_string(align) + " exceeds the frame arena size",
             {"the arena holds " + std::to_string(a.capacity) + " bytes"});
      return fail(Code::FA542);
    }
    if (throwing) {
      report(Code::FA003, "frame arena exhausted",
             {"requested " + std::to_string(size) + " bytes (alignment " + std::to_string(align) + ") with " +
              std::to_string(end - cur) + " of " + std::to_string(a.capacity) + " bytes left this frame"},
             "raise AllocConfig::with_frame_arena_size(), check frame_remaining(), or use the heap for large "
             "data");
    }
    return fail(Code::FA003);
  }
  switch (detail::check_thread_budget(*this, ts, p + size, size)) {
    case detail::ThreadBudgetVerdict::Proceed:
      break;
    case detail::ThreadBudgetVerdict::Fail:
      return fail(Code::FA310);
    case detail::ThreadBudgetVerdict::Promote: {
      void* q = pool_alloc_bytes(size, align, loc);  // throws on failure, as the frame request would
      ts.tags->promoted.push_back(q);
      ts.tags->promotions.fetch_add(1, std::memory_order_relaxed);
      return q;
    }
  }
  if (ts.budgeted) {
    if (ts.instrumented) {
      const detail::ChargeResult r = detail::charge(*this, *impl_, ts, p + size - cur, true);
      if (!r.ok) return fail(r.refused);
    } else {
      // Charge a credit that covers this request and, when the budget allows, the next ones.
      const std::uintptr_t credit_end = std::max(ts.tags->credit_end, cur);
      const std::uint64_t extra = p + size - credit_end;
      std::uint64_t credit =
          std::min<std::uint64_t>(std::max(extra, detail::kFrameCreditBytes), end - credit_end);
      if (!detail::charge(*this, *impl_, ts, credit, true, true).ok) {
        credit = extra;
        const detail::ChargeResult r = detail::charge(*this, *impl_, ts, credit, true);
        if (!r.ok) return fail(r.refused);
      }
      ts.tags->credit_end = credit_end + credit;
    }
  }
  a.hot().cur.store(reinterpret_cast<std::byte*>(p + size), std::memory_order_relaxed);
  const std::uint64_t used_now = p + size - reinterpret_cast<std::uintptr_t>(a.base);
  const bool pressure = detail::frame_pressure_crossed(ts, used_now);
  detail::update_frame_limit(ts);
  ts.frame.hot().allocations.add(1);
  if (ts.instrumented) detail::on_frame_alloc(a.base, reinterpret_cast<void*>(p), size);
  detail::observe_alloc(*impl_, ts, AllocKind::Frame, reinterpret_cast<void*>(p), size, loc);
  if (pressure) detail::observe_frame_pressure(*impl_, ts, used_now);  // at the crossing, once per frame
  return reinterpret_cast<void*>(p);
}

// ---------------------------------------------------------------- heap

void* SmartAlloc::heap_alloc_bytes(std::size_t size, std::size_t align, SrcLoc loc) {
  detail::ThreadState& ts = local();
  if (!detail::is_pow2(align)) {
    report(Code::FA542,
           "heap allocation with alignment " + std::to_string(align) + ", which is not a power of two");
    ts.failed_allocations.add(1);
    throw AllocError(Code::FA542);
  }
  if (size == 0) size = 1;
  align = std::max(align, std::size_t{__STDCPP_DEFAULT_NEW_ALIGNMENT__});
  detail::ChargeResult charged;
  if (ts.budgeted) {
    charged = detail::charge(*this, *impl_, ts, size, false);
    if (!charged.ok) {
      ts.failed_allocations.add(1);
      throw AllocError(charged.refused);
    }
  }
  void* p = ::operator new(size, std::align_val_t(align), std::nothrow);
  if (!p) {
    detail::refund(*impl_, charged.tag_plus_one, charged.serial, size);
    ts.failed_allocations.add(1);
    throw std::bad_alloc();
  }
  {
    std::lock_guard lock(impl_->heap_mutex);
    impl_->heap_live.emplace(p, detail::HeapBlock{size, align, &ts, charged.tag_plus_one, charged.serial});
    impl_->heap_live_bytes += size;
    impl_->heap_peak_bytes = std::max(impl_->heap_peak_bytes, impl_->heap_live_bytes);
    const std::uint64_t outstanding = ts.heap_outstanding.fetch_add(size, std::memory_order_relaxed) + size;
    ts.heap_stats.peak_bytes.raise_to(outstanding);
  }
  ts.heap_stats.allocations.add(1);
  ts.heap_stats.bytes_allocated.add(size);
  detail::observe_alloc(*impl_, ts, AllocKind::Heap, p, size, loc);
  return p;
}

namespace {
// Explains why p cannot be freed by pool_free/heap_free (it is not a live block).
void report_bad_free(SmartAlloc& alloc, detail::Instance& inst, const void* p, const char* fn) {
  const std::string where = std::string(fn) + "(" + detail::hex(p) + ")";
  bool recently_freed;
  {
    std::lock_guard lock(inst.heap_mutex);
    recently_freed = inst.heap_recently_freed_contains(p);
  }
  if (recently_freed) {
    alloc.report(Code::FA540, "double free: " + where + " releases a heap block that was already freed");
    return;
  }
  if (const detail::ThreadState* owner = inst.frame_owner_of(p)) {
    if (owner == alloc.current_thread_state_if_attached()) {
      alloc.report(Code::FA541, where + " was given frame memory",
                   {"frame allocations are released together by end_frame(), never one by one"});
    } else {
      alloc.report(Code::FA201,
                   "invalid cross-thread free: " + where + " was given frame memory of thread #" +
                       std::to_string(owner->index),
                   {"frame memory belongs to the thread whose arena it came from"});
    }
    return;
  }
  alloc.report(Code::FA541, where + " was given a pointer this allocator did not hand out",
               {"it may come from malloc/new, another SmartAlloc instance, or point inside a block"});
}
}  // namespace

bool SmartAlloc::owns_heap_block(const void* p) {
  return owns_heap_block_named(p, "heap_free");
}

bool SmartAlloc::owns_heap_block_named(const void* p, const char* fn) {
  {
    std::lock_guard lock(impl_->heap_mutex);
    if (impl_->heap_live.count(p)) return true;
  }
  report_bad_free(*this, *impl_, p, fn);
  return false;
}

void SmartAlloc::heap_free_bytes(void* p) {
  heap_free_named(p, "heap_free");
}

void SmartAlloc::heap_free_named(void* p, const char* fn) {
  if (!p) return;
  detail::HeapBlock block;
  {
    std::lock_guard lock(impl_->heap_mutex);
    auto it = impl_->heap_live.find(p);
    if (it == impl_->heap_live.end()) {
      block.owner = nullptr;
    } else {
      block = it->second;
      impl_->heap_live.erase(it);
      impl_->heap_live_bytes -= block.size;
      block.owner->heap_outstanding.fetch_sub(block.size, std::memory_order_relaxed);
      impl_->heap_remember_freed(p);
    }
  }
  if (!block.owner) {
    report_bad_free(*this, *impl_, p, fn);
    return;
  }
  detail::refund(*impl_, block.charge_tag_plus_one, block.charge_serial, block.size);
  detail::ThreadState& ts = local();
  ts.heap_stats.frees.add(1);
  ts.heap_stats.bytes_freed.add(block.size);
  detail::observe_free(*impl_, ts, AllocKind::Heap, p, block.size);
  if (impl_->config.debug_checks) std::memset(p, detail::kPoisonByte, block.size);
  ::operator delete(p, std::align_val_t(block.align));
}

// ---------------------------------------------------------------- stats & resources

AllocStats SmartAlloc::stats() const {
  if (detail::ThreadState* ts = current_thread_state_if_attached()) detail::flush_segment(*ts);
  AllocStats out;
  impl_->collect(out);
  {
    std::lock_guard lock(impl_->heap_mutex);
    out.heap.peak_bytes = impl_->heap_peak_bytes;  // exact, unlike the summed per-thread peaks
  }
  out.diagnostics_reported = impl_->diagnostics_reported();
  out.budgets = budget_stats();
  return out;
}

ThreadStats SmartAlloc::thread_stats() const {
  return impl_->thread_stats(local());
}

std::pmr::memory_resource& SmartAlloc::frame_resource() noexcept {
  return impl_->frame_resource;
}
std::pmr::memory_resource& SmartAlloc::pool_resource() noexcept {
  return impl_->pool_resource;
}

}  // namespace fa
