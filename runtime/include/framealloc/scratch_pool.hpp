// Scratch pools: named arenas with a fixed capacity that persist across frames until reset().
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <framealloc/smart_alloc.hpp>

namespace fa {

struct ScratchPoolStats {
  std::string name;
  std::size_t capacity = 0;
  std::size_t used = 0;  // bytes since the last reset, alignment padding included
  std::size_t peak = 0;  // highest `used` ever seen
  std::uint64_t allocations = 0;
  std::uint64_t failed = 0;
  std::uint64_t resets = 0;
};

// Allocation is lock-free and may happen from several threads at once. reset() must not
// race with allocations or with use of the memory (it is the owner's "everything is dead"
// point, like end_frame()). Destructors of objects in the pool are never run.
class ScratchPool {
 public:
  ScratchPool(const ScratchPool&) = delete;
  ScratchPool& operator=(const ScratchPool&) = delete;
  ~ScratchPool();

  // Reports FA303 (full) or FA542 (bad alignment) and throws AllocError.
  void* alloc_bytes(std::size_t size, std::size_t align = alignof(std::max_align_t));
  // nullptr when full (silently) or on bad alignment (FA542 reported).
  void* try_alloc_bytes(std::size_t size, std::size_t align = alignof(std::max_align_t));
  template <class T, class... Args>
  T* alloc(Args&&... args) {
    return ::new (alloc_bytes(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }
  template <class T, class... Args>
  T* try_alloc(Args&&... args) {
    void* mem = try_alloc_bytes(sizeof(T), alignof(T));
    return mem ? ::new (mem) T(std::forward<Args>(args)...) : nullptr;
  }

  void reset() noexcept;
  const std::string& name() const noexcept { return name_; }
  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t used() const noexcept { return offset_.load(std::memory_order_relaxed); }
  std::size_t remaining() const noexcept { return capacity_ - used(); }
  bool contains(const void* p) const noexcept {
    return static_cast<const std::byte*>(p) >= base_ && static_cast<const std::byte*>(p) < base_ + capacity_;
  }
  ScratchPoolStats stats() const;

 private:
  friend class ScratchRegistry;
  ScratchPool(SmartAlloc& alloc, std::string name, std::size_t capacity);
  void* bump(std::size_t size, std::size_t align) noexcept;

  SmartAlloc& alloc_;
  std::string name_;
  std::size_t capacity_;
  std::byte* base_;
  std::atomic<std::size_t> offset_{0};
  std::atomic<std::size_t> peak_{0};
  std::atomic<std::uint64_t> allocations_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> resets_{0};
};

// All scratch pools of one SmartAlloc, by name. Thread-safe; pools live as long as the allocator.
class ScratchRegistry {
 public:
  explicit ScratchRegistry(SmartAlloc& alloc) : alloc_(alloc) {}
  ScratchRegistry(const ScratchRegistry&) = delete;
  ScratchRegistry& operator=(const ScratchRegistry&) = delete;

  // The pool called name, created with `capacity` bytes (from the heap path) on first use;
  // later calls return the same pool whatever capacity they pass. An empty name or a zero
  // capacity throws std::invalid_argument.
  ScratchPool& get_or_create(std::string_view name, std::size_t capacity = kDefaultScratchPoolSize);
  ScratchPool* find(std::string_view name);
  std::vector<ScratchPoolStats> stats() const;  // sorted by name
  void reset_all() noexcept;
  std::size_t size() const;

 private:
  SmartAlloc& alloc_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<ScratchPool>, std::less<>> pools_;
};

}  // namespace fa
