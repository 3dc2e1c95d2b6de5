// Per-thread state of the frame features (retained allocations of the open frame).
// Internal: referenced from detail::ThreadState by one member.
#pragma once

#include <cstddef>
#include <cstdint>
#include <typeinfo>
#include <utility>
#include <vector>

#include <framealloc/retention_policy.hpp>

namespace fa::detail {

// A frame object registered by frame_retained(): how to move it out and how to destroy it.
struct RetainedEntry {
  void* ptr;
  std::size_t size;
  std::size_t align;
  RetentionPolicy policy;
  const std::type_info* type;
  // Move-constructs the object at dst from src (src is destroyed afterwards by destroy).
  void (*move_to)(void* dst, void* src);
  void (*destroy)(void* p);
};

struct FrameFeatureState {
  std::vector<RetainedEntry> retained;  // in allocation order
  // Checkpoints are numbered per thread; rolling back to checkpoint A invalidates every
  // checkpoint numbered (A, newest at the time of the rollback]. Cleared at end_frame().
  std::uint64_t checkpoint_serial = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> invalidated_serials;
};

}  // namespace fa::detail
