// Per-thread frame budgets. The arena limit stops the bump fast path at the warning
// threshold and at the limit, so a thread under its budget pays nothing for it.
#include <framealloc/smart_alloc.hpp>
#include <framealloc/thread_budget.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "instance.hpp"
#include "tag_context.hpp"
#include "tag_ops.hpp"

namespace fa {
namespace detail {
namespace {

std::uint64_t warn_bytes(const ThreadFrameBudget& b) {
  if (b.warn_at <= 0.0) return 0;
  return static_cast<std::uint64_t>(static_cast<double>(b.limit) * b.warn_at);
}

}  // namespace

void update_frame_limit(ThreadState& ts) {
  FrameArena& a = ts.frame;
  if (!a.active.load(std::memory_order_relaxed)) return;
  // Never below cur: frame_bump() computes the room as limit - cur without a sign check. A slow
  // path request may move cur past a lowered limit (budgets, pressure); the limit then follows it.
  std::byte* const cur = a.hot().cur.load(std::memory_order_relaxed);
  if (ts.instrumented || ts.observed) {
    a.hot().limit = cur;  // no room: every request takes the instrumented/observed slow path
    return;
  }
  const TagContext& ctx = *ts.tags;
  auto lim = reinterpret_cast<std::uintptr_t>(a.base + a.capacity);
  const auto base = reinterpret_cast<std::uintptr_t>(a.base);
  if (ts.budgeted) lim = std::min(lim, ctx.credit_end);
  // Stop at the MemoryPressure threshold until this frame raised it (observe_frame_pressure).
  if (const ThreadObserve& to = *ts.observe; !to.pressure_raised && to.pressure_threshold < a.capacity)
    lim = std::min<std::uintptr_t>(lim, base + to.pressure_threshold);
  const ThreadFrameBudget& tb = ctx.thread_budget;
  if (tb.limit && !ctx.budget_lifted) {
    lim = std::min<std::uintptr_t>(lim, base + tb.limit);
    if (const std::uint64_t w = warn_bytes(tb); w && !ctx.budget_warned)
      lim = std::min<std::uintptr_t>(lim, base + w);
  }
  a.hot().limit = std::max(reinterpret_cast<std::byte*>(lim), cur);
}

ThreadBudgetVerdict check_thread_budget(SmartAlloc& alloc, ThreadState& ts, std::uintptr_t need_end,
                                        std::uint64_t requested) {
  TagContext& ctx = *ts.tags;
  const ThreadFrameBudget& tb = ctx.thread_budget;
  if (!tb.limit || ctx.budget_lifted) return ThreadBudgetVerdict::Proceed;
  const auto base = reinterpret_cast<std::uintptr_t>(ts.frame.base);
  const std::uint64_t used_after = need_end - base;
  const std::uint64_t used_before =
      static_cast<std::uint64_t>(ts.frame.hot().cur.load(std::memory_order_relaxed) - ts.frame.base);
  const std::string who = "thread #" + std::to_string(ts.index);
  if (const std::uint64_t w = warn_bytes(tb);
      w && !ctx.budget_warned && used_after > w && used_after <= tb.limit) {
    ctx.budget_warned = true;
    alloc.report(Code::FA311,
                 who + " used " + std::to_string(used_after) + " of its " + std::to_string(tb.limit) +
                     "-byte frame budget (warning threshold " + std::to_string(w) + " bytes)",
                 {"reported once per frame"});
  }
  if (used_after <= tb.limit) return ThreadBudgetVerdict::Proceed;
  ctx.budget_exceeded.fetch_add(1, std::memory_order_relaxed);
  FrameBudgetPolicy policy = tb.policy;
  if (policy == FrameBudgetPolicy::Custom) {
    policy = tb.handler({ts.index, ts.frame.frames_completed.get(), used_before, requested, tb.limit});
    if (policy == FrameBudgetPolicy::Custom) policy = FrameBudgetPolicy::Fail;
  }
  const std::string what = who + " would use " + std::to_string(used_after) +
                           " bytes of frame memory, over its " + std::to_string(tb.limit) +
                           "-byte frame budget";
  switch (policy) {
    case FrameBudgetPolicy::Fail:
      alloc.report(Code::FA310, what,
                   {"requested " + std::to_string(requested) + " bytes; the request failed"});
      return ThreadBudgetVerdict::Fail;
    case FrameBudgetPolicy::Warn:
      ctx.budget_warned = ctx.budget_lifted = true;
      alloc.report(Code::FA311, what, {"policy Warn: the rest of this frame may use the whole arena"});
      return ThreadBudgetVerdict::Proceed;
    case FrameBudgetPolicy::Allow:
      ctx.budget_warned = ctx.budget_lifted = true;
      return ThreadBudgetVerdict::Proceed;
    case FrameBudgetPolicy::Promote:
    case FrameBudgetPolicy::Custom:
      break;
  }
  return ThreadBudgetVerdict::Promote;
}

void thread_budget_end_frame(SmartAlloc& alloc, ThreadState& ts) {
  TagContext& ctx = *ts.tags;
  std::vector<void*> promoted = std::move(ctx.promoted);
  ctx.promoted.clear();
  for (void* p : promoted) alloc.pool_free_bytes(p);
  ctx.budget_warned = ctx.budget_lifted = false;
}

}  // namespace detail

void SmartAlloc::set_thread_frame_budget(ThreadFrameBudget budget) {
  if (budget.limit == 0)
    throw std::invalid_argument("fa::SmartAlloc::set_thread_frame_budget: the limit must be > 0 bytes");
  if (!(budget.warn_at >= 0.0 && budget.warn_at < 1.0))
    throw std::invalid_argument("fa::SmartAlloc::set_thread_frame_budget: warn_at must be in [0, 1), got " +
                                std::to_string(budget.warn_at));
  if (budget.policy == FrameBudgetPolicy::Custom && !budget.handler)
    throw std::invalid_argument("fa::SmartAlloc::set_thread_frame_budget: policy Custom needs a handler");
  detail::ThreadState& ts = local();
  ts.tags->budget_limit.store(budget.limit, std::memory_order_relaxed);
  ts.tags->thread_budget = std::move(budget);
  detail::update_frame_limit(ts);
}

void SmartAlloc::clear_thread_frame_budget() {
  detail::ThreadState& ts = local();
  ts.tags->thread_budget = ThreadFrameBudget{};
  ts.tags->budget_limit.store(0, std::memory_order_relaxed);
  detail::update_frame_limit(ts);
}

}  // namespace fa
