#include "frame_coordination.hpp"

#include <framealloc/frame_loop.hpp>
#include <framealloc/smart_alloc.hpp>

#include <string>
#include <utility>

namespace fa::detail {

bool FrameCoordination::attach(FrameLoop* loop) {
  std::lock_guard lock(mutex_);
  if (loop_) return false;
  loop_ = loop;
  attached_.store(true, std::memory_order_release);
  return true;
}

void FrameCoordination::detach(FrameLoop* loop) {
  std::lock_guard lock(mutex_);
  if (loop_ != loop) return;
  loop_ = nullptr;
  attached_.store(false, std::memory_order_release);
}

void FrameCoordination::notify(SmartAlloc& alloc, std::uint32_t thread_index,
                               std::uint64_t frame_allocations) {
  std::string finding;
  {
    std::lock_guard lock(mutex_);
    if (loop_) finding = loop_->outside_thread_finding(thread_index, frame_allocations);
  }
  // Reported outside the lock: a sink may do anything, including destroying the loop.
  if (!finding.empty())
    alloc.report(Code::FA202, std::move(finding),
                 {"the loop's end_frame() neither waits for this thread nor knows it uses frame memory"},
                 "register the thread with loop.register_thread() and use wait_for_frame(), or keep its "
                 "frames independent of the loop (FrameLoopConfig::report_outside_threads = false)");
}

}  // namespace fa::detail
