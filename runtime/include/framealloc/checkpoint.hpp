// Frame checkpoints: remember the frame arena position, roll back to it later.
#pragma once

#include <cstdint>
#include <exception>
#include <type_traits>
#include <utility>

#include <framealloc/smart_alloc.hpp>

namespace fa {

// A position in the calling thread's current frame. Only valid on that thread, in that frame,
// and until a rollback to an earlier checkpoint.
struct FrameCheckpoint {
  const detail::ThreadState* owner = nullptr;
  std::uint64_t generation = 0;
  std::byte* position = nullptr;
  std::uint64_t serial = 0;
};

// Rolls back to the checkpoint taken at construction when destroyed, unless commit() was called.
class CheckpointGuard {
 public:
  CheckpointGuard(CheckpointGuard&& o) noexcept
      : alloc_(std::exchange(o.alloc_, nullptr)), checkpoint_(o.checkpoint_) {}
  CheckpointGuard& operator=(CheckpointGuard&&) = delete;
  CheckpointGuard(const CheckpointGuard&) = delete;
  CheckpointGuard& operator=(const CheckpointGuard&) = delete;
  ~CheckpointGuard() { rollback(); }

  // Keeps everything allocated since the guard was created.
  void commit() noexcept { alloc_ = nullptr; }
  // Rolls back now (instead of at destruction); false if the checkpoint is no longer valid.
  bool rollback() {
    if (!alloc_) return false;
    return std::exchange(alloc_, nullptr)->rollback_to(checkpoint_);
  }
  bool committed_or_done() const noexcept { return alloc_ == nullptr; }
  const FrameCheckpoint& checkpoint() const noexcept { return checkpoint_; }

 private:
  friend class SmartAlloc;
  CheckpointGuard(SmartAlloc& a, FrameCheckpoint cp) noexcept : alloc_(&a), checkpoint_(cp) {}
  SmartAlloc* alloc_;
  FrameCheckpoint checkpoint_;
};

inline CheckpointGuard SmartAlloc::checkpoint_guard() {
  return CheckpointGuard(*this, frame_checkpoint());
}

// fn's result decides: anything that tests false (false, nullptr, an empty std::optional,
// an error std::expected) rolls the frame back; an exception rolls back and propagates.
template <class F>
auto SmartAlloc::speculative(F&& fn) -> std::invoke_result_t<F&> {
  CheckpointGuard guard = checkpoint_guard();
  auto result = fn();
  if (static_cast<bool>(result)) guard.commit();
  return result;
}

}  // namespace fa
