// SmartAlloc's behavior-filter API and the actionable text of its findings.
#include <framealloc/behavior.hpp>
#include <framealloc/smart_alloc.hpp>

#include <cstdio>
#include <stdexcept>

#include "instance.hpp"
#include "tag_ops.hpp"

namespace fa {
namespace detail {
namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string tag_name(const std::string& path) {
  return path.empty() ? "untagged allocations" : std::string("tag \"").append(path).append("\"");
}

// What was seen and what to change, in the terms of the finding's tag.
std::pair<std::string, std::string> describe(const BehaviorFinding& f, const std::string& who) {
  const std::string seen = num(f.observed), limit = num(f.threshold);
  switch (f.code) {
    case Code::FA501:
      return {who + ": promoted frame allocations live " + seen + " frames on average (limit " + limit + ")",
              "allocate this data with pool_alloc/pool_box or heap_alloc from the start instead of "
              "frame_retained() + promotion"};
    case Code::FA502:
      return {who + ": " + seen + " of frame allocations survive their frame (limit " + limit + ")",
              "allocate the surviving values from the pool or heap directly; keep frame allocation for "
              "values that end with the frame"};
    case Code::FA510:
      return {who + ": " + seen + " of pool allocations are freed in the frame they were made (limit " +
                  limit + ")",
              "use frame_alloc/frame_box for these temporaries: end_frame() releases them without "
              "free-list work"};
    case Code::FA520:
      return {who + ": " + seen + " promotions per frame (limit " + limit + ")",
              "allocate data known to outlive the frame from the pool or heap up front; keep promotion for "
              "rare, late decisions"};
    case Code::FA530:
      return {who + ": " + seen + " heap allocations per frame for consecutive frames (limit " + limit + ")",
              "use frame_alloc for per-frame temporaries and pool_alloc for small objects that outlive "
              "the frame"};
    default:
      return {who, std::string(info(f.code).help)};
  }
}

}  // namespace

void report_behavior(Instance& inst, const ThreadState* ts, const std::vector<BehaviorFinding>& findings) {
  if (findings.empty()) return;
  // Everything is recorded before the first report(): strict mode may throw from it.
  std::vector<Diagnostic> diags;
  for (const BehaviorFinding& f : findings) {
    const std::string path = inst.tags.path(f.tag);
    auto [message, advice] = describe(f, tag_name(path));
    BehaviorIssue issue{f.code, path, f.kind, f.observed, f.threshold, advice, f.thread_index, 0};
    Diagnostic d;
    d.code = f.code;
    d.severity = info(f.code).default_severity;
    d.message = std::move(message);
    d.notes = {std::string("allocation kind: ") + to_string(f.kind),
               "reported once per tag by the behavior filter"};
    d.help = std::move(advice);
    d.instance_id = inst.id;
    if (ts) {
      d.thread_index = ts->index;
      d.frame_number = ts->frame.frames_completed.get();
      d.frame_active = ts->frame.active.load(std::memory_order_relaxed);
      issue.frame_number = d.frame_number;
    }
    inst.observer.behavior.record(std::move(issue));
    diags.push_back(std::move(d));
  }
  for (Diagnostic& d : diags) inst.report(std::move(d));
}

void observe_retained(Instance& inst, ThreadState& ts, const void* frame_ptr) {
  if (inst.observer.behavior.enabled())
    inst.observer.behavior.on_retained(ts.index, ts.tags->current, frame_ptr);
}

void observe_promoted(Instance& inst, ThreadState& ts, const void* frame_ptr, const void* dest) {
  if (inst.observer.behavior.enabled())
    inst.observer.behavior.on_promoted(ts.index, frame_ptr, dest, ts.frame.frames_completed.get());
}

}  // namespace detail

void SmartAlloc::enable_behavior_filter(const BehaviorThresholds& thresholds) {
  if (std::string why = thresholds.validate(); !why.empty())
    throw std::invalid_argument(std::string("fa::SmartAlloc::enable_behavior_filter: ").append(why));
  impl_->observer.behavior.enable(thresholds);
  // Like profiler hooks: every request must take the slow path to be counted.
  impl_->budget_epoch.fetch_add(1, std::memory_order_acq_rel);
  if (detail::ThreadState* ts = current_thread_state_if_attached())
    detail::refresh_budget_state(*impl_, *ts, false);
}

void SmartAlloc::disable_behavior_filter() {
  impl_->observer.behavior.disable();
  impl_->budget_epoch.fetch_add(1, std::memory_order_acq_rel);
  if (detail::ThreadState* ts = current_thread_state_if_attached())
    detail::refresh_budget_state(*impl_, *ts, false);
}

bool SmartAlloc::behavior_filter_enabled() const noexcept {
  return impl_->observer.behavior.enabled();
}

std::vector<BehaviorIssue> SmartAlloc::behavior_report() const {
  return impl_->observer.behavior.report();
}

}  // namespace fa
