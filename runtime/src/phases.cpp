// Frame phases: nested, named sections measured by sampling the thread's counters.
#include <framealloc/phases.hpp>
#include <framealloc/smart_alloc.hpp>

#include <stdexcept>
#include <string>

#include "instance.hpp"
#include "tag_context.hpp"
#include "tag_ops.hpp"

namespace fa {
namespace detail {
namespace {

PhaseStats close_phase(ThreadState& ts) {
  TagContext& ctx = *ts.tags;
  OpenPhase open = std::move(ctx.open_phases.back());
  ctx.open_phases.pop_back();
  const Sample d = sample_of(ts) - open.start;
  PhaseStats p;
  p.name = std::move(open.name);
  p.path = std::move(open.path);
  p.depth = static_cast<std::uint32_t>(ctx.open_phases.size() + 1);
  p.frame_number = ts.frame.frames_completed.get();
  p.duration_ns = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - open.started)
          .count());
  p.frame = {d.frame_allocs, d.frame_bytes};
  p.pool = {d.pool_allocs, d.pool_bytes};
  p.heap = {d.heap_allocs, d.heap_bytes};
  std::lock_guard lock(ctx.phases_mutex);
  ctx.completed.push_back(p);
  return p;
}

}  // namespace

void phases_end_frame(SmartAlloc& alloc, ThreadState& ts) {
  TagContext& ctx = *ts.tags;
  while (!ctx.open_phases.empty()) {
    const std::string path = ctx.open_phases.back().path;
    close_phase(ts);
    alloc.report(Code::FA030, "phase \"" + path + "\" was still open at end_frame()",
                 {"it was closed there; its figures cover the frame up to its end"});
  }
  // Only this thread writes the two lists (under the mutex, for readers elsewhere), so it may
  // look at them without it: a frame that used no phases takes no lock.
  if (ctx.completed.empty() && ctx.last_frame_completed.empty()) return;
  std::lock_guard lock(ctx.phases_mutex);
  ctx.last_frame_completed = std::move(ctx.completed);
  ctx.completed.clear();
}

void phases_begin_frame(ThreadState& ts) {
  TagContext& ctx = *ts.tags;
  if (ctx.completed.empty()) return;  // owner-only writes, as above
  std::lock_guard lock(ctx.phases_mutex);
  ctx.completed.clear();  // phases ended between frames belong to no frame
}

}  // namespace detail

void SmartAlloc::begin_phase(std::string_view name) {
  if (!is_valid_tag_name(name))
    throw std::invalid_argument("fa::SmartAlloc::begin_phase: invalid phase name \"" + std::string(name) +
                                "\" (1-64 characters of letters, digits, '_', '-' or '.')");
  detail::ThreadState& ts = local();
  detail::TagContext& ctx = *ts.tags;
  std::string path =
      ctx.open_phases.empty() ? std::string(name) : ctx.open_phases.back().path + "/" + std::string(name);
  ctx.open_phases.push_back(
      {std::string(name), std::move(path), detail::sample_of(ts), std::chrono::steady_clock::now()});
}

PhaseStats SmartAlloc::end_phase() {
  detail::ThreadState& ts = local();
  if (ts.tags->open_phases.empty()) {
    report(Code::FA030, "end_phase() called with no phase open on this thread", {"the call was ignored"});
    return {};
  }
  return detail::close_phase(ts);
}

std::vector<PhaseStats> SmartAlloc::frame_phases() const {
  detail::ThreadState& ts = local();
  detail::TagContext& ctx = *ts.tags;
  std::lock_guard lock(ctx.phases_mutex);
  return ts.frame.active.load(std::memory_order_relaxed) ? ctx.completed : ctx.last_frame_completed;
}

PhaseScope::PhaseScope(SmartAlloc& alloc, std::string_view name) : alloc_(alloc) {
  alloc_.begin_phase(name);
}

PhaseScope::~PhaseScope() {
  alloc_.end_phase();
}

}  // namespace fa
