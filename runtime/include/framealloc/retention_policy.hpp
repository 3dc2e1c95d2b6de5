// What happens to a retained frame allocation at the end of its frame.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace fa {

struct RetentionPolicy {
  enum class Kind : std::uint8_t { Discard, PromoteToPool, PromoteToHeap, PromoteToScratch };
  Kind kind = Kind::Discard;
  std::string scratch_pool;  // only for PromoteToScratch

  static RetentionPolicy discard() { return {}; }
  static RetentionPolicy to_pool() { return {Kind::PromoteToPool, {}}; }
  static RetentionPolicy to_heap() { return {Kind::PromoteToHeap, {}}; }
  static RetentionPolicy to_scratch(std::string name) { return {Kind::PromoteToScratch, std::move(name)}; }
};

// Intent-level names for the common policies.
enum class Importance : unsigned char {
  Ephemeral,   // discarded at frame end
  Reusable,    // promoted to the pool
  Persistent,  // promoted to the heap
};

inline RetentionPolicy policy_for(Importance importance) {
  switch (importance) {
    case Importance::Reusable:
      return RetentionPolicy::to_pool();
    case Importance::Persistent:
      return RetentionPolicy::to_heap();
    case Importance::Ephemeral:
      break;
  }
  return RetentionPolicy::discard();
}

}  // namespace fa
