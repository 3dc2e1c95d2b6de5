// Retention and promotion: frame objects that may outlive their frame.
// frame_retained<T>(policy) allocates T in the frame and registers it. At
// end_frame_with_promotions() each registered object is moved (move construction; memcpy only
// for trivially copyable T) into the pool, the heap or a named scratch pool, or destroyed.
// A plain end_frame() destroys every registered object: nothing is left dangling.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include <framealloc/retention_policy.hpp>
#include <framealloc/smart_alloc.hpp>

namespace fa {

enum class PromotionFailure : std::uint8_t {
  BudgetExceeded,      // the pool/heap allocation failed (fa::AllocError or out of memory)
  ScratchPoolFull,     // the named scratch pool had no room
  ScratchPoolMissing,  // no scratch pool with that name exists
};

// One retained object after end_frame_with_promotions().
struct PromotedAllocation {
  RetentionPolicy::Kind destination = RetentionPolicy::Kind::Discard;
  std::string scratch_pool;         // for PromoteToScratch
  void* ptr = nullptr;              // the object's new address; nullptr when it failed
  const void* frame_ptr = nullptr;  // where it lived in the (now reset) frame
  std::size_t size = 0;
  const std::type_info* type = nullptr;
  std::optional<PromotionFailure> failure;
  void (*destroy)(void*) = nullptr;

  bool ok() const noexcept { return ptr != nullptr; }
  // The promoted object if it is a T, else nullptr.
  template <class T>
  T* as() const noexcept {
    return ptr && *type == typeid(T) ? static_cast<T*>(ptr) : nullptr;
  }
  // Runs the destructor and returns pool/heap memory (scratch memory returns at reset()).
  void release(SmartAlloc& alloc);
};

struct PromotionFailures {
  std::uint64_t budget_exceeded = 0;
  std::uint64_t scratch_pool_full = 0;
  std::uint64_t scratch_pool_missing = 0;
  std::uint64_t total() const noexcept { return budget_exceeded + scratch_pool_full + scratch_pool_missing; }
};

struct FrameSummary {
  std::uint64_t discarded_count = 0;  // Discard policy (failed promotions are counted in failures)
  std::size_t discarded_bytes = 0;
  std::uint64_t promoted_pool_count = 0;
  std::size_t promoted_pool_bytes = 0;
  std::uint64_t promoted_heap_count = 0;
  std::size_t promoted_heap_bytes = 0;
  std::uint64_t promoted_scratch_count = 0;
  std::size_t promoted_scratch_bytes = 0;
  PromotionFailures failures;
};

struct PromotionResult {
  std::vector<PromotedAllocation> promoted;  // every retained object except discarded ones
  FrameSummary summary;
};

namespace detail {
void register_retained(SmartAlloc& alloc, RetainedEntry entry);

template <class T>
void move_retained(void* dst, void* src) {
  if constexpr (std::is_trivially_copyable_v<T>) {
    std::memcpy(dst, src, sizeof(T));
  } else {
    ::new (dst) T(std::move(*static_cast<T*>(src)));
  }
}
template <class T>
void destroy_retained(void* p) {
  static_cast<T*>(p)->~T();
}
}  // namespace detail

template <class T, class... Args>
T* SmartAlloc::frame_retained(const RetentionPolicy& policy, Args&&... args) {
  static_assert(std::is_nothrow_move_constructible_v<T>, "retained types are moved at promotion");
  if (policy.kind == RetentionPolicy::Kind::PromoteToScratch && policy.scratch_pool.empty())
    throw std::invalid_argument("fa::SmartAlloc::frame_retained: PromoteToScratch needs a scratch pool name");
  T* p = frame_alloc<T>(std::forward<Args>(args)...);
  detail::register_retained(*this, {p, sizeof(T), alignof(T), policy, &typeid(T), &detail::move_retained<T>,
                                    &detail::destroy_retained<T>});
  return p;
}

template <class T, class... Args>
T* SmartAlloc::frame_with_importance(Importance importance, Args&&... args) {
  return frame_retained<T>(policy_for(importance), std::forward<Args>(args)...);
}

}  // namespace fa
