// Scratch pools and their per-instance registry.
#include <framealloc/scratch_pool.hpp>

#include <stdexcept>

#include "frame_features_registry.hpp"
#include "instance.hpp"
#include "instrument.hpp"

namespace fa {

ScratchPool::ScratchPool(SmartAlloc& alloc, std::string name, std::size_t capacity)
    : alloc_(alloc),
      name_(std::move(name)),
      capacity_(capacity),
      base_(static_cast<std::byte*>(alloc.heap_alloc_bytes(capacity, 64))) {}

ScratchPool::~ScratchPool() {
  alloc_.heap_free_bytes(base_);
}

void* ScratchPool::bump(std::size_t size, std::size_t align) noexcept {
  std::size_t off = offset_.load(std::memory_order_relaxed);
  for (;;) {
    const auto addr = reinterpret_cast<std::uintptr_t>(base_ + off);
    const std::size_t start = off + (((addr + align - 1) & ~(std::uintptr_t{align} - 1)) - addr);
    if (start > capacity_ || size > capacity_ - start) return nullptr;
    if (offset_.compare_exchange_weak(off, start + size, std::memory_order_relaxed)) {
      std::size_t peak = peak_.load(std::memory_order_relaxed);
      while (peak < start + size &&
             !peak_.compare_exchange_weak(peak, start + size, std::memory_order_relaxed)) {
      }
      allocations_.fetch_add(1, std::memory_order_relaxed);
      return base_ + start;
    }
  }
}

void* ScratchPool::try_alloc_bytes(std::size_t size, std::size_t align) {
  if (!detail::is_pow2(align)) {
    alloc_.report(Code::FA542, "scratch pool \"" + name_ + "\": alignment " + std::to_string(align) +
                                   " is not a power of two");
    failed_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  void* p = bump(size == 0 ? 1 : size, align);
  if (!p) failed_.fetch_add(1, std::memory_order_relaxed);
  return p;
}

void* ScratchPool::alloc_bytes(std::size_t size, std::size_t align) {
  if (!detail::is_pow2(align)) {
    try_alloc_bytes(size, align);  // reports FA542
    throw AllocError(Code::FA542);
  }
  if (void* p = try_alloc_bytes(size, align)) return p;
  alloc_.report(
      Code::FA303, "scratch pool \"" + name_ + "\" is full",
      {"requested " + std::to_string(size) + " bytes (alignment " + std::to_string(align) + ") with " +
       std::to_string(remaining()) + " of " + std::to_string(capacity_) + " bytes left"});
  throw AllocError(Code::FA303);
}

void ScratchPool::reset() noexcept {
  const std::size_t used_bytes = offset_.exchange(0, std::memory_order_relaxed);
  if (alloc_.config().debug_checks) std::memset(base_, detail::kPoisonByte, used_bytes);
  resets_.fetch_add(1, std::memory_order_relaxed);
}

ScratchPoolStats ScratchPool::stats() const {
  return {name_,
          capacity_,
          used(),
          peak_.load(std::memory_order_relaxed),
          allocations_.load(std::memory_order_relaxed),
          failed_.load(std::memory_order_relaxed),
          resets_.load(std::memory_order_relaxed)};
}

ScratchPool& ScratchRegistry::get_or_create(std::string_view name, std::size_t capacity) {
  if (name.empty()) throw std::invalid_argument("fa::SmartAlloc::scratch_pool: the name must not be empty");
  if (capacity == 0)
    throw std::invalid_argument("fa::SmartAlloc::scratch_pool(\"" + std::string(name) +
                                "\"): capacity must be greater than 0");
  std::lock_guard lock(mutex_);
  auto it = pools_.find(name);
  if (it != pools_.end()) return *it->second;
  std::unique_ptr<ScratchPool> pool(new ScratchPool(alloc_, std::string(name), capacity));
  return *pools_.emplace(std::string(name), std::move(pool)).first->second;
}

ScratchPool* ScratchRegistry::find(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = pools_.find(name);
  return it == pools_.end() ? nullptr : it->second.get();
}

std::vector<ScratchPoolStats> ScratchRegistry::stats() const {
  std::lock_guard lock(mutex_);
  std::vector<ScratchPoolStats> out;
  out.reserve(pools_.size());
  for (const auto& [name, pool] : pools_) out.push_back(pool->stats());
  return out;
}

void ScratchRegistry::reset_all() noexcept {
  std::lock_guard lock(mutex_);
  for (auto& [name, pool] : pools_) pool->reset();
}

std::size_t ScratchRegistry::size() const {
  std::lock_guard lock(mutex_);
  return pools_.size();
}

ScratchRegistry& SmartAlloc::scratch() {
  return impl_->features.scratch_registry(*this);
}

ScratchPool& SmartAlloc::scratch_pool(std::string_view name, std::size_t capacity) {
  return scratch().get_or_create(name, capacity);
}

}  // namespace fa
