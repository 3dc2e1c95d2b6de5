#include <framealloc/frame_loop.hpp>
#include <framealloc/smart_alloc.hpp>
#include <framealloc/snapshot.hpp>

#include "instance.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace fa {

FrameLoop::FrameLoop(SmartAlloc& alloc, FrameLoopConfig config) : alloc_(alloc), config_(std::move(config)) {
  attached_ = alloc_.internal_instance().coordination.attach(this);
}

FrameLoop::~FrameLoop() {
  stop();
  if (attached_) alloc_.internal_instance().coordination.detach(this);
}

std::string FrameLoop::outside_thread_finding(std::uint32_t thread_index, std::uint64_t frame_allocations) {
  const auto self = std::this_thread::get_id();
  std::lock_guard lock(mutex_);
  // A thread whose frame made no frame allocation shares no frame memory with anybody.
  if (!config_.report_outside_threads || !frame_open_ || frame_allocations == 0) return {};
  if (self == main_thread_ || find_locked(self)) return {};
  // By allocator thread index: std::thread ids are reused after a join, indices never are.
  if (std::find(outside_reported_.begin(), outside_reported_.end(), thread_index) != outside_reported_.end())
    return {};
  outside_reported_.push_back(thread_index);
  return "thread " + std::to_string(thread_index) + " ended a frame with " +
         std::to_string(frame_allocations) + " frame allocation(s) inside loop frame " +
         std::to_string(frame_) +
         " without being registered with the loop, so it never signals the loop's FrameBarrier";
}

FrameLoop::Registration::~Registration() {
  if (loop_) loop_->unregister();
}

FrameLoop::Worker* FrameLoop::find_locked(std::thread::id id) {
  auto it = std::find_if(workers_.begin(), workers_.end(), [&](const Worker& w) { return w.id == id; });
  return it == workers_.end() ? nullptr : &*it;
}

FrameLoop::Registration FrameLoop::register_thread(std::string name) {
  const std::uint32_t index = alloc_.thread_stats().thread_index;  // attaches the thread
  std::lock_guard lock(mutex_);
  if (find_locked(std::this_thread::get_id()))
    throw std::logic_error("fa::FrameLoop: this thread is already registered");
  Worker w;
  w.id = std::this_thread::get_id();
  w.name = name.empty() ? "worker-" + std::to_string(index) : std::move(name);
  w.thread_index = index;
  w.joined_from = frame_ + 1;
  workers_.push_back(std::move(w));
  return Registration(this);
}

void FrameLoop::unregister() {
  bool end_alloc_frame = false;
  {
    std::lock_guard lock(mutex_);
    Worker* w = find_locked(std::this_thread::get_id());
    if (!w) return;
    end_alloc_frame = w->in_frame != 0;
    w->in_frame = 0;
  }
  // Ended while still registered, so the allocator's end_frame() hook knows the thread (FA202).
  if (end_alloc_frame) alloc_.end_frame();
  std::lock_guard lock(mutex_);
  Worker* w = find_locked(std::this_thread::get_id());
  if (!w) return;
  // Counted in the open frame and not finished: finish on its behalf so main does not wait.
  if (counted_locked(*w) && w->signalled != frame_) barrier_.signal_frame_complete();
  workers_.erase(workers_.begin() + (w - workers_.data()));
}

void FrameLoop::report_unregistered(const char* hook) {
  alloc_.report(Code::FA101,
                std::string("FrameLoop::") + hook + "() called by a thread that is not registered",
                {"the loop neither waits for this thread nor resets its arena"});
}

void FrameLoop::begin_frame() {
  {
    std::lock_guard lock(mutex_);
    if (frame_open_) throw std::logic_error("fa::FrameLoop: begin_frame() while a loop frame is open");
    ++frame_;
    std::size_t counted = 1;  // the main thread
    for (const Worker& w : workers_)
      if (w.joined_from <= frame_) ++counted;
    barrier_.set_participants(counted);  // nobody has arrived between frames
    frame_open_ = true;
    main_thread_index_ = alloc_.thread_stats().thread_index;
    main_thread_ = std::this_thread::get_id();
  }
  cv_.notify_all();
  alloc_.begin_frame();
}

void FrameLoop::end_frame() {
  barrier_.signal_frame_complete();
  const FrameBarrier::WaitResult r = barrier_.wait_timeout(config_.worker_timeout);
  std::vector<std::string> missed;
  std::uint64_t frame = 0;
  {
    std::lock_guard lock(mutex_);
    frame = frame_;
    if (r != FrameBarrier::WaitResult::Complete) {
      for (Worker& w : workers_) {
        if (counted_locked(w) && w.signalled != frame_) missed.push_back(w.name);
      }
      barrier_.reset();  // late signals for this frame are ignored (frame_open_ is false)
    }
    frame_open_ = false;
  }
  alloc_.end_frame();
  for (const std::string& name : missed) {
    alloc_.report(Code::FA205,
                  "end_frame() closed loop frame " + std::to_string(frame) + " while registered thread '" +
                      name + "' had not signalled the frame barrier (waited " +
                      std::to_string(config_.worker_timeout.count()) + " ms)",
                  {"the thread may still be using memory of this frame",
                   "its arena is reset when it next ends or begins a frame"});
  }
}

void FrameLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
  }
  cv_.notify_all();
}

bool FrameLoop::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

std::uint64_t FrameLoop::frame() const {
  std::lock_guard lock(mutex_);
  return frame_;
}

std::size_t FrameLoop::registered_threads() const {
  std::lock_guard lock(mutex_);
  return workers_.size();
}

bool FrameLoop::wait_for_frame() {
  bool registered = false;
  bool inside = false;
  {
    std::lock_guard lock(mutex_);
    if (const Worker* w = find_locked(std::this_thread::get_id())) {
      registered = true;
      inside = w->in_frame != 0;
    }
  }
  if (!registered) {
    report_unregistered("wait_for_frame");
    return false;
  }
  if (inside) thread_end_frame();
  return thread_begin_frame();
}

bool FrameLoop::thread_begin_frame() {
  std::unique_lock lock(mutex_);
  Worker* w = find_locked(std::this_thread::get_id());
  if (!w) {
    lock.unlock();
    report_unregistered("thread_begin_frame");
    return false;
  }
  if (w->in_frame != 0) {
    // The end-of-frame hook was skipped: reset the arena now, and say so once per miss.
    const std::uint64_t stale = w->in_frame;
    const std::string name = w->name;
    w->in_frame = 0;
    lock.unlock();
    alloc_.end_frame();
    alloc_.report(Code::FA102, "registered thread '" + name + "' began a frame without ending loop frame " +
                                   std::to_string(stale));
    lock.lock();
    w = find_locked(std::this_thread::get_id());
    if (!w) return false;
  }
  cv_.wait(lock, [&] {
    w = find_locked(std::this_thread::get_id());  // the vector may have grown meanwhile
    return !running_ || (frame_open_ && frame_ >= w->joined_from && frame_ != w->last_begun);
  });
  if (!running_) return false;
  w->in_frame = frame_;
  w->last_begun = frame_;
  lock.unlock();
  alloc_.begin_frame();
  return true;
}

void FrameLoop::thread_end_frame() {
  std::uint64_t f = 0;
  {
    std::lock_guard lock(mutex_);
    Worker* w = find_locked(std::this_thread::get_id());
    if (!w) {
      report_unregistered("thread_end_frame");
      return;
    }
    f = w->in_frame;
    w->in_frame = 0;
  }
  if (f == 0) return;  // no loop frame to end
  alloc_.end_frame();  // this thread's arena is reset here
  std::lock_guard lock(mutex_);
  Worker* w = find_locked(std::this_thread::get_id());
  // Only a signal for the frame that is still open counts; main may have given up on it.
  if (w && f == frame_ && frame_open_ && w->signalled != f) {
    w->signalled = f;
    barrier_.signal_frame_complete();
  }
}

void FrameLoop::annotate(Snapshot& snapshot) const {
  std::lock_guard lock(mutex_);
  for (SnapshotThread& t : snapshot.threads) {
    if (t.index == main_thread_index_ && main_thread_index_ != 0) t.name = config_.main_thread_name;
    for (const Worker& w : workers_)
      if (w.thread_index == t.index) t.name = w.name;
  }
}

}  // namespace fa
