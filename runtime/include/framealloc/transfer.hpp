// fa::TransferHandle: a value handed from one thread to another, declared as such.
//
// frame_box_for_transfer() promotes the value out of the sender's frame arena into pool
// memory (the heap path for large types) at transfer time, so the sender may end its frame
// at any moment without invalidating it. receive() moves the value out exactly once, on
// the receiving thread, and returns the block to its owner (a cross-thread pool free).
#pragma once

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include <framealloc/boxes.hpp>
#include <framealloc/smart_alloc.hpp>

namespace fa {

// Per-instance transfer counts (SmartAlloc::transfer_stats(), snapshot "transfers").
struct TransferStats {
  std::uint64_t initiated = 0;
  std::uint64_t completed = 0;  // received
  std::uint64_t dropped = 0;    // destroyed while pending
  std::uint64_t pending() const noexcept { return initiated - completed - dropped; }
};

// Thrown by receive() on an empty handle (after FA210 was reported).
class TransferError : public std::logic_error {
 public:
  explicit TransferError(const std::string& what) : std::logic_error(what) {}
  Code code() const noexcept { return Code::FA210; }
};

namespace detail {

struct TransferCounters {
  std::atomic<std::uint64_t> initiated{0};
  std::atomic<std::uint64_t> completed{0};
  std::atomic<std::uint64_t> dropped{0};
  // completed at the previous build_snapshot(), for "completed_this_frame".
  std::atomic<std::uint64_t> completed_at_last_snapshot{0};
};

// Out of line so lifecycle events and stats have one place to hook in.
void transfer_initiated(SmartAlloc& alloc) noexcept;
void transfer_completed(SmartAlloc& alloc) noexcept;
// Counts the drop; reports FA211 when debug checks are on.
void transfer_dropped(SmartAlloc& alloc, const char* type_name) noexcept;
// Reports FA210 (when alloc is known) and throws TransferError.
[[noreturn]] void transfer_receive_empty(SmartAlloc* alloc, const char* type_name, bool was_received);

}  // namespace detail

template <class T>
class TransferHandle {
  static_assert(std::is_move_constructible_v<T>, "TransferHandle<T> needs a move-constructible T");

 public:
  TransferHandle() noexcept = default;
  TransferHandle(TransferHandle&& o) noexcept
      : alloc_(o.alloc_), ptr_(std::exchange(o.ptr_, nullptr)), received_(o.received_) {}
  TransferHandle& operator=(TransferHandle&& o) noexcept {
    if (this != &o) {
      drop();
      alloc_ = o.alloc_;
      ptr_ = std::exchange(o.ptr_, nullptr);
      received_ = o.received_;
    }
    return *this;
  }
  TransferHandle(const TransferHandle&) = delete;
  TransferHandle& operator=(const TransferHandle&) = delete;
  ~TransferHandle() { drop(); }

  // Takes the value. Exactly once: a second call (or a call on a moved-from or default
  // handle) reports FA210 and throws TransferError.
  T receive() {
    if (!ptr_) detail::transfer_receive_empty(alloc_, typeid(T).name(), received_);
    T out(std::move(*ptr_));
    alloc_->pool_free(std::exchange(ptr_, nullptr));
    received_ = true;
    detail::transfer_completed(*alloc_);
    return out;
  }

  // True while the value waits to be received.
  bool pending() const noexcept { return ptr_ != nullptr; }
  explicit operator bool() const noexcept { return pending(); }

 private:
  friend class SmartAlloc;
  TransferHandle(SmartAlloc& a, T* p) noexcept : alloc_(&a), ptr_(p) {}

  void drop() noexcept {
    if (!ptr_) return;
    alloc_->pool_free(std::exchange(ptr_, nullptr));
    detail::transfer_dropped(*alloc_, typeid(T).name());
  }

  SmartAlloc* alloc_ = nullptr;
  T* ptr_ = nullptr;
  bool received_ = false;
};

template <class T>
TransferHandle<std::remove_cvref_t<T>> SmartAlloc::frame_box_for_transfer(T&& value) {
  using U = std::remove_cvref_t<T>;
  U* p = pool_alloc<U>(std::forward<T>(value));
  detail::transfer_initiated(*this);
  return TransferHandle<U>(*this, p);
}

}  // namespace fa
