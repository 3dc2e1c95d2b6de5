// Owning handles: FrameBox (frame memory, runs ~T), PoolBox and HeapBox (free on destruction).
#pragma once

#include <cstdint>
#include <utility>

#include <framealloc/smart_alloc.hpp>

namespace fa {

namespace detail {
// Reports FA002: the box was used or destroyed (`what`) after its frame ended.
void report_frame_box_misuse(SmartAlloc& alloc, const ThreadState* owner, const char* what);
}  // namespace detail

template <class T>
class FrameBox {
 public:
  FrameBox() noexcept = default;
  FrameBox(FrameBox&& o) noexcept
      : alloc_(std::exchange(o.alloc_, nullptr)),
        owner_(o.owner_),
        ptr_(std::exchange(o.ptr_, nullptr)),
        generation_(o.generation_) {}
  FrameBox& operator=(FrameBox&& o) noexcept {
    if (this != &o) {
      reset();
      alloc_ = std::exchange(o.alloc_, nullptr);
      owner_ = o.owner_;
      ptr_ = std::exchange(o.ptr_, nullptr);
      generation_ = o.generation_;
    }
    return *this;
  }
  FrameBox(const FrameBox&) = delete;
  FrameBox& operator=(const FrameBox&) = delete;
  ~FrameBox() { reset(); }

  // Runs ~T now, unless the frame already ended (then FA002 is reported and the memory,
  // which was already reset, is left alone).
  void reset() noexcept {
    if (!ptr_) return;
    if (expired()) {
      detail::report_frame_box_misuse(*alloc_, owner_, "destroyed");
    } else {
      ptr_->~T();
    }
    ptr_ = nullptr;
    alloc_ = nullptr;
  }

  // True once the frame this box was allocated in has ended.
  bool expired() const noexcept {
    return ptr_ && owner_->frame.generation.load(std::memory_order_relaxed) != generation_;
  }
  T* get() const noexcept {
    if (checked_ && expired()) detail::report_frame_box_misuse(*alloc_, owner_, "used");
    return ptr_;
  }
  T& operator*() const noexcept { return *get(); }
  T* operator->() const noexcept { return get(); }
  explicit operator bool() const noexcept { return ptr_ != nullptr; }

 private:
  friend class SmartAlloc;
  FrameBox(SmartAlloc& a, detail::ThreadState& owner, T* p) noexcept
      : alloc_(&a),
        owner_(&owner),
        ptr_(p),
        generation_(owner.frame.generation.load(std::memory_order_relaxed)),
        checked_(a.config().debug_checks) {}

  SmartAlloc* alloc_ = nullptr;
  detail::ThreadState* owner_ = nullptr;
  T* ptr_ = nullptr;
  std::uint64_t generation_ = 0;
  bool checked_ = false;
};

template <class T>
class PoolBox {
 public:
  PoolBox() noexcept = default;
  PoolBox(PoolBox&& o) noexcept
      : alloc_(std::exchange(o.alloc_, nullptr)), ptr_(std::exchange(o.ptr_, nullptr)) {}
  PoolBox& operator=(PoolBox&& o) noexcept {
    if (this != &o) {
      reset();
      alloc_ = std::exchange(o.alloc_, nullptr);
      ptr_ = std::exchange(o.ptr_, nullptr);
    }
    return *this;
  }
  PoolBox(const PoolBox&) = delete;
  PoolBox& operator=(const PoolBox&) = delete;
  ~PoolBox() { reset(); }

  void reset() {
    if (ptr_) alloc_->pool_free(std::exchange(ptr_, nullptr));
  }
  T* get() const noexcept { return ptr_; }
  T& operator*() const noexcept { return *ptr_; }
  T* operator->() const noexcept { return ptr_; }
  explicit operator bool() const noexcept { return ptr_ != nullptr; }

 private:
  friend class SmartAlloc;
  PoolBox(SmartAlloc& a, T* p) noexcept : alloc_(&a), ptr_(p) {}
  SmartAlloc* alloc_ = nullptr;
  T* ptr_ = nullptr;
};

template <class T>
class HeapBox {
 public:
  HeapBox() noexcept = default;
  HeapBox(HeapBox&& o) noexcept
      : alloc_(std::exchange(o.alloc_, nullptr)), ptr_(std::exchange(o.ptr_, nullptr)) {}
  HeapBox& operator=(HeapBox&& o) noexcept {
    if (this != &o) {
      reset();
      alloc_ = std::exchange(o.alloc_, nullptr);
      ptr_ = std::exchange(o.ptr_, nullptr);
    }
    return *this;
  }
  HeapBox(const HeapBox&) = delete;
  HeapBox& operator=(const HeapBox&) = delete;
  ~HeapBox() { reset(); }

  void reset() {
    if (ptr_) alloc_->heap_free(std::exchange(ptr_, nullptr));
  }
  T* get() const noexcept { return ptr_; }
  T& operator*() const noexcept { return *ptr_; }
  T* operator->() const noexcept { return ptr_; }
  explicit operator bool() const noexcept { return ptr_ != nullptr; }

 private:
  friend class SmartAlloc;
  HeapBox(SmartAlloc& a, T* p) noexcept : alloc_(&a), ptr_(p) {}
  SmartAlloc* alloc_ = nullptr;
  T* ptr_ = nullptr;
};

template <class T, class... Args>
FrameBox<T> SmartAlloc::frame_box(CallSite site, Args&&... args) {
  T* p = frame_alloc<T>(site, std::forward<Args>(args)...);
  return FrameBox<T>(*this, local(), p);
}
template <class T, class... Args>
FrameBox<T> SmartAlloc::frame_box(Args&&... args) {
  return frame_box<T>(CallSite{}, std::forward<Args>(args)...);
}

template <class T, class... Args>
PoolBox<T> SmartAlloc::pool_box(CallSite site, Args&&... args) {
  return PoolBox<T>(*this, pool_alloc<T>(site, std::forward<Args>(args)...));
}
template <class T, class... Args>
PoolBox<T> SmartAlloc::pool_box(Args&&... args) {
  return pool_box<T>(CallSite{}, std::forward<Args>(args)...);
}

template <class T, class... Args>
HeapBox<T> SmartAlloc::heap_box(CallSite site, Args&&... args) {
  return HeapBox<T>(*this, heap_alloc<T>(site, std::forward<Args>(args)...));
}
template <class T, class... Args>
HeapBox<T> SmartAlloc::heap_box(Args&&... args) {
  return heap_box<T>(CallSite{}, std::forward<Args>(args)...);
}

}  // namespace fa
