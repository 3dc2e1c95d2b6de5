// Retained frame objects: registration, promotion at frame end, discard.
#include <framealloc/retention.hpp>
#include <framealloc/scratch_pool.hpp>

#include <algorithm>

#include "frame_features_hooks.hpp"
#include "instance.hpp"

namespace fa {
namespace detail {

void register_retained(SmartAlloc& alloc, RetainedEntry entry) {
  std::vector<RetainedEntry>& list = alloc.local().features.retained;
  try {
    list.push_back(std::move(entry));
    observe_retained(alloc.internal_instance(), alloc.local(), list.back().ptr);
  } catch (...) {
    entry.destroy(entry.ptr);  // could not be tracked: do not leave an object nobody destroys
    throw;
  }
}

void discard_retained_from(ThreadState& ts, const std::byte* from) noexcept {
  std::vector<RetainedEntry>& list = ts.features.retained;
  while (!list.empty() && static_cast<const std::byte*>(list.back().ptr) >= from) {
    list.back().destroy(list.back().ptr);
    list.pop_back();
  }
}

void end_frame_features(ThreadState& ts) noexcept {
  discard_retained_from(ts, nullptr);
  ts.features.invalidated_serials.clear();
}

namespace {

// New home for one retained object, or the reason there is none.
void* allocate_destination(SmartAlloc& alloc, const RetainedEntry& e, PromotedAllocation& out) {
  using Kind = RetentionPolicy::Kind;
  try {
    switch (e.policy.kind) {
      case Kind::PromoteToPool:
        return alloc.pool_alloc_bytes(e.size, e.align);
      case Kind::PromoteToHeap:
        return alloc.heap_alloc_bytes(e.size, e.align);
      case Kind::PromoteToScratch: {
        ScratchPool* pool = alloc.scratch().find(e.policy.scratch_pool);
        if (!pool) {
          out.failure = PromotionFailure::ScratchPoolMissing;
          return nullptr;
        }
        void* p = pool->try_alloc_bytes(e.size, e.align);
        if (!p) out.failure = PromotionFailure::ScratchPoolFull;
        return p;
      }
      case Kind::Discard:
        break;
    }
  } catch (const std::bad_alloc&) {  // fa::AllocError from a budget, or the system
    out.failure = PromotionFailure::BudgetExceeded;
  }
  return nullptr;
}

void count(FrameSummary& s, const PromotedAllocation& p) {
  using Kind = RetentionPolicy::Kind;
  if (p.failure) {
    switch (*p.failure) {
      case PromotionFailure::BudgetExceeded:
        ++s.failures.budget_exceeded;
        break;
      case PromotionFailure::ScratchPoolFull:
        ++s.failures.scratch_pool_full;
        break;
      case PromotionFailure::ScratchPoolMissing:
        ++s.failures.scratch_pool_missing;
        break;
    }
    return;
  }
  switch (p.destination) {
    case Kind::PromoteToPool:
      ++s.promoted_pool_count;
      s.promoted_pool_bytes += p.size;
      break;
    case Kind::PromoteToHeap:
      ++s.promoted_heap_count;
      s.promoted_heap_bytes += p.size;
      break;
    case Kind::PromoteToScratch:
      ++s.promoted_scratch_count;
      s.promoted_scratch_bytes += p.size;
      break;
    case Kind::Discard:
      break;
  }
}

}  // namespace
}  // namespace detail

void PromotedAllocation::release(SmartAlloc& alloc) {
  if (!ptr) return;
  destroy(ptr);
  if (destination == RetentionPolicy::Kind::PromoteToPool) alloc.pool_free_bytes(ptr);
  if (destination == RetentionPolicy::Kind::PromoteToHeap) alloc.heap_free_bytes(ptr);
  ptr = nullptr;
}

PromotionResult SmartAlloc::end_frame_with_promotions() {
  PromotionResult result;
  detail::ThreadState& ts = local();
  if (!ts.frame.active.load(std::memory_order_relaxed)) {
    end_frame();  // reports FA004
    return result;
  }
  // Take the list first: promotion may allocate (and a budget may fail) but never sees
  // a half-processed list.
  std::vector<detail::RetainedEntry> list = std::move(ts.features.retained);
  ts.features.retained.clear();
  result.promoted.reserve(list.size());
  for (detail::RetainedEntry& e : list) {
    if (e.policy.kind == RetentionPolicy::Kind::Discard) {
      ++result.summary.discarded_count;
      result.summary.discarded_bytes += e.size;
      e.destroy(e.ptr);
      continue;
    }
    PromotedAllocation p;
    p.destination = e.policy.kind;
    p.scratch_pool = e.policy.scratch_pool;
    p.frame_ptr = e.ptr;
    p.size = e.size;
    p.type = e.type;
    p.destroy = e.destroy;
    p.ptr = detail::allocate_destination(*this, e, p);
    if (p.ptr) e.move_to(p.ptr, e.ptr);
    e.destroy(e.ptr);  // the frame copy (moved-from, or never promoted)
    detail::count(result.summary, p);
    detail::observe_promoted(*impl_, ts, p.frame_ptr, p.ptr);
    result.promoted.push_back(std::move(p));
  }
  impl_->promotions.add(result.summary);
  end_frame();
  return result;
}

}  // namespace fa
