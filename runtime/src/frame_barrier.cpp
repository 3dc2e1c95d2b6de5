#include <framealloc/frame_barrier.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace fa {

namespace {
constexpr std::size_t kResetHistory = 64;  // waiters are never that many generations behind
}

FrameBarrier::FrameBarrier(std::size_t participants) : participants_(participants) {
  if (participants == 0)
    throw std::invalid_argument("fa::FrameBarrier: participant count must be at least 1");
}

FrameBarrier::FrameBarrier(std::vector<std::string> thread_names)
    : participants_(thread_names.size()), names_(std::move(thread_names)), name_arrived_(names_.size()) {
  if (names_.empty())
    throw std::invalid_argument("fa::FrameBarrier: a named barrier needs at least one thread");
}

FrameBarrier::Builder FrameBarrier::builder() {
  return Builder{};
}

FrameBarrier FrameBarrier::Builder::build() const {
  std::set<std::string_view> seen;
  for (const std::string& n : names_) {
    if (n.empty()) throw std::invalid_argument("fa::FrameBarrier::Builder: empty thread name");
    if (!seen.insert(n).second)
      throw std::invalid_argument("fa::FrameBarrier::Builder: duplicate thread name '" + n + "'");
  }
  return FrameBarrier(names_);
}

void FrameBarrier::signal_frame_complete() {
  std::unique_lock lock(mutex_);
  if (!names_.empty())
    throw std::logic_error("fa::FrameBarrier: this barrier has named threads; signal with a thread name");
  arrive_locked(lock);
}

void FrameBarrier::signal_frame_complete(std::string_view thread_name) {
  std::unique_lock lock(mutex_);
  if (names_.empty())
    throw std::logic_error("fa::FrameBarrier: this barrier has no named threads; signal without a name");
  const auto it = std::find(names_.begin(), names_.end(), thread_name);
  if (it == names_.end())
    throw std::invalid_argument("fa::FrameBarrier: unknown thread '" + std::string(thread_name) + "'");
  const auto i = static_cast<std::size_t>(it - names_.begin());
  if (name_arrived_[i])
    throw std::invalid_argument("fa::FrameBarrier: thread '" + std::string(thread_name) +
                                "' already signalled generation " + std::to_string(generation_));
  name_arrived_[i] = true;
  arrive_locked(lock);
}

void FrameBarrier::arrive_locked(std::unique_lock<std::mutex>&) {
  const auto self = std::this_thread::get_id();
  auto rec = std::find_if(last_signal_.begin(), last_signal_.end(),
                          [&](const Signal& r) { return r.thread == self; });
  if (rec == last_signal_.end())
    last_signal_.push_back({self, generation_, false});
  else
    *rec = {self, generation_, false};
  if (++arrived_ >= participants_) close_generation_locked(true);
}

void FrameBarrier::close_generation_locked(bool complete) {
  if (!complete) {
    reset_generations_.push_back(generation_);
    if (reset_generations_.size() > kResetHistory) reset_generations_.erase(reset_generations_.begin());
  }
  ++generation_;
  arrived_ = 0;
  std::fill(name_arrived_.begin(), name_arrived_.end(), false);
  cv_.notify_all();
}

std::uint64_t FrameBarrier::target_generation_locked() const {
  const auto self = std::this_thread::get_id();
  for (const Signal& r : last_signal_)
    if (r.thread == self && !r.waited) return r.generation;
  return generation_;
}

void FrameBarrier::mark_waited_locked(std::uint64_t gen) {
  const auto self = std::this_thread::get_id();
  for (Signal& r : last_signal_)
    if (r.thread == self && r.generation == gen) r.waited = true;
}

bool FrameBarrier::closed_as_complete_locked(std::uint64_t gen) const {
  return std::find(reset_generations_.begin(), reset_generations_.end(), gen) == reset_generations_.end();
}

bool FrameBarrier::wait_all() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = target_generation_locked();
  cv_.wait(lock, [&] { return generation_ > target; });
  mark_waited_locked(target);
  return closed_as_complete_locked(target);
}

FrameBarrier::WaitResult FrameBarrier::wait_timeout(std::chrono::nanoseconds timeout) {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = target_generation_locked();
  if (!cv_.wait_for(lock, timeout, [&] { return generation_ > target; })) return WaitResult::Timeout;
  mark_waited_locked(target);
  return closed_as_complete_locked(target) ? WaitResult::Complete : WaitResult::Reset;
}

void FrameBarrier::reset() {
  std::lock_guard lock(mutex_);
  close_generation_locked(false);
}

void FrameBarrier::set_participants(std::size_t participants) {
  std::lock_guard lock(mutex_);
  if (participants == 0)
    throw std::invalid_argument("fa::FrameBarrier: participant count must be at least 1");
  if (!names_.empty()) throw std::logic_error("fa::FrameBarrier: a named barrier's participants are fixed");
  participants_ = participants;
  if (arrived_ >= participants_) close_generation_locked(true);
}

std::uint64_t FrameBarrier::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

std::size_t FrameBarrier::participants() const {
  std::lock_guard lock(mutex_);
  return participants_;
}

std::size_t FrameBarrier::arrived() const {
  std::lock_guard lock(mutex_);
  return arrived_;
}

std::vector<std::string> FrameBarrier::pending_threads() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (!name_arrived_[i]) out.push_back(names_[i]);
  return out;
}

}  // namespace fa
