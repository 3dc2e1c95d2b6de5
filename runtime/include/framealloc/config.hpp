// AllocConfig: every knob of a SmartAlloc instance. All fields are honoured.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace fa {

inline constexpr std::size_t kMaxPoolObjectSize = 4096;  // largest pooled size class

// When the owner of pool blocks takes back the blocks other threads freed (they wait in a
// queue per owner until then).
enum class DeferredProcessing : std::uint8_t {
  AtFrameBegin,  // in begin_frame()
  AtFrameEnd,    // in end_frame()
  Incremental,   // up to incremental_batch blocks at each frame boundary and pool refill
  Explicit,      // only in process_deferred()
  Disabled,      // no deferral: whenever the owner needs blocks, and at every frame boundary
};

// What a cross-thread free does when the owner's queue already holds `capacity` blocks.
enum class DeferredOverflow : std::uint8_t {
  ProcessImmediately,  // queue it and make the owner drain everything at its next refill or frame boundary
  DropOldest,  // keep the newest capacity - 1 and the new one; the oldest blocks are given up (leaked)
  Fail,        // the free is refused (FA204); the block stays allocated
  Grow,        // queue it anyway
};

struct DeferredConfig {
  DeferredProcessing processing = DeferredProcessing::Disabled;
  std::size_t incremental_batch = 64;
  std::size_t capacity = 65536;
  DeferredOverflow overflow = DeferredOverflow::Grow;
};

struct AllocConfig {
  // Bytes of frame arena per thread. Reserved lazily (untouched pages cost no RAM).
  std::size_t frame_arena_size = 16u << 20;
  // Objects up to this size come from thread-local pools; larger ones take the heap path.
  std::size_t pool_max_object_size = kMaxPoolObjectSize;
  // Granularity in which threads take pool memory from the shared reservation (power of two).
  std::size_t pool_slab_size = 64u << 10;
  // Virtual address space reserved per instance for all pools. When it is used up, pool
  // requests fall back to the heap path.
  std::size_t pool_reserve_size = std::size_t{1} << 30;
  // Poison reset/freed memory with 0xCD, track pool block states (double-free detection),
  // and check FrameBox use after its frame. Defaults on in debug builds of the caller.
#ifdef NDEBUG
  bool debug_checks = false;
#else
  bool debug_checks = true;
#endif
  // Cross-thread pool frees (see DeferredConfig).
  DeferredConfig deferred;

  // Observability (events.hpp, call_site.hpp, profiler.hpp). A frame that ends with more
  // than this fraction of its arena used raises a MemoryPressure event; in (0, 1].
  double memory_pressure_fraction = 0.9;
  // Count allocations per call site from the start (see set_call_site_attribution()).
  bool call_site_attribution = false;
  // Completed-frame summaries kept for frame_history()/frame_graph(); 0 keeps none.
  std::size_t frame_history_size = 240;

  AllocConfig& with_memory_pressure_fraction(double fraction) {
    memory_pressure_fraction = fraction;
    return *this;
  }
  AllocConfig& with_call_site_attribution(bool on) {
    call_site_attribution = on;
    return *this;
  }
  AllocConfig& with_frame_history_size(std::size_t frames) {
    frame_history_size = frames;
    return *this;
  }
  AllocConfig& with_frame_arena_size(std::size_t bytes) {
    frame_arena_size = bytes;
    return *this;
  }
  AllocConfig& with_pool_max_object_size(std::size_t bytes) {
    pool_max_object_size = bytes;
    return *this;
  }
  AllocConfig& with_pool_slab_size(std::size_t bytes) {
    pool_slab_size = bytes;
    return *this;
  }
  AllocConfig& with_pool_reserve_size(std::size_t bytes) {
    pool_reserve_size = bytes;
    return *this;
  }
  AllocConfig& with_debug_checks(bool on) {
    debug_checks = on;
    return *this;
  }
  AllocConfig& with_deferred(DeferredConfig d) {
    deferred = d;
    return *this;
  }

  // Small footprint: tools, tests, small games. 1 MiB arenas, 32 KiB slabs, 64 MiB pool reservation.
  static AllocConfig minimal();
  // Large arenas and pool reservation, debug checks off regardless of build type.
  static AllocConfig high_performance();

  // Why the configuration cannot be used, or nullopt when it is valid.
  std::optional<std::string> validate() const;
};

}  // namespace fa
