// Which FrameLoop coordinates an instance's frames, so that end_frame() on any thread can tell
// whether that thread takes part in the loop's barrier (FA202). Internal.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

namespace fa {
class FrameLoop;
class SmartAlloc;
}  // namespace fa

namespace fa::detail {

class FrameCoordination {
 public:
  // One loop per instance: false (and nothing changes) when another loop is attached.
  bool attach(FrameLoop* loop);
  void detach(FrameLoop* loop);
  // Called by end_frame() on every thread; costs one relaxed load when no loop is attached.
  void on_thread_frame_end(SmartAlloc& alloc, std::uint32_t thread_index, std::uint64_t frame_allocations) {
    if (attached_.load(std::memory_order_acquire)) notify(alloc, thread_index, frame_allocations);
  }

 private:
  void notify(SmartAlloc& alloc, std::uint32_t thread_index, std::uint64_t frame_allocations);

  std::atomic<bool> attached_{false};
  std::mutex mutex_;  // held while the loop is called, so it cannot be destroyed meanwhile
  FrameLoop* loop_ = nullptr;
};

}  // namespace fa::detail
