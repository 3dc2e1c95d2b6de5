// Lazily created per-instance frame feature objects.
#include "frame_features_registry.hpp"

#include <framealloc/frame_collections.hpp>
#include <framealloc/groups.hpp>
#include <framealloc/handles.hpp>
#include <framealloc/scratch_pool.hpp>
#include <framealloc/streaming.hpp>

#include <stdexcept>
#include <string>

namespace fa::detail {

FrameFeatureRegistry::FrameFeatureRegistry() = default;
FrameFeatureRegistry::~FrameFeatureRegistry() = default;

ScratchRegistry& FrameFeatureRegistry::scratch_registry(SmartAlloc& alloc) {
  std::call_once(scratch_once_, [&] { scratch_ = std::make_unique<ScratchRegistry>(alloc); });
  return *scratch_;
}
AllocationGroups& FrameFeatureRegistry::groups(SmartAlloc& alloc) {
  std::call_once(groups_once_, [&] { groups_ = std::make_unique<AllocationGroups>(alloc); });
  return *groups_;
}
HandleAllocator& FrameFeatureRegistry::handles(SmartAlloc& alloc) {
  std::call_once(handles_once_,
                 [&] { handles_ = std::make_unique<HandleAllocator>(alloc, kDefaultHandleArenaSize); });
  return *handles_;
}
StreamingAllocator& FrameFeatureRegistry::streaming(SmartAlloc& alloc) {
  std::call_once(streaming_once_,
                 [&] { streaming_ = std::make_unique<StreamingAllocator>(alloc, kDefaultStreamingBudget); });
  return *streaming_;
}

void FrameFeatureRegistry::shutdown() noexcept {
  streaming_.reset();
  handles_.reset();
  groups_.reset();
  scratch_.reset();
}

void throw_zero_capacity(const char* fn) {
  throw std::invalid_argument(std::string("fa::SmartAlloc::") + fn + ": capacity must be greater than 0");
}

}  // namespace fa::detail
