// fa::FrameLoop: drives begin_frame()/end_frame() for the main thread and every registered
// worker, so that each thread's arena is reset once per engine frame. The main thread's
// end_frame() waits, through a FrameBarrier, until every worker finished the frame.
//
//   main:    loop.begin_frame(); ...; loop.end_frame();       (once per engine frame)
//   worker:  auto reg = loop.register_thread("physics");
//            while (loop.wait_for_frame()) { ...frame allocations... }
//
// A thread that uses the loop's hooks without registering gets FA101; a worker that begins a
// frame without ending the previous one gets FA102; the main thread's end_frame() closing a
// frame that a registered worker has not finished within `worker_timeout` reports FA205; a
// thread that runs its own frames on the allocator during a loop frame without registering
// reports FA202 (once per thread).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <framealloc/frame_barrier.hpp>

namespace fa {

class SmartAlloc;
struct Snapshot;
namespace detail {
class FrameCoordination;
}

struct FrameLoopConfig {
  // How long the main thread's end_frame() waits for workers before reporting FA205.
  std::chrono::milliseconds worker_timeout{1000};
  std::string main_thread_name = "main";
  // FA202 for threads that end allocator frames with frame allocations inside a loop frame
  // without being registered. Off for engines whose other threads run independent frames.
  bool report_outside_threads = true;
};

class FrameLoop {
 public:
  // Unregisters on destruction; destroy it on the thread that registered.
  class Registration {
   public:
    Registration(Registration&& o) noexcept : loop_(std::exchange(o.loop_, nullptr)) {}
    Registration& operator=(Registration&&) = delete;
    Registration(const Registration&) = delete;
    ~Registration();

   private:
    friend class FrameLoop;
    explicit Registration(FrameLoop* loop) noexcept : loop_(loop) {}
    FrameLoop* loop_;
  };

  explicit FrameLoop(SmartAlloc& alloc, FrameLoopConfig config = {});
  ~FrameLoop();  // stop()
  FrameLoop(const FrameLoop&) = delete;
  FrameLoop& operator=(const FrameLoop&) = delete;

  // The calling thread takes part from the next frame the main thread begins. Throws
  // std::logic_error when the thread is already registered.
  [[nodiscard]] Registration register_thread(std::string name = {});

  // ---- main thread ----
  void begin_frame();
  void end_frame();  // waits for the workers (FA205 on timeout), then ends the main thread's frame
  void stop();       // wakes waiting workers; wait_for_frame() returns false from now on
  bool running() const;
  std::uint64_t frame() const;  // loop frames begun so far

  // ---- registered worker threads ----
  // Ends the thread's current frame (if any), waits for the next loop frame and begins it.
  // false once the loop stopped, or (with FA101) when the thread is not registered.
  bool wait_for_frame();
  // The two halves of wait_for_frame(), for workers that want explicit hooks.
  bool thread_begin_frame();
  void thread_end_frame();

  std::size_t registered_threads() const;
  // Gives the snapshot's threads the names they registered with.
  void annotate(Snapshot& snapshot) const;

 private:
  struct Worker {
    std::thread::id id;
    std::string name;
    std::uint32_t thread_index = 0;
    std::uint64_t joined_from = 0;  // first loop frame the worker is counted in
    std::uint64_t in_frame = 0;     // loop frame the worker is inside, 0 = none
    std::uint64_t last_begun = 0;   // never enters the same loop frame twice
    std::uint64_t signalled = 0;    // last loop frame it reported finished
  };
  Worker* find_locked(std::thread::id id);
  bool counted_locked(const Worker& w) const { return frame_open_ && w.joined_from <= frame_; }
  void unregister();
  void report_unregistered(const char* hook);
  // Called (through detail::FrameCoordination) by every thread's end_frame() on the allocator:
  // the FA202 message when the thread is outside the loop's barrier, else empty.
  friend class detail::FrameCoordination;
  std::string outside_thread_finding(std::uint32_t thread_index, std::uint64_t frame_allocations);

  SmartAlloc& alloc_;
  FrameLoopConfig config_;
  FrameBarrier barrier_{1};
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Worker> workers_;
  std::uint64_t frame_ = 0;
  bool frame_open_ = false;
  bool running_ = true;
  std::uint32_t main_thread_index_ = 0;
  std::thread::id main_thread_;
  std::vector<std::uint32_t> outside_reported_;  // FA202 once per thread index
  bool attached_ = false;                        // this loop coordinates alloc_'s frames
};

}  // namespace fa
