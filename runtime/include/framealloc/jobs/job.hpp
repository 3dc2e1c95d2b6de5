// The type-erased job record: a header followed by the callable, stored in the spawning
// worker's frame arena, in a recycled block of the spawning thread's job block cache, or on the
// heap. The header says which, so that finishing (or discarding) a job releases its memory the
// right way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include <framealloc/jobs/counter.hpp>

namespace fa::jobs {

class Context;

enum class Priority : std::uint8_t { High = 0, Normal = 1, Low = 2 };
inline constexpr std::size_t kPriorityCount = 3;

// Frame: the spawning worker's frame arena. Pooled: a recycled fixed-size block from the
// spawning (non-worker) thread's job block cache. Heap: operator new.
enum class JobStorage : std::uint8_t { Heap, Frame, Pooled };

// Heap jobs use plain operator new (the allocator's per-thread caches make it fast); only
// callables that need more than this alignment take the aligned operator new.
inline constexpr std::size_t kHeapJobAlign = alignof(std::max_align_t);

namespace detail {
class JobBlockCache;
// A pooled job's block: jobs up to this size and alignment fit; larger ones go to the heap.
// 64-byte aligned, so two jobs run by different workers never share a cache line.
inline constexpr std::size_t kJobBlockBytes = 128;
inline constexpr std::size_t kJobBlockAlign = 64;
}  // namespace detail

struct Job {
  // Runs the callable with `ctx` (when not null) and always destroys it.
  using RunFn = void (*)(Job*, Context*);

  RunFn run = nullptr;
  Counter* counter = nullptr;
  std::uint64_t generation = 0;            // frame generation of the arena it lives in (Frame only)
  detail::JobBlockCache* cache = nullptr;  // the cache its block goes back to (Pooled only)
  std::uint32_t arena = 0;                 // index of the worker whose arena holds it (Frame only)
  JobStorage storage = JobStorage::Heap;
  Priority priority = Priority::Normal;
  std::uint16_t heap_align = 0;  // Heap only: non-zero when allocated with the aligned operator new
};

namespace detail {

template <class F>
struct JobImpl final : Job {
  F fn;

  template <class G>
  explicit JobImpl(G&& g) : fn(std::forward<G>(g)) {}

  static void run_fn(Job* job, Context* ctx) {
    auto* self = static_cast<JobImpl*>(job);
    struct Destroy {
      JobImpl* self;
      ~Destroy() { self->fn.~F(); }
    } destroy{self};
    if (!ctx) return;
    if constexpr (std::is_invocable_v<F&, Context&>) {
      self->fn(*ctx);
    } else {
      static_assert(std::is_invocable_v<F&>, "a job is callable as fn() or fn(fa::jobs::Context&)");
      self->fn();
    }
  }
};

}  // namespace detail
}  // namespace fa::jobs
