// Handle allocator: generational handles to objects in one relocatable arena.
// defragment() compacts the arena by moving unpinned objects (move construction), so raw
// pointers from resolve() are only valid until the next defragment() or free; pin an object
// to keep its address while a pointer to it is in use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include <framealloc/smart_alloc.hpp>

namespace fa {

// Slot index plus generation. Freeing bumps the slot's generation, so old copies go stale.
template <class T>
struct Handle {
  std::uint32_t index = 0;
  std::uint32_t generation = 0;  // 0: the null handle
  bool is_null() const noexcept { return generation == 0; }
  friend bool operator==(Handle, Handle) = default;
};

struct Relocation {
  std::uint32_t index = 0;
  std::uint32_t generation = 0;
  void* from = nullptr;
  void* to = nullptr;
  std::size_t size = 0;
};

struct DefragmentReport {
  std::vector<Relocation> relocations;
  std::size_t moved_bytes = 0;
  std::size_t bytes_reclaimed = 0;  // the arena's high-water mark went down by this much
  std::size_t pinned_skipped = 0;   // objects that stayed in place because they were pinned
};

struct HandleStats {
  std::size_t capacity = 0;
  std::size_t high_water = 0;  // end of the last object in the arena
  std::size_t live_bytes = 0;
  std::uint64_t live_objects = 0;
  std::uint64_t pinned_objects = 0;
  std::uint64_t defragmentations = 0;
};

inline constexpr std::size_t kDefaultHandleArenaSize = std::size_t{1} << 20;

class HandleAllocator;

// Keeps one object pinned while it lives.
template <class T>
class PinGuard {
 public:
  PinGuard(PinGuard&& o) noexcept
      : owner_(std::exchange(o.owner_, nullptr)), handle_(o.handle_), ptr_(std::exchange(o.ptr_, nullptr)) {}
  PinGuard& operator=(PinGuard&&) = delete;
  PinGuard(const PinGuard&) = delete;
  PinGuard& operator=(const PinGuard&) = delete;
  ~PinGuard();
  T* get() const noexcept { return ptr_; }
  T& operator*() const noexcept { return *ptr_; }
  T* operator->() const noexcept { return ptr_; }
  explicit operator bool() const noexcept { return ptr_ != nullptr; }

 private:
  friend class HandleAllocator;
  PinGuard(HandleAllocator* owner, Handle<T> h, T* p) noexcept : owner_(owner), handle_(h), ptr_(p) {}
  HandleAllocator* owner_;
  Handle<T> handle_;
  T* ptr_;
};

// Thread-safe (one mutex). Objects are constructed under that mutex: constructors, destructors
// and move constructors of T must not call back into the same HandleAllocator.
class HandleAllocator {
 public:
  // arena_bytes of address space from the heap path; 0 throws std::invalid_argument.
  HandleAllocator(SmartAlloc& alloc, std::size_t arena_bytes);
  ~HandleAllocator();  // destroys the objects still alive
  HandleAllocator(const HandleAllocator&) = delete;
  HandleAllocator& operator=(const HandleAllocator&) = delete;

  // The null handle when the arena has no room even after compaction, or alignof(T) > 64.
  template <class T, class... Args>
  Handle<T> alloc(Args&&... args) {
    static_assert(std::is_nothrow_move_constructible_v<T>, "handle objects are moved by defragment()");
    std::vector<Relocation> moved;
    Handle<T> h;
    {
      std::lock_guard lock(mutex_);
      const auto [index, mem] = reserve_locked(sizeof(T), alignof(T), moved);
      if (mem) {
        try {
          ::new (mem) T(std::forward<Args>(args)...);
        } catch (...) {
          release_slot_locked(index);
          throw;
        }
        h = {index, commit_locked(index, &typeid(T), &relocate<T>, &destroy<T>)};
      }
    }
    notify(moved);
    return h;
  }
  // Runs ~T. False with FA401 for a stale/null handle, FA404 (refused) while pinned.
  template <class T>
  bool free(Handle<T> h) {
    return free_raw(h.index, h.generation);
  }
  // nullptr and FA401 for a stale or null handle.
  template <class T>
  T* resolve(Handle<T> h) {
    return static_cast<T*>(resolve_raw(h.index, h.generation, "resolve"));
  }
  template <class T>
  bool is_valid(Handle<T> h) const {
    std::lock_guard lock(mutex_);
    return live_locked(h.index, h.generation);
  }
  // Keeps the object at its address until the matching unpin(); nullptr and FA401 if stale.
  template <class T>
  T* pin(Handle<T> h) {
    return static_cast<T*>(pin_raw(h.index, h.generation));
  }
  template <class T>
  bool unpin(Handle<T> h) {
    return unpin_raw(h.index, h.generation);
  }
  template <class T>
  PinGuard<T> pin_guard(Handle<T> h) {
    T* p = pin(h);
    return PinGuard<T>(p ? this : nullptr, h, p);
  }

  // Called after objects moved (by defragment(), or by an alloc() that had to compact),
  // outside the allocator's lock.
  void set_relocation_callback(std::function<void(const Relocation&)> callback);
  // Moves every unpinned object as far down the arena as it goes, keeping their order.
  DefragmentReport defragment();
  HandleStats stats() const;

 private:
  struct Slot {
    std::uint32_t generation = 1;
    std::uint32_t pins = 0;
    bool live = false;
    bool reserved = false;
    std::size_t offset = 0;
    std::size_t size = 0;
    std::size_t align = 1;
    const std::type_info* type = nullptr;
    void (*relocate)(void* dst, void* src) = nullptr;
    void (*destroy)(void* p) = nullptr;
  };
  template <class T>
  static void relocate(void* dst, void* src) {
    ::new (dst) T(std::move(*static_cast<T*>(src)));
    static_cast<T*>(src)->~T();
  }
  template <class T>
  static void destroy(void* p) {
    static_cast<T*>(p)->~T();
  }

  std::pair<std::uint32_t, void*> reserve_locked(std::size_t size, std::size_t align,
                                                 std::vector<Relocation>& moved);
  std::uint32_t commit_locked(std::uint32_t index, const std::type_info* type, void (*reloc)(void*, void*),
                              void (*destroy)(void*));
  void release_slot_locked(std::uint32_t index);
  bool live_locked(std::uint32_t index, std::uint32_t generation) const;
  void compact_locked(DefragmentReport& report);
  void notify(const std::vector<Relocation>& moved);
  bool free_raw(std::uint32_t index, std::uint32_t generation);
  void* resolve_raw(std::uint32_t index, std::uint32_t generation, const char* fn);
  void* pin_raw(std::uint32_t index, std::uint32_t generation);
  bool unpin_raw(std::uint32_t index, std::uint32_t generation);
  void report_stale(std::uint32_t index, std::uint32_t generation, const char* fn);

  SmartAlloc& alloc_;
  std::byte* base_;
  std::size_t capacity_;
  std::size_t top_ = 0;
  mutable std::mutex mutex_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t defragmentations_ = 0;
  std::mutex callback_mutex_;
  std::function<void(const Relocation&)> on_relocate_;
};

template <class T>
PinGuard<T>::~PinGuard() {
  if (owner_) owner_->unpin(handle_);
}

}  // namespace fa
