// Frame phases: named, nestable sections of a frame ("physics", "physics/broadphase")
// with the allocations each made, by kind.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <framealloc/tags.hpp>

namespace fa {

class SmartAlloc;

// Figures are inclusive: a phase counts the allocations of the phases nested in it.
struct PhaseStats {
  std::string name;
  std::string path;  // parent phases joined with '/'
  std::uint32_t depth = 1;
  std::uint64_t frame_number = 0;  // frame (frames completed before it) the phase ended in
  std::uint64_t duration_ns = 0;
  TagKindStats frame, pool, heap;

  std::uint64_t allocations() const noexcept {
    return frame.allocations + pool.allocations + heap.allocations;
  }
  std::uint64_t bytes() const noexcept { return frame.bytes + pool.bytes + heap.bytes; }
};

// begin_phase() on construction, end_phase() on destruction.
class PhaseScope {
 public:
  PhaseScope(SmartAlloc& alloc, std::string_view name);
  ~PhaseScope();
  PhaseScope(const PhaseScope&) = delete;
  PhaseScope& operator=(const PhaseScope&) = delete;

 private:
  SmartAlloc& alloc_;
};

}  // namespace fa
