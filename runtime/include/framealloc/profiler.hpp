// Profiler hooks (every allocation, free and frame with its tag path) and diagnostics-UI
// data (a bounded history of per-frame summaries and graph series).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include <framealloc/call_site.hpp>

namespace fa {

struct ProfilerAllocEvent {
  AllocKind kind{};
  const void* ptr = nullptr;
  std::uint64_t bytes = 0;    // requested (alloc) or block size (free; 0 when unknown)
  std::string_view tag_path;  // current tag of the calling thread; valid during the call
  std::uint32_t thread_index = 0;
  std::uint64_t frame_number = 0;
};

struct FrameRecord {
  std::uint32_t thread_index = 0;
  std::uint64_t frame_number = 0;  // 1-based number of the completed frame
  std::uint64_t duration_ns = 0;
  std::uint64_t frame_bytes = 0;
  std::uint64_t frame_allocations = 0;
};

// Hooks run on the allocating thread. While any hook is set, every allocation and free of the
// instance takes the slow path (threads pick the change up at their next begin_frame()).
struct ProfilerHooks {
  std::function<void(const ProfilerAllocEvent&)> on_alloc;
  std::function<void(const ProfilerAllocEvent&)> on_free;
  std::function<void(const FrameRecord&)> on_frame;
  bool empty() const noexcept { return !on_alloc && !on_free && !on_frame; }
};

// Series for a frame-time / frame-memory graph, oldest first.
struct FrameGraph {
  std::vector<std::uint64_t> frame_numbers;
  std::vector<double> duration_ms;
  std::vector<std::uint64_t> frame_bytes;
};

}  // namespace fa
