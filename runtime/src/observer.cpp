// Lifecycle events, profiler hooks, frame history and call-site tables (observer.hpp).
#include "observer.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "instance.hpp"
#include "tag_context.hpp"

namespace fa {

const char* to_string(FrameEventKind kind) noexcept {
  switch (kind) {
    case FrameEventKind::FrameBegin:
      return "FrameBegin";
    case FrameEventKind::FrameEnd:
      return "FrameEnd";
    case FrameEventKind::CrossThreadFreeQueued:
      return "CrossThreadFreeQueued";
    case FrameEventKind::TransferInitiated:
      return "TransferInitiated";
    case FrameEventKind::TransferCompleted:
      return "TransferCompleted";
    case FrameEventKind::MemoryPressure:
      return "MemoryPressure";
    case FrameEventKind::BudgetExceeded:
      return "BudgetExceeded";
    case FrameEventKind::DeferredProcessed:
      return "DeferredProcessed";
  }
  return "?";
}

const char* to_string(AllocKind kind) noexcept {
  switch (kind) {
    case AllocKind::Frame:
      return "frame";
    case AllocKind::Pool:
      return "pool";
    case AllocKind::Heap:
      return "heap";
  }
  return "?";
}

namespace detail {

std::size_t SiteKeyHash::operator()(const SiteKey& k) const noexcept {
  std::size_t h = std::hash<const void*>{}(k.file);
  h = h * 31 + std::hash<const void*>{}(k.function);
  h = h * 31 + k.line;
  h = h * 31 + k.tag;
  return h * 4 + static_cast<std::size_t>(k.kind);
}

Observer::Observer(const AllocConfig& config)
    : pressure_fraction(config.memory_pressure_fraction), history_capacity_(config.frame_history_size) {
  history_.reserve(std::min<std::size_t>(history_capacity_, 1024));  // grows past that if asked
}

ThreadObserve* Observer::add_thread() {
  std::lock_guard lock(mutex_);
  threads_.push_back(std::make_unique<ThreadObserve>());
  return threads_.back().get();
}

std::uint64_t Observer::counted(FrameEventKind k) const {
  const auto i = static_cast<std::size_t>(k);
  std::uint64_t n = counts_[i].load(std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  for (const auto& t : threads_) n += t->counts[i].get();
  return n;
}

std::vector<ThreadObserve*> Observer::threads() const {
  std::lock_guard lock(mutex_);
  std::vector<ThreadObserve*> out;
  for (const auto& t : threads_) out.push_back(t.get());
  return out;
}

void Observer::set_callback(FrameEventCallback cb) {
  std::lock_guard lock(mutex_);
  const bool on = static_cast<bool>(cb);
  callback_ = on ? std::make_shared<const FrameEventCallback>(std::move(cb)) : nullptr;
  events_on_.store(on, std::memory_order_relaxed);
}

void Observer::emit(const FrameEvent& e) {
  std::shared_ptr<const FrameEventCallback> cb;
  {
    std::lock_guard lock(mutex_);
    cb = callback_;
  }
  if (cb) (*cb)(e);
}

std::uint64_t Observer::pressure_bytes(std::size_t capacity) const noexcept {
  return static_cast<std::uint64_t>(static_cast<double>(capacity) * pressure_fraction);
}

void Observer::set_hooks(ProfilerHooks hooks) {
  std::lock_guard lock(mutex_);
  const bool on = !hooks.empty();
  hooks_ = on ? std::make_shared<const ProfilerHooks>(std::move(hooks)) : nullptr;
  hooks_on_.store(on, std::memory_order_relaxed);
}

std::shared_ptr<const ProfilerHooks> Observer::hooks() const {
  std::lock_guard lock(mutex_);
  return hooks_;
}

void Observer::push_history(const FrameRecord& s) {
  if (history_capacity_ == 0) return;
  std::lock_guard lock(history_lock_);
  if (history_.size() < history_capacity_) {
    history_.push_back(s);
  } else {
    history_[history_next_] = s;
    history_next_ = history_next_ + 1 == history_capacity_ ? 0 : history_next_ + 1;
  }
}

std::vector<FrameRecord> Observer::history() const {
  std::lock_guard lock(history_lock_);
  std::vector<FrameRecord> out;
  out.reserve(history_.size());
  const auto oldest = history_.begin() + static_cast<std::ptrdiff_t>(history_next_);
  out.insert(out.end(), oldest, history_.end());
  out.insert(out.end(), history_.begin(), oldest);
  return out;
}

namespace {

FrameEvent event_of(FrameEventKind kind, const ThreadState* ts) {
  FrameEvent e;
  e.kind = kind;
  if (ts) {
    e.thread_index = ts->index;
    e.frame_number = ts->frame.frames_completed.get();
  }
  return e;
}

}  // namespace

void observe_frame_begin(Instance& inst, ThreadState& ts) {
  ts.observe->frame_began = clock_stamp();
  Observer::count(*ts.observe, FrameEventKind::FrameBegin);
  if (inst.observer.events_enabled()) inst.observer.emit(event_of(FrameEventKind::FrameBegin, &ts));
}

void observe_frame_end(Instance& inst, ThreadState& ts, std::uint64_t used, std::uint64_t allocations) {
  Observer& obs = inst.observer;
  ThreadObserve& to = *ts.observe;
  const std::uint64_t ns = clock_elapsed_ns(to.frame_began, clock_stamp());
  to.last_frame_ns.store(ns, std::memory_order_relaxed);
  to.last_frame_bytes.store(used, std::memory_order_relaxed);
  // Only this thread writes the site tables, so it may see that both are empty without the
  // lock (readers on other threads only read them): no lock at all when attribution is off.
  if (!to.frame_sites.empty() || !to.last_frame_sites.empty()) {
    std::lock_guard lock(to.sites_mutex);
    for (const auto& [k, v] : to.frame_sites) {
      SiteCount& t = to.total_sites[k];
      t.count += v.count;
      t.bytes += v.bytes;
    }
    to.last_frame_sites.swap(to.frame_sites);
    to.frame_sites.clear();
  }
  const FrameRecord summary{ts.index, ts.frame.frames_completed.get(), ns, used, allocations};
  obs.push_history(summary);
  if (obs.behavior.enabled())
    report_behavior(inst, &ts, obs.behavior.on_frame_end(ts.index, summary.frame_number));
  if (obs.hooks_on()) {
    if (auto hooks = obs.hooks(); hooks && hooks->on_frame) hooks->on_frame(summary);
  }
  Observer::count(to, FrameEventKind::FrameEnd);
  to.pressure_raised = false;  // re-armed by the next begin_frame()
  if (!obs.events_enabled()) return;
  FrameEvent e = event_of(FrameEventKind::FrameEnd, &ts);
  e.frame_number = summary.frame_number - 1;  // as at the frame's begin
  e.duration_ns = ns;
  e.bytes = used;
  e.peak_bytes = ts.frame_stats.peak_bytes.get();
  obs.emit(e);
}

bool frame_pressure_crossed(ThreadState& ts, std::uint64_t used) noexcept {
  ThreadObserve& to = *ts.observe;
  if (to.pressure_raised || used <= to.pressure_threshold) return false;
  to.pressure_raised = true;
  return true;
}

void observe_frame_pressure(Instance& inst, ThreadState& ts, std::uint64_t used) {
  const ThreadObserve& to = *ts.observe;
  Observer& obs = inst.observer;
  Observer::count(*ts.observe, FrameEventKind::MemoryPressure);
  if (obs.events_enabled()) {
    FrameEvent p = event_of(FrameEventKind::MemoryPressure, &ts);
    p.bytes = used;
    p.limit = to.pressure_threshold;
    obs.emit(p);
  }
}

void observe_alloc(Instance& inst, ThreadState& ts, AllocKind kind, const void* p, std::uint64_t bytes,
                   const std::source_location& loc) {
  Observer& obs = inst.observer;
  if (obs.behavior.enabled())
    obs.behavior.on_alloc(ts.index, ts.tags->current, kind, p, ts.frame.frames_completed.get(),
                          ts.frame.active.load(std::memory_order_relaxed));
  if (obs.attribution()) {
    ThreadObserve& to = *ts.observe;
    const SiteKey key{loc.file_name(), loc.function_name(), loc.line(), ts.tags->current, kind};
    std::lock_guard lock(to.sites_mutex);
    SiteCount& c = to.frame_sites[key];
    c.count += 1;
    c.bytes += bytes;
  }
  if (obs.hooks_on()) {
    auto hooks = obs.hooks();
    if (hooks && hooks->on_alloc) {
      const std::string path = inst.tags.path(ts.tags->current);
      hooks->on_alloc({kind, p, bytes, path, ts.index, ts.frame.frames_completed.get()});
    }
  }
}

void observe_free(Instance& inst, ThreadState& ts, AllocKind kind, const void* p, std::uint64_t bytes) {
  if (inst.observer.behavior.enabled())
    report_behavior(inst, &ts,
                    inst.observer.behavior.on_free(ts.index, p, ts.frame.frames_completed.get(),
                                                   ts.frame.active.load(std::memory_order_relaxed)));
  if (!inst.observer.hooks_on()) return;
  auto hooks = inst.observer.hooks();
  if (!hooks || !hooks->on_free) return;
  const std::string path = inst.tags.path(ts.tags->current);
  hooks->on_free({kind, p, bytes, path, ts.index, ts.frame.frames_completed.get()});
}

void observe_remote_free(Instance& inst, ThreadState& ts, std::uint32_t owner_index, std::uint64_t bytes) {
  Observer::count(*ts.observe, FrameEventKind::CrossThreadFreeQueued);
  if (!inst.observer.events_enabled()) return;
  FrameEvent e = event_of(FrameEventKind::CrossThreadFreeQueued, &ts);
  e.other_thread = owner_index;
  e.bytes = bytes;
  inst.observer.emit(e);
}

void observe_deferred_processed(Instance& inst, ThreadState& ts, std::uint64_t blocks) {
  Observer::count(*ts.observe, FrameEventKind::DeferredProcessed);
  if (!inst.observer.events_enabled()) return;
  FrameEvent e = event_of(FrameEventKind::DeferredProcessed, &ts);
  e.blocks = blocks;
  inst.observer.emit(e);
}

void observe_simple(Instance& inst, const ThreadState* ts, FrameEventKind kind) {
  if (ts)
    Observer::count(*ts->observe, kind);
  else
    inst.observer.count(kind);
  if (inst.observer.events_enabled()) inst.observer.emit(event_of(kind, ts));
}

std::vector<CallSiteStats> collect_sites(Instance& inst, bool last_frame_only) {
  // Threads' tables merged by what a reader sees: the same source line under the same tag.
  using Key = std::tuple<std::string, std::uint32_t, std::string, std::uint32_t, AllocKind>;
  std::map<Key, SiteCount> merged;
  auto add = [&](const SiteTable& t) {
    for (const auto& [k, v] : t) {
      const bool known = k.file && *k.file;
      SiteCount& m = merged[Key{known ? k.file : "<unknown>", known ? std::max<std::uint32_t>(k.line, 1) : 1,
                                known && k.function ? k.function : "", k.tag, k.kind}];
      m.count += v.count;
      m.bytes += v.bytes;
    }
  };
  for (ThreadObserve* to : inst.observer.threads()) {
    std::lock_guard lock(to->sites_mutex);
    if (last_frame_only) {
      add(to->last_frame_sites);
    } else {
      add(to->total_sites);
      add(to->frame_sites);  // the current frame, and pool/heap requests outside frames
    }
  }
  std::vector<CallSiteStats> out;
  out.reserve(merged.size());
  for (const auto& [k, v] : merged)
    out.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), inst.tags.path(std::get<3>(k)),
                   std::get<4>(k), v.count, v.bytes});
  return out;
}

}  // namespace detail
}  // namespace fa
