// Global and per-tag budgets: charging, refunds, events and the public API.
#include <framealloc/budgets.hpp>
#include <framealloc/smart_alloc.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "instance.hpp"
#include "tag_context.hpp"
#include "tag_ops.hpp"

namespace fa {
namespace detail {

void Budget::refund(std::uint64_t bytes) noexcept {
  std::uint64_t cur = used.load(std::memory_order_relaxed);
  std::uint64_t next;
  do {
    next = cur > bytes ? cur - bytes : 0;
  } while (!used.compare_exchange_weak(cur, next, std::memory_order_relaxed));
  const std::uint64_t s = soft.load(std::memory_order_relaxed);
  if (s && next <= s)
    over_soft.store(false, std::memory_order_relaxed);  // the next crossing is reported again
}

namespace {

void raise_peak(Budget& b, std::uint64_t v) {
  std::uint64_t p = b.peak.load(std::memory_order_relaxed);
  while (v > p && !b.peak.compare_exchange_weak(p, v, std::memory_order_relaxed)) {
  }
}

BudgetEvent event_for(const Budget& b, BudgetEventKind kind, const ThreadState& ts) {
  BudgetEvent e;
  e.kind = kind;
  e.scope = b.scope;
  e.tag_path = b.path;
  e.frame_number = ts.frame.frames_completed.get();
  e.thread_index = ts.index;
  return e;
}

std::string describe(const Budget& b) {
  return b.scope == BudgetScope::Global ? std::string("global budget") : "budget of tag \"" + b.path + "\"";
}

}  // namespace

namespace {

// Returns the unused part of the thread's frame credit to the budgets it was charged to,
// before the set of budgets that applies to the thread changes.
void release_frame_credit(ThreadState& ts) {
  FrameArena& a = ts.frame;
  TagContext& ctx = *ts.tags;
  if (ts.instrumented || !ts.budgeted || !a.active.load(std::memory_order_relaxed)) return;
  const auto cur = reinterpret_cast<std::uintptr_t>(a.hot().cur.load(std::memory_order_relaxed));
  if (ctx.credit_end <= cur) return;
  const std::uint64_t unused = ctx.credit_end - cur;
  for (Budget* b : ctx.chain) {
    b->refund(unused);
    for (auto& c : ctx.frame_charges)
      if (c.budget == b) c.bytes -= std::min(c.bytes, unused);
  }
  ctx.credit_end = cur;
}

}  // namespace

void refresh_budget_state(Instance& inst, ThreadState& ts, bool tag_changed) {
  TagContext& ctx = *ts.tags;
  const std::uint64_t epoch = inst.budget_epoch.load(std::memory_order_acquire);
  if (!tag_changed && ctx.chain_epoch == epoch) return;
  release_frame_credit(ts);
  ctx.chain_epoch = epoch;
  ctx.chain.clear();
  if (inst.global_budget.active()) ctx.chain.push_back(&inst.global_budget);
  inst.tags.budgets_covering(ctx.current, ctx.chain);
  ts.budgeted = !ctx.chain.empty();
  ts.observed = inst.observer.observing();
  set_pool_checked(ts, ts.instrumented || ts.budgeted || ts.observed, inst.config.pool_max_object_size);
  FrameArena& a = ts.frame;
  // A newly budgeted thread takes the frame slow path until it is granted a credit.
  ctx.credit_end =
      std::min(ctx.credit_end, reinterpret_cast<std::uintptr_t>(a.hot().cur.load(std::memory_order_relaxed)));
  update_frame_limit(ts);
}

ChargeResult charge(SmartAlloc& alloc, Instance& inst, ThreadState& ts, std::uint64_t bytes,
                    bool frame_memory, bool quiet) {
  TagContext& ctx = *ts.tags;
  ChargeResult r;
  std::size_t done = 0;
  for (; done < ctx.chain.size(); ++done) {
    Budget& b = *ctx.chain[done];
    const std::uint64_t hard = b.hard.load(std::memory_order_relaxed);
    if (!hard) continue;  // cleared since the chain was built
    const std::uint64_t before = b.used.fetch_add(bytes, std::memory_order_relaxed);
    if (before + bytes > hard) {
      b.used.fetch_sub(bytes, std::memory_order_relaxed);
      for (std::size_t i = 0; i < done; ++i) ctx.chain[i]->refund(bytes);
      r.ok = false;
      r.refused = b.scope == BudgetScope::Global ? Code::FA301 : Code::FA302;
      if (quiet) return r;
      b.refusals.fetch_add(1, std::memory_order_relaxed);
      BudgetEvent e = event_for(b, BudgetEventKind::HardLimitExceeded, ts);
      e.used = before;
      e.requested = bytes;
      e.limit = hard;
      inst.emit_budget_event(e);
      alloc.report(r.refused,
                   describe(b) + " exceeded: " + std::to_string(before) + " + " + std::to_string(bytes) +
                       " > " + std::to_string(hard) + " bytes (hard limit)",
                   {"the allocation was refused; tag path \"" + inst.tags.path(ctx.current) + "\""});
      return r;
    }
    raise_peak(b, before + bytes);
    const std::uint64_t soft = b.soft.load(std::memory_order_relaxed);
    if (soft && before + bytes > soft && !b.over_soft.exchange(true, std::memory_order_relaxed)) {
      BudgetEvent e = event_for(b, BudgetEventKind::SoftLimitExceeded, ts);
      e.used = before + bytes;
      e.requested = bytes;
      e.limit = soft;
      inst.emit_budget_event(e);
    }
  }
  if (frame_memory) {
    for (Budget* b : ctx.chain) {
      auto it = std::find_if(ctx.frame_charges.begin(), ctx.frame_charges.end(),
                             [b](const TagContext::FrameCharge& c) { return c.budget == b; });
      if (it == ctx.frame_charges.end())
        ctx.frame_charges.push_back({b, bytes});
      else
        it->bytes += bytes;
    }
  }
  r.tag_plus_one = ctx.current + 1;
  r.serial = static_cast<std::uint32_t>(inst.budget_serial.load(std::memory_order_relaxed));
  return r;
}

void refund(Instance& inst, std::uint32_t tag_plus_one, std::uint32_t serial, std::uint64_t bytes) {
  if (!tag_plus_one) return;
  std::vector<Budget*> covering;
  if (inst.global_budget.active()) covering.push_back(&inst.global_budget);
  inst.tags.budgets_covering(tag_plus_one - 1, covering);
  for (Budget* b : covering) {
    // A budget armed after the block was charged never counted it.
    if (b->serial.load(std::memory_order_relaxed) <= serial) b->refund(bytes);
  }
}

void budgets_end_frame(Instance& inst, ThreadState& ts) {
  TagContext& ctx = *ts.tags;
  for (const auto& c : ctx.frame_charges) c.budget->refund(c.bytes);
  ctx.frame_charges.clear();
  for (Budget* b : ctx.chain) {
    const std::uint64_t peak = b->peak.load(std::memory_order_relaxed);
    if (b->reported_peak.exchange(peak, std::memory_order_relaxed) < peak) {
      BudgetEvent e = event_for(*b, BudgetEventKind::NewPeak, ts);
      e.used = b->used.load(std::memory_order_relaxed);
      e.limit = peak;
      inst.emit_budget_event(e);
    }
  }
}

void Instance::emit_budget_event(const BudgetEvent& e) {
  std::shared_ptr<BudgetCallback> cb;
  {
    std::lock_guard lock(budget_callback_mutex_);
    cb = budget_callback_;
  }
  if (cb && *cb) (*cb)(e);
  // Budget limits are also lifecycle events: soft = pressure, hard = exceeded.
  if (e.kind != BudgetEventKind::SoftLimitExceeded && e.kind != BudgetEventKind::HardLimitExceeded) return;
  const FrameEventKind kind = e.kind == BudgetEventKind::HardLimitExceeded ? FrameEventKind::BudgetExceeded
                                                                           : FrameEventKind::MemoryPressure;
  observer.count(kind);
  if (!observer.events_enabled()) return;
  FrameEvent fe;
  fe.kind = kind;
  fe.thread_index = e.thread_index;
  fe.frame_number = e.frame_number;
  fe.bytes = e.used;
  fe.limit = e.limit;
  fe.tag_path = e.tag_path;
  observer.emit(fe);
}

void Instance::set_budget_callback(BudgetCallback cb) {
  std::lock_guard lock(budget_callback_mutex_);
  budget_callback_ = std::make_shared<BudgetCallback>(std::move(cb));
}

namespace {

void validate(const BudgetLimits& l, const char* fn) {
  if (l.hard <= 0)
    throw std::invalid_argument(std::string(fn) +
                                ": the hard limit must be a positive number of bytes, got " +
                                std::to_string(l.hard));
  if (l.soft < 0)
    throw std::invalid_argument(std::string(fn) + ": the soft limit must not be negative, got " +
                                std::to_string(l.soft));
  if (l.soft > l.hard)
    throw std::invalid_argument(std::string(fn) + ": the soft limit (" + std::to_string(l.soft) +
                                ") is above the hard limit (" + std::to_string(l.hard) + ")");
}

void arm(Instance& inst, Budget& b, const BudgetLimits& l) {
  if (!b.active()) {
    // A fresh budget counts from now: earlier blocks carry older serials and are never refunded to it.
    b.used.store(0, std::memory_order_relaxed);
    b.peak.store(0, std::memory_order_relaxed);
    b.reported_peak.store(0, std::memory_order_relaxed);
    b.over_soft.store(false, std::memory_order_relaxed);
    b.serial.store(inst.budget_serial.fetch_add(1, std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  b.soft.store(static_cast<std::uint64_t>(l.soft), std::memory_order_relaxed);
  b.hard.store(static_cast<std::uint64_t>(l.hard), std::memory_order_relaxed);
  inst.budget_epoch.fetch_add(1, std::memory_order_release);
}

void disarm(Instance& inst, Budget& b) {
  b.hard.store(0, std::memory_order_relaxed);
  b.soft.store(0, std::memory_order_relaxed);
  inst.budget_epoch.fetch_add(1, std::memory_order_release);
}

}  // namespace
}  // namespace detail

void SmartAlloc::set_global_budget(BudgetLimits limits) {
  detail::validate(limits, "fa::SmartAlloc::set_global_budget");
  detail::arm(*impl_, impl_->global_budget, limits);
  detail::refresh_budget_state(*impl_, local(), false);
}

void SmartAlloc::clear_global_budget() {
  detail::disarm(*impl_, impl_->global_budget);
  detail::refresh_budget_state(*impl_, local(), false);
}

void SmartAlloc::set_tag_budget(std::string_view path, BudgetLimits limits) {
  detail::validate(limits, "fa::SmartAlloc::set_tag_budget");
  const std::uint32_t id = impl_->tags.find_or_create_path(path);
  detail::arm(*impl_, impl_->tags.budget_for(id), limits);
  detail::refresh_budget_state(*impl_, local(), false);
}

void SmartAlloc::clear_tag_budget(std::string_view path) {
  const std::uint32_t id = impl_->tags.find_or_create_path(path);
  detail::disarm(*impl_, impl_->tags.budget_for(id));
  detail::refresh_budget_state(*impl_, local(), false);
}

void SmartAlloc::on_budget_event(BudgetCallback callback) {
  impl_->set_budget_callback(std::move(callback));
}

std::vector<BudgetStats> SmartAlloc::budget_stats() const {
  std::vector<BudgetStats> out;
  auto add = [&](const detail::Budget& b) {
    if (!b.active()) return;
    out.push_back({b.scope, b.path, b.soft.load(std::memory_order_relaxed),
                   b.hard.load(std::memory_order_relaxed), b.used.load(std::memory_order_relaxed),
                   b.peak.load(std::memory_order_relaxed), b.refusals.load(std::memory_order_relaxed)});
  };
  add(impl_->global_budget);
  impl_->tags.for_each([&](std::uint32_t, const detail::TagNode& n) {
    if (n.budget) add(*n.budget);
  });
  return out;
}

}  // namespace fa
