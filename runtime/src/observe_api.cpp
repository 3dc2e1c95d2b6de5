// SmartAlloc's observability API: lifecycle events, profiler hooks, history and call sites.
#include <framealloc/smart_alloc.hpp>
#include <framealloc/transfer.hpp>

#include "instance.hpp"
#include "tag_ops.hpp"

namespace fa {

void SmartAlloc::on_frame_event(FrameEventCallback callback) {
  impl_->observer.set_callback(std::move(callback));
}

FrameEventCounts SmartAlloc::event_counts() const {
  FrameEventCounts c;
  for (std::size_t k = 0; k < kFrameEventKinds; ++k)
    c.by_kind[k] = impl_->observer.counted(static_cast<FrameEventKind>(k));
  return c;
}

namespace {
// Hooks and attribution route requests through the slow paths: the calling thread switches
// now, others at their next begin_frame() or tag change (the budget epoch makes them look).
void reroute(detail::Instance& inst, const SmartAlloc& alloc) {
  inst.budget_epoch.fetch_add(1, std::memory_order_acq_rel);
  if (detail::ThreadState* ts = alloc.current_thread_state_if_attached())
    detail::refresh_budget_state(inst, *ts, false);
}
}  // namespace

void SmartAlloc::set_profiler_hooks(ProfilerHooks hooks) {
  impl_->observer.set_hooks(std::move(hooks));
  reroute(*impl_, *this);
}

std::vector<FrameRecord> SmartAlloc::frame_history() const {
  return impl_->observer.history();
}

FrameGraph SmartAlloc::frame_graph(std::uint32_t thread_index) const {
  FrameGraph g;
  for (const FrameRecord& s : impl_->observer.history()) {
    if (s.thread_index != thread_index) continue;
    g.frame_numbers.push_back(s.frame_number);
    g.duration_ms.push_back(static_cast<double>(s.duration_ns) / 1e6);
    g.frame_bytes.push_back(s.frame_bytes);
  }
  return g;
}

void SmartAlloc::set_call_site_attribution(bool on) {
  impl_->observer.set_attribution(on);
  reroute(*impl_, *this);
}

bool SmartAlloc::call_site_attribution() const noexcept {
  return impl_->observer.attribution();
}

std::vector<CallSiteStats> SmartAlloc::call_site_stats() const {
  return detail::collect_sites(*impl_, false);
}

std::vector<CallSiteStats> SmartAlloc::last_frame_call_site_stats() const {
  return detail::collect_sites(*impl_, true);
}

}  // namespace fa
