// Behavior filter counters and threshold checks (behavior_filter.hpp).
#include "behavior_filter.hpp"

#include <cmath>

namespace fa {

std::string BehaviorThresholds::validate() const {
  auto rate_ok = [](double r) { return std::isfinite(r) && r >= 0.0 && r <= 1.0; };
  if (!rate_ok(max_survival_rate)) return "max_survival_rate must be within [0, 1]";
  if (!rate_ok(max_pool_scratch_rate)) return "max_pool_scratch_rate must be within [0, 1]";
  if (!std::isfinite(max_avg_lifetime_frames) || max_avg_lifetime_frames < 0)
    return "max_avg_lifetime_frames must be a finite number >= 0";
  if (!std::isfinite(max_promotions_per_frame) || max_promotions_per_frame < 0)
    return "max_promotions_per_frame must be a finite number >= 0";
  if (heap_hot_frames == 0) return "heap_hot_frames must be at least 1";
  if (min_samples == 0 || min_frames == 0 || min_lifetime_samples == 0)
    return "min_samples, min_frames and min_lifetime_samples must be at least 1";
  return {};
}

namespace detail {

void BehaviorFilter::enable(const BehaviorThresholds& t) {
  std::lock_guard lock(mutex_);
  limits_ = t;
  threads_.clear();
  pool_live_.clear();
  promoted_.clear();
  flagged_.clear();
  issues_.clear();
  on_.store(true, std::memory_order_relaxed);
}

void BehaviorFilter::disable() {
  std::lock_guard lock(mutex_);
  on_.store(false, std::memory_order_relaxed);
  pool_live_.clear();  // the maps exist only while the filter is on
  promoted_.clear();
  threads_.clear();
}

void BehaviorFilter::on_alloc(std::uint32_t thread, std::uint32_t tag, AllocKind kind, const void* p,
                              std::uint64_t frames_completed, bool in_frame) {
  std::lock_guard lock(mutex_);
  if (!enabled()) return;
  TagBehavior& c = counters(thread, tag);
  switch (kind) {
    case AllocKind::Frame:
      ++c.frame_allocs;
      break;
    case AllocKind::Pool:
      ++c.pool_allocs;
      pool_live_[p] = {thread, tag, frames_completed, in_frame};
      break;
    case AllocKind::Heap:
      if (in_frame) ++c.heap_this_frame;
      break;
  }
}

void BehaviorFilter::check_lifetime(std::uint32_t thread, std::uint32_t tag,
                                    std::vector<BehaviorFinding>& out) {
  const TagBehavior& c = counters(thread, tag);
  if (c.lifetime_samples < limits_.min_lifetime_samples) return;
  const double avg = static_cast<double>(c.lifetime_frames) / static_cast<double>(c.lifetime_samples);
  if (avg > limits_.max_avg_lifetime_frames && flagged_.insert({Code::FA501, tag}).second)
    out.push_back({Code::FA501, tag, AllocKind::Frame, avg, limits_.max_avg_lifetime_frames, thread});
}

std::vector<BehaviorFinding> BehaviorFilter::on_free(std::uint32_t thread, const void* p,
                                                     std::uint64_t frames_completed, bool in_frame) {
  std::vector<BehaviorFinding> out;
  std::lock_guard lock(mutex_);
  if (!enabled()) return out;
  if (auto it = pool_live_.find(p); it != pool_live_.end()) {
    const PoolRecord r = it->second;
    pool_live_.erase(it);
    if (r.in_frame && in_frame && r.thread == thread && r.frame == frames_completed)
      ++counters(r.thread, r.tag).pool_same_frame;
  }
  if (auto it = promoted_.find(p); it != promoted_.end()) {
    const PromotedRecord r = it->second;
    promoted_.erase(it);
    // Measured on the promoting thread's frame counter: frames are per thread.
    const std::uint64_t now = threads_[r.thread].frames_completed;
    TagBehavior& c = counters(r.thread, r.tag);
    ++c.lifetime_samples;
    c.lifetime_frames += now > r.frame ? now - r.frame : 0;
    check_lifetime(r.thread, r.tag, out);
  }
  return out;
}

void BehaviorFilter::on_retained(std::uint32_t thread, std::uint32_t tag, const void* frame_ptr) {
  std::lock_guard lock(mutex_);
  if (enabled()) threads_[thread].retained_tags[frame_ptr] = tag;
}

void BehaviorFilter::on_promoted(std::uint32_t thread, const void* frame_ptr, const void* dest,
                                 std::uint64_t frame_number) {
  std::lock_guard lock(mutex_);
  if (!enabled()) return;
  ThreadBehavior& t = threads_[thread];
  const auto it = t.retained_tags.find(frame_ptr);
  if (it == t.retained_tags.end()) return;  // registered before the filter was enabled
  const std::uint32_t tag = it->second;
  t.retained_tags.erase(it);
  TagBehavior& c = t.tags[tag];
  ++c.survived;
  ++c.promotions;
  if (dest) promoted_[dest] = {thread, tag, frame_number};
}

std::vector<BehaviorFinding> BehaviorFilter::on_frame_end(std::uint32_t thread,
                                                          std::uint64_t frames_completed) {
  std::vector<BehaviorFinding> out;
  std::lock_guard lock(mutex_);
  if (!enabled()) return out;
  ThreadBehavior& t = threads_[thread];
  ++t.frames;
  t.frames_completed = frames_completed;
  t.retained_tags.clear();  // the frame's retained objects are promoted or gone
  const BehaviorThresholds& l = limits_;
  auto flag = [&](Code code, std::uint32_t tag, AllocKind kind, double observed, double threshold) {
    if (flagged_.insert({code, tag}).second) out.push_back({code, tag, kind, observed, threshold, thread});
  };
  for (auto& [tag, c] : t.tags) {
    c.heap_streak = c.heap_this_frame > l.max_heap_allocs_per_frame ? c.heap_streak + 1 : 0;
    if (c.heap_streak >= l.heap_hot_frames)
      flag(Code::FA530, tag, AllocKind::Heap, static_cast<double>(c.heap_this_frame),
           static_cast<double>(l.max_heap_allocs_per_frame));
    c.heap_this_frame = 0;
    if (c.frame_allocs >= l.min_samples) {
      const double rate = static_cast<double>(c.survived) / static_cast<double>(c.frame_allocs);
      if (rate > l.max_survival_rate) flag(Code::FA502, tag, AllocKind::Frame, rate, l.max_survival_rate);
    }
    if (t.frames >= l.min_frames) {
      const double per_frame = static_cast<double>(c.promotions) / static_cast<double>(t.frames);
      if (per_frame > l.max_promotions_per_frame)
        flag(Code::FA520, tag, AllocKind::Frame, per_frame, l.max_promotions_per_frame);
    }
    if (c.pool_allocs >= l.min_samples) {
      const double rate = static_cast<double>(c.pool_same_frame) / static_cast<double>(c.pool_allocs);
      if (rate > l.max_pool_scratch_rate)
        flag(Code::FA510, tag, AllocKind::Pool, rate, l.max_pool_scratch_rate);
    }
  }
  return out;
}

bool BehaviorFilter::record(BehaviorIssue issue) {
  std::lock_guard lock(mutex_);
  issues_.push_back(std::move(issue));
  return true;
}

std::vector<BehaviorIssue> BehaviorFilter::report() const {
  std::lock_guard lock(mutex_);
  return issues_;
}

}  // namespace detail
}  // namespace fa
