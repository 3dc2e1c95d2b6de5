// fa::FrameBarrier: the threads that share a frame agree that all of them are done with it
// before the frame is closed. Reusable: each completed round opens the next generation.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace fa {

class FrameBarrier {
 public:
  class Builder;

  // n anonymous participants; throws std::invalid_argument for 0.
  explicit FrameBarrier(std::size_t participants);
  // Named participants (one signal per name and generation), built by Builder.
  explicit FrameBarrier(std::vector<std::string> thread_names);
  FrameBarrier(const FrameBarrier&) = delete;
  FrameBarrier& operator=(const FrameBarrier&) = delete;

  static Builder builder();

  // This participant is done with the current generation. The last signal of a generation
  // completes it: its waiters wake and the next generation opens with nobody arrived.
  // Throws std::logic_error on a named barrier (use the named overload).
  void signal_frame_complete();
  // Named barriers only; throws std::invalid_argument for an unknown name or a second
  // signal of the same name in one generation.
  void signal_frame_complete(std::string_view thread_name);

  // Waits until the generation the calling thread signalled in (and has not waited for
  // yet) is closed; otherwise waits for the open generation. Returns true
  // when every participant arrived, false when the generation was ended by reset().
  bool wait_all();
  // As wait_all(), giving up after `timeout`.
  enum class WaitResult : std::uint8_t { Complete, Reset, Timeout };
  WaitResult wait_timeout(std::chrono::nanoseconds timeout);

  // Abandons the open generation (arrivals are discarded, its waiters return false) and
  // opens the next one. For recovery after a timeout.
  void reset();
  // Changes the participant count of an anonymous barrier; completes the open generation
  // when enough participants already arrived. Throws std::invalid_argument for 0.
  void set_participants(std::size_t participants);

  std::uint64_t generation() const;  // the open generation, starting at 0
  std::size_t participants() const;
  std::size_t arrived() const;  // in the open generation
  // Named barriers: names that have not signalled in the open generation, in builder order.
  std::vector<std::string> pending_threads() const;
  const std::vector<std::string>& thread_names() const noexcept { return names_; }

 private:
  void arrive_locked(std::unique_lock<std::mutex>& lock);
  void close_generation_locked(bool complete);
  std::uint64_t target_generation_locked() const;
  void mark_waited_locked(std::uint64_t gen);
  bool closed_as_complete_locked(std::uint64_t gen) const;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::size_t participants_;
  std::size_t arrived_ = 0;
  std::uint64_t generation_ = 0;
  // Generations ended by reset() rather than by the last arrival (kept short: recent only).
  std::vector<std::uint64_t> reset_generations_;
  std::vector<std::string> names_;
  std::vector<bool> name_arrived_;
  // Generation each thread last signalled in and has not waited for yet, so wait_all()
  // after a thread's own signal never misses the completion that signal caused.
  struct Signal {
    std::thread::id thread;
    std::uint64_t generation;
    bool waited;
  };
  std::vector<Signal> last_signal_;
};

class FrameBarrier::Builder {
 public:
  Builder& thread(std::string name) {
    names_.push_back(std::move(name));
    return *this;
  }
  // Throws std::invalid_argument when no thread, an empty name or a duplicate name was given.
  FrameBarrier build() const;

 private:
  std::vector<std::string> names_;
};

}  // namespace fa
