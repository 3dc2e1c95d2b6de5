// The per-instance objects of the frame features (scratch pools, groups, handles, streaming),
// created on first use. One member of detail::Instance.
#pragma once

#include <memory>
#include <mutex>

#include <framealloc/frame_features_fwd.hpp>

namespace fa {
class SmartAlloc;
}

namespace fa::detail {

class FrameFeatureRegistry {
 public:
  FrameFeatureRegistry();
  ~FrameFeatureRegistry();
  FrameFeatureRegistry(const FrameFeatureRegistry&) = delete;
  FrameFeatureRegistry& operator=(const FrameFeatureRegistry&) = delete;

  ScratchRegistry& scratch_registry(SmartAlloc& alloc);
  AllocationGroups& groups(SmartAlloc& alloc);
  HandleAllocator& handles(SmartAlloc& alloc);
  StreamingAllocator& streaming(SmartAlloc& alloc);

  // Destroys everything (running group destructors, returning memory) while the SmartAlloc
  // that owns it can still free: called first thing in ~SmartAlloc.
  void shutdown() noexcept;

 private:
  std::once_flag scratch_once_, groups_once_, handles_once_, streaming_once_;
  std::unique_ptr<ScratchRegistry> scratch_;
  std::unique_ptr<AllocationGroups> groups_;
  std::unique_ptr<HandleAllocator> handles_;
  std::unique_ptr<StreamingAllocator> streaming_;
};

}  // namespace fa::detail
