#include <framealloc/config.hpp>

#include <cstdint>

#include <framealloc/detail/thread_state.hpp>

namespace fa {

AllocConfig AllocConfig::minimal() {
  return AllocConfig{}.with_frame_arena_size(1u << 20).with_pool_reserve_size(64u << 20).with_pool_slab_size(
      32u << 10);
}

AllocConfig AllocConfig::high_performance() {
  return AllocConfig{}
      .with_frame_arena_size(64u << 20)
      .with_pool_reserve_size(std::size_t{4} << 30)
      .with_pool_slab_size(256u << 10)
      .with_debug_checks(false);
}

std::optional<std::string> AllocConfig::validate() const {
  const std::size_t page = 4096;
  if (frame_arena_size == 0) return "frame_arena_size must be greater than zero";
  if (frame_arena_size > (std::size_t{1} << 40)) return "frame_arena_size must be at most 1 TiB";
  if (pool_max_object_size == 0 || pool_max_object_size > kMaxPoolObjectSize)
    return "pool_max_object_size must be between 1 and " + std::to_string(kMaxPoolObjectSize);
  if (!detail::is_pow2(pool_slab_size) || pool_slab_size < page)
    return "pool_slab_size must be a power of two of at least 4096 bytes (got " +
           std::to_string(pool_slab_size) + ")";
  if (pool_slab_size < 4 * pool_max_object_size + 64)
    return "pool_slab_size (" + std::to_string(pool_slab_size) +
           ") must hold at least four blocks of pool_max_object_size (" +
           std::to_string(pool_max_object_size) + ")";
  if (pool_reserve_size < pool_slab_size)
    return "pool_reserve_size (" + std::to_string(pool_reserve_size) + ") must be at least one slab (" +
           std::to_string(pool_slab_size) + ")";
  if (pool_reserve_size > (std::size_t{1} << 44)) return "pool_reserve_size must be at most 16 TiB";
  if (deferred.capacity == 0) return "deferred.capacity must be greater than zero";
  if (deferred.processing == DeferredProcessing::Incremental && deferred.incremental_batch == 0)
    return "deferred.incremental_batch must be greater than zero with DeferredProcessing::Incremental";
  if (!(memory_pressure_fraction > 0.0 && memory_pressure_fraction <= 1.0))
    return "memory_pressure_fraction must be in (0, 1] (got " + std::to_string(memory_pressure_fraction) +
           ")";
  if (frame_history_size > (std::size_t{1} << 20))
    return "frame_history_size must be at most 1048576 frames (got " + std::to_string(frame_history_size) +
           ")";
  return std::nullopt;
}

}  // namespace fa
