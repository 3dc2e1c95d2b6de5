// Standard library integration: std::pmr resources and an STL allocator over frame memory.
#pragma once

#include <cstddef>
#include <memory_resource>

#include <framealloc/smart_alloc.hpp>

namespace fa {

// Allocates from the calling thread's frame arena; deallocate is a no-op (end_frame frees).
class FrameMemoryResource final : public std::pmr::memory_resource {
 public:
  explicit FrameMemoryResource(SmartAlloc& alloc) noexcept : alloc_(&alloc) {}

 private:
  void* do_allocate(std::size_t bytes, std::size_t align) override {
    return alloc_->frame_alloc_bytes(bytes ? bytes : 1, align);
  }
  void do_deallocate(void*, std::size_t, std::size_t) override {}
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
    auto* o = dynamic_cast<const FrameMemoryResource*>(&other);
    return o && o->alloc_ == alloc_;
  }
  SmartAlloc* alloc_;
};

// Pool blocks for small requests, the heap path for the rest; any thread may deallocate.
class PoolMemoryResource final : public std::pmr::memory_resource {
 public:
  explicit PoolMemoryResource(SmartAlloc& alloc) noexcept : alloc_(&alloc) {}

 private:
  void* do_allocate(std::size_t bytes, std::size_t align) override {
    return alloc_->pool_alloc_bytes(bytes ? bytes : 1, align);
  }
  void do_deallocate(void* p, std::size_t, std::size_t) override { alloc_->pool_free_bytes(p); }
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
    auto* o = dynamic_cast<const PoolMemoryResource*>(&other);
    return o && o->alloc_ == alloc_;
  }
  SmartAlloc* alloc_;
};

// STL allocator over the calling thread's frame arena: std::vector<T, fa::frame_allocator<T>>.
// deallocate is a no-op; containers must not outlive the frame.
template <class T>
class frame_allocator {
 public:
  using value_type = T;

  explicit frame_allocator(SmartAlloc& alloc) noexcept : alloc_(&alloc) {}
  template <class U>
  frame_allocator(const frame_allocator<U>& other) noexcept : alloc_(other.allocator()) {}

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(alloc_->frame_alloc_bytes(n * sizeof(T), alignof(T)));
  }
  void deallocate(T*, std::size_t) noexcept {}

  SmartAlloc* allocator() const noexcept { return alloc_; }

  template <class U>
  bool operator==(const frame_allocator<U>& o) const noexcept {
    return alloc_ == o.allocator();
  }

 private:
  SmartAlloc* alloc_;
};

}  // namespace fa
