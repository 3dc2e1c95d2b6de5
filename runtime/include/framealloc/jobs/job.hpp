// The type-erased job record: a header followed by the callable, stored either in the
// spawning worker's frame arena or on the heap. The header says which, so that finishing
// (or discarding) a job releases its memory the right way.
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

enum class JobStorage : std::uint8_t { Heap, Frame };

// Heap jobs use plain operator new (the allocator's per-thread caches make it fast); only
// callables that need more than this alignment take the aligned operator new.
inline constexpr std::size_t kHeapJobAlign = alignof(std::max_align_t);

struct Job {
  // Runs the callable with `ctx` (when not null) and always destroys it.
  using RunFn = void (*)(Job*, Context*);

  RunFn run = nullptr;
  Counter* counter = nullptr;
  std::uint64_t generation = 0;  // frame generation of the arena it lives in (Frame only)
  std::uint32_t arena = 0;       // index of the worker whose arena holds it (Frame only)
  JobStorage storage = JobStorage::Heap;
  std::uint16_t heap_align = 0;  // Heap only: non-zero when allocated with the aligned operator new
  Priority priority = Priority::Normal;
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
