// fa::jobs::JobSystem: worker threads with Chase–Lev deques, a global injector, three
// priorities, parking without lost wake-ups, counters, parallel_for, and jobs stored in the
// spawning worker's frame arena until the frame sync (end_frame) — see docs/jobs.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <framealloc/diagnostics.hpp>
#include <framealloc/jobs/counter.hpp>
#include <framealloc/jobs/job.hpp>
#include <framealloc/jobs/job_arena.hpp>
#include <framealloc/jobs/topology.hpp>

namespace fa::jobs {

struct JobSystemConfig {
  std::size_t workers = 0;  // 0: as many as the strategy selects (None: hardware concurrency)
  Strategy strategy = Strategy::None;
  std::optional<CpuTopology> topology;  // default: read from sysfs_root, flat when unreadable
  std::filesystem::path sysfs_root = "/sys/devices/system/cpu";
  std::optional<TierThresholds> thresholds;  // default: scaled from the plan (topology.hpp)
  bool pin_threads = false;                  // pthread_setaffinity_np to the planned CPU
  bool frame_jobs = true;                    // store jobs spawned by workers in their arenas
  // Store jobs spawned by other threads in recycled blocks of a per-thread cache (Pooled)
  // instead of operator new (Heap). Jobs larger than detail::kJobBlockBytes use the heap.
  bool pooled_jobs = true;
  std::size_t frame_arena_bytes = std::size_t{1} << 20;
  // Workers run jobs on fibers: a job that waits on a counter is suspended and the worker runs
  // other jobs on another fiber. Off: a waiting job runs other jobs on top of its own stack.
  bool fibers = true;
  std::size_t fiber_stack_bytes = std::size_t{256} << 10;  // each has a guard page below it
  std::shared_ptr<DiagnosticSink> sink;                    // default: StderrSink
};

struct JobStats {
  std::uint64_t frame_jobs = 0;   // jobs stored in a worker's frame arena
  std::uint64_t heap_jobs = 0;    // jobs stored on the heap
  std::uint64_t pooled_jobs = 0;  // jobs stored in blocks of a spawning thread's job block cache
  std::uint64_t pool_blocks = 0;  // blocks those caches hold (created in slabs, reused)
  // Pooled jobs whose block has not been handed back yet. Workers hand blocks back in batches
  // (at the latest when they run out of work), so it reaches zero shortly after wait_idle().
  std::uint64_t pool_blocks_in_use = 0;
  std::uint64_t pool_caches = 0;  // one per thread that spawned from outside the workers
  std::uint64_t exceptions = 0;
  std::vector<std::uint64_t> executed_by_worker;
  std::uint64_t executed_by_helpers = 0;  // run by non-worker threads inside wait()
  std::uint64_t fibers = 0;               // fiber stacks created (they are pooled and reused)
  std::uint64_t fiber_suspensions = 0;    // waits that suspended a fiber
  std::uint64_t fiber_migrations = 0;     // suspended fibers resumed by another worker
};

namespace detail {
// What a worker thread publishes through thread-local storage.
struct WorkerSlot {
  JobSystem* system = nullptr;
  std::uint32_t index = 0;
  JobArena* arena = nullptr;
};
// Not inline on purpose: the thread-local address is re-read on every call, never cached
// across a suspension point.
[[gnu::noinline]] WorkerSlot* current_worker() noexcept;
void free_heap_job(void* mem, std::uint16_t align) noexcept;
}  // namespace detail

class Context {
 public:
  static constexpr std::size_t kNotAWorker = static_cast<std::size_t>(-1);
  Context(JobSystem& system, std::size_t worker) noexcept : system_(&system), worker_(worker) {}

  JobSystem& system() const noexcept { return *system_; }
  // kNotAWorker inside a helper. Kept current across wait(): a fiber may resume on another worker.
  std::size_t worker_index() const noexcept { return worker_; }
  bool on_worker() const noexcept { return worker_ != kNotAWorker; }

  template <class F>
  void spawn(F&& fn, Priority p = Priority::Normal);
  template <class F>
  void spawn(Counter& counter, F&& fn, Priority p = Priority::Normal);
  void wait(Counter& counter);

 private:
  JobSystem* system_;
  std::size_t worker_;
};

class JobSystem {
 public:
  explicit JobSystem(JobSystemConfig config = {});
  // Runs every queued job to completion, then stops the workers.
  ~JobSystem();
  JobSystem(const JobSystem&) = delete;
  JobSystem& operator=(const JobSystem&) = delete;

  template <class F>
  void spawn(F&& fn, Priority p = Priority::Normal) {
    detail::WorkerSlot* slot = own_worker_slot();
    submit(make_job(std::forward<F>(fn), nullptr, p, slot), slot);
  }
  template <class F>
  void spawn(Counter& counter, F&& fn, Priority p = Priority::Normal) {
    detail::WorkerSlot* slot = own_worker_slot();
    counter.add(1);
    Job* job = nullptr;
    try {
      job = make_job(std::forward<F>(fn), &counter, p, slot);
    } catch (...) {
      counter.finish_one();
      throw;
    }
    submit(job, slot);
  }

  // Returns when `counter` is zero, running other jobs meanwhile (on workers and helpers).
  void wait(Counter& counter);
  // Returns when no job is queued or running.
  void wait_idle();

  // fn(i) for every i in [begin, end), split into chunks of at most `grain` indices.
  // Throws std::invalid_argument for grain 0 or begin > end.
  template <class F>
  void parallel_for(std::size_t begin, std::size_t end, std::size_t grain, F&& fn);

  // The frame sync: waits for every job, then resets the workers' frame arenas. Reports
  // FA206 (and does nothing) when called from inside a job.
  void end_frame();
  // Resets the arenas without waiting. Refuses and reports FA005 while any job is queued
  // or running (a running job could still be spawning into an arena). Returns success.
  bool reset_frame_arenas();
  std::uint64_t frame_generation() const noexcept;

  std::size_t worker_count() const noexcept;
  // The worker the calling thread is, or Context::kNotAWorker. Read from thread-local storage
  // on every call (never cached across a fiber switch).
  std::size_t current_worker_index() const noexcept;
  const WorkerPlan& plan() const noexcept;
  std::size_t load() const noexcept;  // queued + running jobs
  JobStats stats() const;
  // Exceptions thrown by jobs since the last call (each was also reported as FA207).
  std::vector<std::exception_ptr> take_exceptions();
  const JobArena& arena(std::size_t worker) const;

  struct State;

 private:
  // The calling thread's worker slot when it is one of this system's workers, else nullptr.
  detail::WorkerSlot* own_worker_slot() const noexcept {
    detail::WorkerSlot* slot = detail::current_worker();
    return slot && slot->system == this ? slot : nullptr;
  }
  template <class F>
  Job* make_job(F&& fn, Counter* counter, Priority p, detail::WorkerSlot* slot);
  // Counts the job by storage and queues it: `slot` is own_worker_slot() of the spawning thread.
  void submit(Job* job, detail::WorkerSlot* slot);
  // A block of the calling thread's job block cache (`cache` is set to it); nullptr when the
  // thread cannot have one (it is exiting). Throws std::bad_alloc.
  void* take_pooled_block(detail::JobBlockCache*& cache);
  // The job could not be constructed in the block just taken.
  void cancel_pooled_block(detail::JobBlockCache* cache, void* block) noexcept;

  std::unique_ptr<State> state_;
  bool frame_jobs_ = true;
  bool pooled_jobs_ = true;
};

template <class F>
Job* JobSystem::make_job(F&& fn, Counter* counter, Priority p, detail::WorkerSlot* slot) {
  using Impl = detail::JobImpl<std::decay_t<F>>;
  Job* job = nullptr;
  if (slot && frame_jobs_) {
    if (void* mem = slot->arena->try_alloc(sizeof(Impl), alignof(Impl))) {
      try {
        job = ::new (mem) Impl(std::forward<F>(fn));
      } catch (...) {
        slot->arena->release_one();
        throw;
      }
      job->storage = JobStorage::Frame;
      job->arena = slot->index;
      job->generation = slot->arena->generation();
    }
  }
  constexpr bool fits_block =
      sizeof(Impl) <= detail::kJobBlockBytes && alignof(Impl) <= detail::kJobBlockAlign;
  if (fits_block && !job && !slot && pooled_jobs_) {
    detail::JobBlockCache* cache = nullptr;
    if (void* mem = take_pooled_block(cache)) {
      try {
        job = ::new (mem) Impl(std::forward<F>(fn));
      } catch (...) {
        cancel_pooled_block(cache, mem);
        throw;
      }
      job->storage = JobStorage::Pooled;
      job->cache = cache;
    }
  }
  if (!job) {
    constexpr std::uint16_t align = alignof(Impl) > kHeapJobAlign ? alignof(Impl) : 0;
    void* mem = nullptr;
    if constexpr (align != 0) {  // constexpr: Clang rejects align_val_t{0} even in a dead branch
      mem = ::operator new (sizeof(Impl), std::align_val_t{align});
    } else {
      mem = ::operator new(sizeof(Impl));
    }
    try {
      job = ::new (mem) Impl(std::forward<F>(fn));
    } catch (...) {
      detail::free_heap_job(mem, align);
      throw;
    }
    job->storage = JobStorage::Heap;
    job->heap_align = align;
  }
  job->run = &Impl::run_fn;
  job->counter = counter;
  job->priority = p;
  return job;
}

namespace detail {
template <class F>
struct RangeJob {
  JobSystem* system;
  F* fn;
  Counter* counter;
  std::size_t begin, end, grain;
  void operator()() const {
    std::size_t hi = end;
    while (hi - begin > grain) {  // hand the upper half to thieves, keep splitting the lower
      const std::size_t mid = begin + (hi - begin) / 2;
      system->spawn(*counter, RangeJob{system, fn, counter, mid, hi, grain});
      hi = mid;
    }
    for (std::size_t i = begin; i < hi; ++i) (*fn)(i);
  }
};
}  // namespace detail

template <class F>
void JobSystem::parallel_for(std::size_t begin, std::size_t end, std::size_t grain, F&& fn) {
  if (grain == 0) throw std::invalid_argument("parallel_for: grain must be at least 1");
  if (begin > end)
    throw std::invalid_argument("parallel_for: begin (" + std::to_string(begin) + ") is after end (" +
                                std::to_string(end) + ")");
  if (begin == end) return;
  using Fn = std::remove_reference_t<F>;
  Counter counter;
  detail::RangeJob<Fn> first{this, &fn, &counter, begin, end, grain};
  try {
    first();
  } catch (...) {
    wait(counter);  // the spawned halves point at this frame: let them finish first
    throw;
  }
  wait(counter);
}

template <class F>
void Context::spawn(F&& fn, Priority p) {
  system_->spawn(std::forward<F>(fn), p);
}
template <class F>
void Context::spawn(Counter& counter, F&& fn, Priority p) {
  system_->spawn(counter, std::forward<F>(fn), p);
}
inline void Context::wait(Counter& counter) {
  system_->wait(counter);
  worker_ = system_->current_worker_index();  // the job may have been resumed on another worker
}

}  // namespace fa::jobs
