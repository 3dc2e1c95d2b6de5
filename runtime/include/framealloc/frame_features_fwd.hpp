// Forward declarations of the frame feature types that fa::SmartAlloc's API names
// (checkpoints, collections, scratch pools, retention, groups, handles, streaming).
#pragma once

#include <cstddef>

namespace fa {

struct FrameCheckpoint;
class CheckpointGuard;
template <class T>
class FrameVec;
template <class K, class V>
class FrameMap;
class ScratchPool;
class ScratchRegistry;
struct RetentionPolicy;
enum class Importance : unsigned char;
struct PromotionResult;
class AllocationGroups;
class HandleAllocator;
class StreamingAllocator;

// Size of a scratch pool created by SmartAlloc::scratch_pool(name) without an explicit size.
inline constexpr std::size_t kDefaultScratchPoolSize = std::size_t{1} << 20;

}  // namespace fa
