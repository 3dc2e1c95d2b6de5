// Allocation tags: a per-thread stack of names ("ai" then "pathfinding" is the path
// "ai::pathfinding") that every frame, pool and heap allocation is attributed to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fa {

class SmartAlloc;

// Separates the components of a tag path.
inline constexpr std::string_view kTagSeparator = "::";

// A tag name is 1..64 characters of [A-Za-z0-9_.-]; anything else (including ':' and
// spaces) is rejected with std::invalid_argument so paths stay unambiguous.
bool is_valid_tag_name(std::string_view name) noexcept;

// Count and bytes of one allocation kind, attributed to one tag path.
struct TagKindStats {
  std::uint64_t allocations = 0;
  std::uint64_t bytes = 0;  // frame: bytes used including alignment padding
};

// Allocations made while exactly this path was the current tag (exclusive of children:
// the inclusive figure is the sum over the subtree). Path "" is the untagged bucket.
// The per-tag figures of all tags add up to the instance totals in AllocStats.
struct TagStats {
  std::string path;
  std::string name;          // last component
  std::int32_t parent = -1;  // index into AllocStats::tags, -1 for top-level tags and ""
  std::uint32_t depth = 0;   // 0 for "" , 1 for "ai", 2 for "ai::pathfinding"
  TagKindStats frame, pool, heap;
};

// Pushes a tag for its lifetime on the calling thread.
class TagScope {
 public:
  TagScope(SmartAlloc& alloc, std::string_view name);  // throws std::invalid_argument
  ~TagScope();
  TagScope(const TagScope&) = delete;
  TagScope& operator=(const TagScope&) = delete;

 private:
  SmartAlloc& alloc_;
};

}  // namespace fa
