// Lifecycle events of a SmartAlloc (SmartAlloc::on_frame_event). Callbacks run on the thread
// that caused the event; with no callback set nothing is built or called.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace fa {

enum class FrameEventKind : std::uint8_t {
  FrameBegin,
  FrameEnd,               // duration_ns, bytes (used by the frame), peak_bytes (thread's largest frame)
  CrossThreadFreeQueued,  // a pool block of thread `other_thread` freed here; bytes = block size
  TransferInitiated,      // frame_box_for_transfer()
  TransferCompleted,      // TransferHandle::receive()
  MemoryPressure,         // frame above AllocConfig::memory_pressure_fraction, or a budget soft limit
  BudgetExceeded,         // a global/tag budget hard limit refused an allocation
  DeferredProcessed,      // the owner took back `blocks` pool blocks other threads had freed
};
inline constexpr std::size_t kFrameEventKinds = 8;

const char* to_string(FrameEventKind kind) noexcept;

struct FrameEvent {
  FrameEventKind kind{};
  std::uint32_t thread_index = 0;  // thread the event happened on (1-based)
  std::uint64_t frame_number = 0;  // frames that thread had completed before the event
  std::uint64_t duration_ns = 0;   // FrameEnd
  std::uint64_t bytes = 0;         // FrameEnd: frame bytes; free: block size; pressure/budget: used
  std::uint64_t peak_bytes = 0;    // FrameEnd
  std::uint64_t limit = 0;         // MemoryPressure/BudgetExceeded: threshold or limit in bytes
  std::uint32_t other_thread = 0;  // CrossThreadFreeQueued: the block's owner
  std::uint64_t blocks = 0;        // DeferredProcessed: blocks taken back
  std::string tag_path;            // MemoryPressure/BudgetExceeded from a budget: its tag ("" global)
};

using FrameEventCallback = std::function<void(const FrameEvent&)>;

// How many events of each kind occurred since the instance was created (counted whether or
// not a callback is set).
struct FrameEventCounts {
  std::uint64_t by_kind[kFrameEventKinds] = {};
  std::uint64_t of(FrameEventKind k) const noexcept { return by_kind[static_cast<std::size_t>(k)]; }
  std::uint64_t total() const noexcept {
    std::uint64_t t = 0;
    for (std::uint64_t n : by_kind) t += n;
    return t;
  }
};

}  // namespace fa
