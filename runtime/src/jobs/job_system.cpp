#include <framealloc/jobs/job_system.hpp>

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <mutex>
#include <thread>

#include <framealloc/jobs/work_stealing_deque.hpp>

#include "../spin_lock.hpp"
#include "fiber_context.hpp"
#include "injector.hpp"
#include "job_block_cache.hpp"
#include "sync.hpp"

namespace fa::jobs {

namespace detail {
struct CounterAccess {
  static bool finish(Counter& c, std::int64_t n) noexcept { return c.finish(n); }
};
}  // namespace detail

namespace {
thread_local detail::WorkerSlot* t_worker = nullptr;
// The job system whose job this thread is running (workers and helpers inside wait()).
thread_local const JobSystem* t_running = nullptr;
// How many wait() calls are active on this thread (each may be running jobs on top of the
// stack of the one below).
thread_local unsigned t_wait_depth = 0;
constexpr unsigned kMaxHelpDepth = 32;
constexpr std::uint32_t kHelper = static_cast<std::uint32_t>(-1);
// Idle back-off before sleeping: pause-spins, then yields. Waking a sleeping thread costs a
// system call and, on a loaded machine, a whole scheduler time slice, so we yield first.
constexpr unsigned kSpins = 64;
constexpr unsigned kSpinsBeforePark = kSpins + 256;

void back_off(unsigned idle) noexcept {
  if (idle < kSpins) {
    detail::cpu_relax();
  } else {
    std::this_thread::yield();
  }
}
}  // namespace

detail::WorkerSlot* detail::current_worker() noexcept {
  return t_worker;
}

namespace {

// Guards a worker's list of suspended fibers: held for a few loads, never across a switch.
using SpinLock = fa::detail::SpinLock;

enum class FiberAction : std::uint8_t { None, Suspend, YieldTo, Exit };

// A pooled fiber: its guarded stack, its saved context, and what it asked its worker's
// scheduler to do when it last switched away.
struct Fiber {
  Fiber(JobSystem::State& state, std::size_t stack_bytes);
  ~Fiber() { detail::destroy_fiber_context(ctx); }
  detail::FiberStack stack;
  detail::FiberContext ctx;
  JobSystem::State* state;
  Counter* waiting_on = nullptr;  // while suspended: resumable once this is zero
  Fiber* next = nullptr;          // Suspend: the fiber to run instead; YieldTo: the one to resume
  FiberAction action = FiberAction::None;
  std::uint32_t suspended_on = 0;
  std::uint32_t resumed_on = 0;  // the worker whose scheduler last switched to it
  unsigned pinned = 0;           // > 0 while waits on it help instead of suspending
};

struct alignas(64) Worker {
  Worker(std::size_t arena_bytes, std::size_t workers) : arena(arena_bytes, workers) {}
  std::array<detail::WorkStealingDeque<Job*>, kPriorityCount> deques;
  JobArena arena;
  detail::WorkerSlot slot;
  WorkerPlacement placement;
  std::size_t threshold = 0;  // load above which a tier-2/3 worker runs jobs
  std::uint32_t victim = 0;   // where the next steal scan starts
  // Written by the owner only (load + store), read by stats().
  std::atomic<std::uint64_t> executed{0}, frame_jobs{0}, heap_jobs{0};
  std::atomic<std::uint64_t> suspensions{0}, migrations{0};
  // Jobs this worker spawned / finished (owner-written): summed only when someone asks how
  // many jobs are outstanding, so the job path touches no shared counter.
  alignas(64) std::atomic<std::uint64_t> spawned{0};
  std::atomic<std::uint64_t> finished{0};
  detail::JobBlockReturns block_returns;  // pooled jobs' blocks on their way back
  // Finished jobs of one counter not yet subtracted from it (nor counted in `finished`): a
  // worker running a run of jobs of one counter subtracts them in one step, because every
  // worker finishing jobs of that counter would otherwise pull its cache line over. Released
  // before a job of another counter runs and whenever the worker runs out of work.
  Counter* held_counter = nullptr;
  std::int64_t held = 0;
  std::thread thread;

  // Fibers. The scheduler context is the worker thread's own stack; it only switches between
  // fibers. `current` and `idle_fibers` are touched by this worker's thread only.
  detail::FiberContext scheduler;
  Fiber* current = nullptr;
  std::vector<Fiber*> idle_fibers;
  SpinLock waiting_lock;  // suspended fibers: any worker may resume one whose counter is zero
  std::vector<Fiber*> waiting;
  std::atomic<std::uint32_t> waiting_count{0};
  // State::ready_epoch as of this worker's last fruitless look at its own list / at all lists.
  std::uint64_t seen_ready_own = 0, seen_ready_all = 0;

  bool has_local() const noexcept {
    for (const auto& d : deques)
      if (!d.empty()) return true;
    return false;
  }
};

void bump(std::atomic<std::uint64_t>& owner_counter) noexcept {
  owner_counter.store(owner_counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}
// Like bump (by n), and publishes everything the owner did before (the finished jobs' effects).
void bump_release(std::atomic<std::uint64_t>& owner_counter, std::uint64_t n = 1) noexcept {
  owner_counter.store(owner_counter.load(std::memory_order_relaxed) + n, std::memory_order_release);
}

using Injector = detail::Injector<Job*>;

}  // namespace

struct JobSystem::State {
  WorkerPlan plan;
  std::vector<std::unique_ptr<Worker>> workers;
  std::array<Injector, kPriorityCount> injectors;
  std::array<detail::Parker, 4> parkers;  // by tier (index 0 unused)
  // Only with tier-2/3 workers, whose thresholds need the load on every spawn: one shared
  // count of queued + running jobs. Otherwise per-worker spawned/finished counts are summed.
  bool track_load = false;
  alignas(64) std::atomic<std::int64_t> outstanding{0};
  // Jobs spawned by non-worker threads are counted by the injectors' push counts.
  // Finished by helper threads without a job block cache (exiting threads); the others count
  // in their own cache (JobBlockCache::helped).
  alignas(64) std::atomic<std::uint64_t> external_finished{0};
  alignas(64) std::atomic<std::int64_t> queued_high{0};
  alignas(64) std::atomic<std::int32_t> searching{0};  // tier-1 workers spinning for work
  alignas(64) detail::Parker completion;               // wait(counter), wait_idle()
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> generation{1};
  std::atomic<std::uint64_t> helper_heap_jobs{0}, exceptions{0};
  std::mutex exceptions_mutex;
  std::vector<std::exception_ptr> exception_list;
  std::shared_ptr<DiagnosticSink> sink;
  detail::JobBlockCaches block_caches;  // storage of jobs spawned by non-worker threads

  JobSystem* system = nullptr;
  bool fibers = false;
  std::size_t fiber_stack_bytes = 0;
  alignas(64) std::atomic<std::int64_t> suspended{0};  // fibers in any waiting list
  // Bumped whenever a suspended fiber may have become resumable (its counter reached zero),
  // so workers look at the waiting lists (a lock and a read of each counter) only then.
  alignas(64) std::atomic<std::uint64_t> ready_epoch{0};
  std::mutex fibers_mutex;
  std::vector<std::unique_ptr<Fiber>> all_fibers;  // destroyed after the workers stopped
};

namespace {

using State = JobSystem::State;

// Jobs spawned and not yet finished. The finish counts are read before the spawn counts: a
// job seen finished was spawned before, so its spawn is seen too, and a zero means no job
// was queued or running when the finish counts were read (and only jobs spawn jobs).
std::int64_t outstanding_jobs(const State& s) noexcept {
  if (s.track_load) return s.outstanding.load(std::memory_order_seq_cst);
  std::uint64_t finished =
      s.external_finished.load(std::memory_order_seq_cst) + s.block_caches.helped_total();
  for (const auto& w : s.workers) finished += w->finished.load(std::memory_order_seq_cst);
  std::uint64_t spawned = 0;
  for (const auto& in : s.injectors) spawned += in.pushed();
  for (const auto& w : s.workers) spawned += w->spawned.load(std::memory_order_seq_cst);
  return static_cast<std::int64_t>(spawned - finished);
}

std::size_t current_load(const State& s) noexcept {
  const std::int64_t n = s.track_load ? s.outstanding.load(std::memory_order_relaxed) : outstanding_jobs(s);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

// Runs the first of `batch` now and queues the rest on `self`'s deque, newest first, so that
// `self` (which pops the bottom) continues in arrival order. The rest may wait there while the
// first runs (which may take long): make sure somebody is awake to steal them.
Job* keep_batch(State& s, Worker& self, std::size_t p, Job* const* batch, std::size_t n) {
  for (std::size_t i = n; i-- > 1;) self.deques[p].push(batch[i]);
  if (n > 1) {
    detail::full_fence();
    if (s.searching.load(std::memory_order_seq_cst) == 0) s.parkers[1].notify_one_if_sleeping();
  }
  return batch[0];
}

// A worker takes up to kInjectorBatch jobs at once (one CAS) and keeps the rest in its own
// deque (where others can steal them), so a thread spawning many jobs is drained in batches.
constexpr std::size_t kInjectorBatch = 16;

Job* injector_pop(State& s, Injector& in, Worker* self, std::size_t p) {
  if (!in.maybe_ready()) return nullptr;
  if (!self) return in.pop();
  Job* batch[kInjectorBatch];
  const std::size_t n = in.pop_batch(batch, kInjectorBatch);
  if (n == 0) return nullptr;
  return keep_batch(s, *self, p, batch, n);
}

// A worker steals up to this many jobs from one victim at a time (at most half of what the
// victim holds): each steal is a plain Chase-Lev steal, but in one burst the victim's top and
// slot lines stay in this worker's cache, and the jobs' own lines are fetched in parallel
// instead of one cross-CPU miss per job run.
constexpr std::size_t kStealBatch = 8;

Job* steal_from_others(State& s, std::uint32_t self, std::size_t p, std::uint32_t& start) {
  const auto n = static_cast<std::uint32_t>(s.workers.size());
  Worker* thief = self == kHelper ? nullptr : s.workers[self].get();
  for (std::uint32_t k = 0; k < n; ++k) {
    const std::uint32_t v = (start + k) % n;
    if (v == self) continue;
    auto& d = s.workers[v]->deques[p];
    if (d.empty()) continue;
    Job* first = d.steal();
    if (!first) continue;
    start = v;  // a productive victim is likely to have more
    const auto half = static_cast<std::size_t>(d.size_estimate() / 2);
    if (!thief || half == 0) return first;
    Job* batch[kStealBatch];
    batch[0] = first;
    std::size_t got = 1;
    for (const std::size_t want = std::min(half + 1, kStealBatch); got < want; ++got) {
      batch[got] = d.steal();
      if (!batch[got]) break;
      __builtin_prefetch(batch[got]);
    }
    return keep_batch(s, *thief, p, batch, got);
  }
  return nullptr;
}

// High first (only scanned while some high job is queued), then Normal, then Low; for each:
// own deque, injector, other workers' deques.
Job* find_job(State& s, std::uint32_t index) {
  Worker* self = index == kHelper ? nullptr : s.workers[index].get();
  std::uint32_t helper_start = 0;
  std::uint32_t& start = self ? self->victim : helper_start;
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    if (p == 0 && s.queued_high.load(std::memory_order_relaxed) <= 0) continue;
    if (self && !self->deques[p].empty())
      if (Job* job = self->deques[p].pop()) return job;
    if (Job* job = injector_pop(s, s.injectors[p], self, p)) return job;
    if (Job* job = steal_from_others(s, index, p, start)) return job;
  }
  return nullptr;
}

// Deep inside nested waits a thread only runs its own most recent spawns (usually the very
// children it waits for), so helping cannot grow the stack without bound.
Job* pop_local(State& s, std::uint32_t index) {
  if (index == kHelper) return nullptr;
  for (auto& d : s.workers[index]->deques)
    if (!d.empty())
      if (Job* job = d.pop()) return job;
  return nullptr;
}

bool any_queued(const State& s) noexcept {
  for (const auto& in : s.injectors)
    if (!in.empty()) return true;
  for (const auto& w : s.workers)
    if (w->has_local()) return true;
  return false;
}

void notify_completion(State& s) {
  s.completion.notify_all_if_sleeping();
}

std::string describe(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}

Diagnostic make_diagnostic(Code code, std::string message, std::vector<std::string> notes,
                           std::uint64_t gen) {
  Diagnostic d;
  d.code = code;
  d.severity = info(code).default_severity;
  d.message = std::move(message);
  d.notes = std::move(notes);
  d.help = std::string(info(code).help);
  d.frame_number = gen;
  return d;
}

void on_exception(State& s, std::exception_ptr e, std::uint32_t index) {
  s.exceptions.fetch_add(1, std::memory_order_relaxed);
  const std::string where =
      index == kHelper ? std::string("a helper thread inside wait()") : "worker " + std::to_string(index);
  Diagnostic d = make_diagnostic(Code::FA207, "a job threw: " + describe(e), {"it ran on " + where},
                                 s.generation.load(std::memory_order_relaxed));
  {
    std::lock_guard lock(s.exceptions_mutex);
    s.exception_list.push_back(std::move(e));
  }
  // Never rethrown on the worker (it would terminate the process): reported and kept.
  try {
    if (s.sink) s.sink->report(d);
  } catch (...) {
  }
}

// A suspended fiber whose counter just reached zero needs a worker that is not asleep.
void wake_for_fibers(State& s) {
  for (std::size_t tier = 1; tier < s.parkers.size(); ++tier) s.parkers[tier].notify_one_if_sleeping();
}

// Subtracts n finished jobs from `counter`; the one that brings it to zero wakes its waiters.
void settle(State& s, Counter& counter, std::int64_t n) {
  if (!detail::CounterAccess::finish(counter, n)) return;  // after zero, counter is not touched
  notify_completion(s);
  if (s.fibers && s.suspended.load(std::memory_order_seq_cst) != 0) {
    s.ready_epoch.fetch_add(1, std::memory_order_seq_cst);
    wake_for_fibers(s);
  }
}

// Settles the finished jobs a worker holds back (Worker::held_counter).
void release_held(State& s, Worker& w) {
  if (!w.held_counter) return;
  const std::int64_t n = std::exchange(w.held, 0);
  settle(s, *std::exchange(w.held_counter, nullptr), n);
  // The finish count comes after the counter, as in finish(): when wait_idle() sees these jobs
  // finished, their counter is already settled. (A wait_idle() that slept meanwhile is woken
  // when this worker runs out of work, after this store.)
  bump_release(w.finished, static_cast<std::uint64_t>(n));
}

void finish(State& s, Job* job, std::uint32_t index) {
  Counter* counter = job->counter;
  switch (job->storage) {
    case JobStorage::Heap:
      detail::free_heap_job(job, job->heap_align);
      break;
    case JobStorage::Pooled:
      if (index == kHelper) {
        s.block_caches.give_back(job->cache, job);
      } else {
        s.workers[index]->block_returns.add(job->cache, job);  // batched
      }
      break;
    case JobStorage::Frame: {
      JobArena& arena = s.workers[job->arena]->arena;
      if (index == kHelper) {
        arena.release_one();
      } else {
        arena.release_one(index);  // this worker's own slot: no atomic read-modify-write
      }
      break;
    }
  }
  // The arena release comes first: whoever sees no outstanding job may reset arenas.
  if (counter && index != kHelper && !s.track_load) {
    Worker& w = *s.workers[index];
    if (w.held_counter != counter) {
      release_held(s, w);
      w.held_counter = counter;
    }
    ++w.held;  // counted in `finished` when released
    return;
  }
  if (counter) settle(s, *counter, 1);  // before the finish count, as release_held() does
  bool notify = false;
  if (s.track_load) {
    if (s.outstanding.fetch_sub(1, std::memory_order_seq_cst) == 1) notify = true;
  } else if (index == kHelper) {
    // In the helper's own cache: help_wait() wakes wait_idle() when it runs out of work or
    // returns, as a worker does when it runs out of work.
    if (detail::JobBlockCache* mine = s.block_caches.cached_for_this_thread()) {
      mine->count_helped();
    } else {
      s.external_finished.fetch_add(1, std::memory_order_seq_cst);
      notify = true;
    }
  } else {
    bump_release(s.workers[index]->finished);  // a worker wakes wait_idle() when it goes idle
  }
  if (notify) notify_completion(s);
}

// The worker (or kHelper) the calling thread is, read through the non-inlined accessor.
std::uint32_t current_index(const JobSystem& system) noexcept {
  detail::WorkerSlot* slot = detail::current_worker();
  return slot && slot->system == &system ? slot->index : kHelper;
}

void execute(JobSystem& system, State& s, Job* job, std::uint32_t index) {
  if (job->priority == Priority::High) s.queued_high.fetch_sub(1, std::memory_order_relaxed);
  // A job of another counter may wait for the held one (even by polling it): settle first.
  if (index != kHelper) {
    Worker& w = *s.workers[index];
    if (w.held_counter && w.held_counter != job->counter) release_held(s, w);
  }
  Context ctx(system, index == kHelper ? Context::kNotAWorker : index);
  // Workers mark themselves as running this system's jobs once, at start; only helpers
  // (which never switch fibers) set and restore the mark around each job.
  const JobSystem* outer = index == kHelper ? std::exchange(t_running, &system) : nullptr;
  try {
    job->run(job, &ctx);
  } catch (...) {
    on_exception(s, std::current_exception(), current_index(system));
  }
  if (index == kHelper) {
    t_running = outer;
  } else {
    index = current_index(system);  // the job may have waited and resumed on another worker
  }
  if (index != kHelper) bump(s.workers[index]->executed);  // helpers: counted in finish()
  finish(s, job, index);
}

// A spinning (searching) tier-1 worker will find the new job or see it in its re-check before
// parking, so a sleeper is woken only when nobody searches: most spawns make no system call.
// `fenced`: the push was a seq_cst read-modify-write, which orders it before the seq_cst loads
// below just as the fence would (C++20 [atomics.order]: the sleeper's fence-then-check pairs
// with it either way).
void wake_workers(State& s, std::size_t load, bool fenced) {
  if (!fenced) detail::full_fence();
  if (s.searching.load(std::memory_order_seq_cst) == 0) s.parkers[1].notify_one_if_sleeping();
  if (!s.track_load) return;
  if (load > s.plan.thresholds.tier2) s.parkers[2].notify_one_if_sleeping();
  if (load > s.plan.thresholds.tier3) s.parkers[3].notify_one_if_sleeping();
}

void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  (void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

Worker& this_worker(State& s) noexcept {
  return *s.workers[detail::current_worker()->index];
}

// ---- Fibers -------------------------------------------------------------------------------

void fiber_main(void* arg);

Fiber::Fiber(JobSystem::State& s, std::size_t stack_bytes) : stack(stack_bytes), state(&s) {
  detail::init_fiber_context(ctx, stack, &fiber_main, this);
}

// A fiber from this worker's pool, or a new one; nullptr when no stack can be mapped.
Fiber* take_spare_fiber(State& s, Worker& w) noexcept {
  if (!w.idle_fibers.empty()) {
    Fiber* f = w.idle_fibers.back();
    w.idle_fibers.pop_back();
    return f;
  }
  try {
    auto f = std::make_unique<Fiber>(s, s.fiber_stack_bytes);
    std::lock_guard lock(s.fibers_mutex);
    s.all_fibers.push_back(std::move(f));
    return s.all_fibers.back().get();
  } catch (...) {
    return nullptr;
  }
}

// Hands control to the scheduler of the worker this fiber is running on now. Returns when a
// scheduler — possibly another worker's — switches back to it.
[[gnu::noinline]] void switch_to_scheduler(State& s, Fiber* self, FiberAction action, Fiber* next) {
  Worker& w = this_worker(s);
  self->action = action;
  self->next = next;
  detail::switch_context(self->ctx, w.scheduler);
}

Fiber* take_ready_from(State& s, Worker& v, std::uint32_t taker) {
  std::lock_guard lock(v.waiting_lock);
  for (std::size_t i = 0; i < v.waiting.size(); ++i) {
    Fiber* f = v.waiting[i];
    if (f->waiting_on->value() != 0) continue;
    v.waiting[i] = v.waiting.back();
    v.waiting.pop_back();
    v.waiting_count.store(static_cast<std::uint32_t>(v.waiting.size()), std::memory_order_relaxed);
    s.suspended.fetch_sub(1, std::memory_order_relaxed);
    if (f->suspended_on != taker) bump(s.workers[taker]->migrations);
    return f;
  }
  return nullptr;
}

// A suspended fiber whose counter is zero: this worker's own first, other workers' when asked.
Fiber* claim_ready(State& s, Worker& w, bool scan_others) {
  const std::uint64_t epoch = s.ready_epoch.load(std::memory_order_seq_cst);
  if (epoch == (scan_others ? w.seen_ready_all : w.seen_ready_own)) return nullptr;  // nothing new
  const std::uint32_t self = w.slot.index;
  if (w.waiting_count.load(std::memory_order_relaxed) != 0)
    if (Fiber* f = take_ready_from(s, w, self)) return f;  // epochs unchanged: there may be more
  w.seen_ready_own = epoch;
  if (!scan_others) return nullptr;
  if (s.suspended.load(std::memory_order_relaxed) != 0)
    for (auto& v : s.workers)
      if (v.get() != &w && v->waiting_count.load(std::memory_order_relaxed) != 0)
        if (Fiber* f = take_ready_from(s, *v, self)) return f;
  w.seen_ready_all = epoch;
  return nullptr;
}

bool any_ready_fiber(State& s) {
  if (s.suspended.load(std::memory_order_seq_cst) == 0) return false;
  for (auto& v : s.workers) {
    std::lock_guard lock(v->waiting_lock);
    for (Fiber* f : v->waiting)
      if (f->waiting_on->value() == 0) return true;
  }
  return false;
}

// Suspends the running fiber until `counter` is zero; this worker continues on a spare fiber.
// False (nothing suspended) when no spare fiber can be had. Never uses a thread-local address
// from before the switch afterwards: the fiber may be resumed by another worker.
[[gnu::noinline]] bool fiber_wait(State& s, Counter& counter) {
  Worker& w = this_worker(s);
  Fiber* self = w.current;
  Fiber* spare = take_spare_fiber(s, w);
  if (!spare) return false;
  self->waiting_on = &counter;
  self->suspended_on = w.slot.index;
  bump(w.suspensions);
  switch_to_scheduler(s, self, FiberAction::Suspend, spare);
  // Resumed. The TLS rule: the worker context is fetched again, never reused from above.
  [[maybe_unused]] detail::WorkerSlot* now = detail::current_worker();
  assert(now && now->index == self->resumed_on && s.workers[now->index]->current == self &&
         "a resumed fiber must see the context of the worker that resumed it");
  self->waiting_on = nullptr;
  return true;
}

// ---- The worker loop (on a fiber, or on the thread's stack when fibers are off) ------------

void run_loop(JobSystem& system, State& s) {
  unsigned idle = 0;
  bool searching = false;
  auto stop_searching = [&] {
    searching = false;
    return s.searching.fetch_sub(1, std::memory_order_seq_cst) == 1;
  };
  for (;;) {
    // Fetched again every round: with fibers, this loop may continue on another worker
    // after a job it ran was suspended and resumed elsewhere.
    Worker& w = this_worker(s);
    const int tier = w.placement.tier;
    auto may_run = [&] { return tier == 1 || current_load(s) > w.threshold || w.has_local(); };
    if (s.fibers) {
      if (Fiber* ready = claim_ready(s, w, idle != 0)) {
        if (searching && stop_searching()) s.parkers[1].notify_one_if_sleeping();
        switch_to_scheduler(s, w.current, FiberAction::YieldTo, ready);
        idle = 0;
        continue;
      }
    }
    if (may_run()) {
      if (Job* job = find_job(s, w.slot.index)) {
        // The last searcher found work: there may be more, so get another worker looking.
        if (searching && stop_searching()) s.parkers[1].notify_one_if_sleeping();
        execute(system, s, job, w.slot.index);
        idle = 0;
        continue;
      }
    }
    if (idle == 0) {            // just ran out of work
      release_held(s, w);       // a waiter may be waiting for exactly these
      w.block_returns.flush();  // the spawning threads may be waiting for their blocks
      if (!s.track_load) {      // maybe the last job finished
        detail::full_fence();
        s.completion.notify_all_if_sleeping();
      }
    }
    if (s.stop.load(std::memory_order_acquire)) break;
    if (tier == 1 && !searching) {
      searching = true;
      s.searching.fetch_add(1, std::memory_order_seq_cst);
    }
    if (++idle < kSpinsBeforePark) {
      back_off(idle);
      continue;
    }
    if (searching) stop_searching();
    s.parkers[static_cast<std::size_t>(tier)].park_unless([&] {
      return s.stop.load(std::memory_order_acquire) || (may_run() && any_queued(s)) ||
             (s.fibers && any_ready_fiber(s));
    });
    idle = 0;
    if (tier == 1) {  // a woken worker counts as searching: if it finds work, it wakes the next
      searching = true;
      s.searching.fetch_add(1, std::memory_order_seq_cst);
    }
  }
  if (searching) stop_searching();
  release_held(s, this_worker(s));
  this_worker(s).block_returns.flush();
}

void fiber_main(void* arg) {
  auto* self = static_cast<Fiber*>(arg);
  detail::fiber_started(self->ctx);
  State& s = *self->state;
  run_loop(*s.system, s);
  self->action = FiberAction::Exit;
  detail::exit_context(self->ctx, this_worker(s).scheduler);
}

// Runs on the worker thread's own stack: switches to a fiber and, when it switches back, does
// what it asked. Publishing a suspended fiber happens here, after its stack is no longer in
// use, so another worker can never resume a fiber that is still running.
void run_scheduler(State& s, Worker& w) {
  detail::init_thread_context(w.scheduler);
  Fiber* next = w.idle_fibers.back();
  w.idle_fibers.pop_back();
  auto run = [&](Fiber* f) {
    f->resumed_on = w.slot.index;
    f->action = FiberAction::None;
    w.current = f;
    detail::switch_context(w.scheduler, f->ctx);
    return w.current;
  };
  for (;;) {
    Fiber* f = run(next);
    switch (f->action) {
      case FiberAction::Suspend: {
        next = f->next;
        {
          // Under the lock nobody can resume `f`, so its counter is still alive to be read.
          std::lock_guard lock(w.waiting_lock);
          w.waiting.push_back(f);
          w.waiting_count.store(static_cast<std::uint32_t>(w.waiting.size()), std::memory_order_relaxed);
          s.suspended.fetch_add(1, std::memory_order_seq_cst);
          // The counter may have reached zero before the fiber was listed, when its finisher
          // saw no suspended fiber and bumped no epoch: then bump it here. (Either this read
          // sees zero or the finisher sees `suspended` non-zero.)
          if (f->waiting_on->value() == 0) s.ready_epoch.fetch_add(1, std::memory_order_seq_cst);
        }
        break;
      }
      case FiberAction::YieldTo:
        w.idle_fibers.push_back(f);
        next = f->next;
        break;
      case FiberAction::Exit:
        // Stopping: every pooled fiber of this worker leaves its loop and exits too.
        while (!w.idle_fibers.empty()) {
          Fiber* g = w.idle_fibers.back();
          w.idle_fibers.pop_back();
          run(g);
        }
        w.current = nullptr;
        return;
      case FiberAction::None:
        std::terminate();  // a fiber switched back without saying why
    }
  }
}

void worker_main(JobSystem& system, State& s, Worker& w, bool pin) {
  t_worker = &w.slot;
  t_running = &system;  // a worker only ever runs this system's jobs
  if (pin && w.placement.cpu >= 0) pin_to(w.placement.cpu);
  if (s.fibers) {
    run_scheduler(s, w);
  } else {
    run_loop(system, s);
  }
  t_running = nullptr;
  t_worker = nullptr;
}

}  // namespace

JobSystem::JobSystem(JobSystemConfig config)
    : state_(std::make_unique<State>()), frame_jobs_(config.frame_jobs), pooled_jobs_(config.pooled_jobs) {
  State& s = *state_;
  s.sink = config.sink ? config.sink : std::make_shared<StderrSink>();
  s.system = this;
  s.fibers = config.fibers;
  s.fiber_stack_bytes = config.fiber_stack_bytes;
  const std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
  if (config.strategy == Strategy::None) {
    s.plan = plan_workers(flat_topology(hw), Strategy::None, config.workers ? config.workers : hw);
  } else {
    CpuTopology topo;
    if (config.topology) {
      topo = *config.topology;
    } else {
      try {
        topo = read_topology(config.sysfs_root);
      } catch (const TopologyError&) {
        topo = flat_topology(hw);  // no sysfs (containers, other OSes): every CPU is a core
      }
    }
    s.plan = plan_workers(topo, config.strategy, config.workers);
  }
  if (config.thresholds) s.plan.thresholds = *config.thresholds;
  for (const auto& placement : s.plan.workers)
    if (placement.tier > 1) s.track_load = true;

  for (std::size_t i = 0; i < s.plan.workers.size(); ++i) {
    auto w = std::make_unique<Worker>(config.frame_arena_bytes, s.plan.workers.size());
    w->slot = {this, static_cast<std::uint32_t>(i), &w->arena};
    w->placement = s.plan.workers[i];
    w->threshold = w->placement.tier == 2   ? s.plan.thresholds.tier2
                   : w->placement.tier == 3 ? s.plan.thresholds.tier3
                                            : 0;
    w->victim = static_cast<std::uint32_t>(i + 1);
    if (s.fibers) {  // the first fiber of each worker; more are made when jobs suspend
      s.all_fibers.push_back(std::make_unique<Fiber>(s, s.fiber_stack_bytes));
      w->idle_fibers.push_back(s.all_fibers.back().get());
    }
    s.workers.push_back(std::move(w));
  }
  try {
    for (auto& w : s.workers)
      w->thread = std::thread(worker_main, std::ref(*this), std::ref(s), std::ref(*w), config.pin_threads);
  } catch (...) {
    s.stop.store(true);
    for (auto& p : s.parkers) p.notify_all();
    for (auto& w : s.workers)
      if (w->thread.joinable()) w->thread.join();
    throw;
  }
}

JobSystem::~JobSystem() {
  State& s = *state_;
  wait_idle();
  s.stop.store(true, std::memory_order_release);
  for (auto& p : s.parkers) p.notify_all();
  for (auto& w : s.workers) w->thread.join();
  // Every worker handed its pooled blocks back when it stopped.
  assert(s.block_caches.totals().in_use == 0 && "a pooled job block was not handed back");
}

void* JobSystem::take_pooled_block(detail::JobBlockCache*& cache) {
  cache = state_->block_caches.for_this_thread();
  return cache ? cache->take() : nullptr;
}

void JobSystem::cancel_pooled_block(detail::JobBlockCache* cache, void* block) noexcept {
  cache->cancel_take(block);  // make_job runs on the thread that owns the cache
}

void detail::free_heap_job(void* mem, std::uint16_t align) noexcept {
  if (align) {
    ::operator delete (mem, std::align_val_t{align});
  } else {
    ::operator delete(mem);
  }
}

void JobSystem::submit(Job* job, detail::WorkerSlot* slot) {
  State& s = *state_;
  const bool on_worker = slot != nullptr;
  if (on_worker) {
    Worker& w = *s.workers[slot->index];
    bump(job->storage == JobStorage::Frame ? w.frame_jobs : w.heap_jobs);
  } else if (job->storage == JobStorage::Heap) {
    s.helper_heap_jobs.fetch_add(1, std::memory_order_relaxed);
  }  // a pooled job is counted by its cache; a non-worker never spawns into a frame arena
  const auto p = static_cast<std::size_t>(job->priority);
  if (job->priority == Priority::High) s.queued_high.fetch_add(1, std::memory_order_relaxed);
  std::int64_t load = 0;
  if (s.track_load) {
    load = s.outstanding.fetch_add(1, std::memory_order_relaxed) + 1;
  } else if (on_worker) {
    bump(s.workers[slot->index]->spawned);  // published by the deque push below
  }                                         // a non-worker's spawn is counted by the injector's push count
  bool fenced = false;
  if (on_worker) {
    // Only a push onto an empty deque looks for a worker to wake. The push that made the deque
    // non-empty did, so a worker is awake (or searching, or will see this deque non-empty in
    // its re-check before sleeping, and then take these jobs too); and the spawning worker runs
    // its own jobs anyway. This saves a full fence per spawn in bursts. Tier-2/3 workers wake
    // on load thresholds, so that plan keeps checking on every spawn.
    const bool was_empty = s.workers[slot->index]->deques[p].push(job);
    if (!was_empty && !s.track_load) return;
  } else {
    fenced = s.injectors[p].push(job);
  }
  wake_workers(s, static_cast<std::size_t>(load), fenced);
}

namespace {
// Runs other jobs on top of the caller's stack until `counter` is zero: helper threads, and
// workers when fibers are off (or a fiber stack could not be mapped).
void help_wait(JobSystem& system, State& s, Counter& counter, std::uint32_t index) {
  const bool on_worker = index != kHelper;
  const bool shallow = t_wait_depth < kMaxHelpDepth;
  if (!on_worker) s.block_caches.for_this_thread();  // where finish() counts the jobs it helps with
  // A helper's finished jobs are published without a fence: before it sleeps or returns, it
  // fences and wakes wait_idle() in case one of them was the last job.
  struct Depth {
    State& s;
    bool helper;
    bool ran = false;
    explicit Depth(State& st, bool h) noexcept : s(st), helper(h) { ++t_wait_depth; }
    ~Depth() {
      --t_wait_depth;
      if (helper && ran) {
        detail::full_fence();
        notify_completion(s);
      }
    }
  } depth(s, !on_worker);
  unsigned idle = 0;
  while (counter.value() != 0) {
    if (Job* job = shallow ? find_job(s, index) : pop_local(s, index)) {
      execute(system, s, job, index);
      depth.ran = true;
      idle = 0;
      continue;
    }
    if (idle == 0 && on_worker) release_held(s, *s.workers[index]);  // maybe `counter` itself
    if (idle == 0 && depth.ran && !on_worker) {                      // just ran out of work
      detail::full_fence();
      notify_completion(s);
    }
    if (++idle < kSpinsBeforePark) {
      back_off(idle);
    } else if (on_worker) {
      std::this_thread::yield();  // a worker never blocks: its deque may hold what others wait for
    } else {
      s.completion.park_unless([&] { return counter.value() == 0; });
      idle = 0;
    }
  }
}
}  // namespace

void JobSystem::wait(Counter& counter) {
  State& s = *state_;
  if (counter.value() == 0) return;
  const std::uint32_t index = current_index(*this);
  if (index != kHelper && s.fibers) {
    Fiber* self = s.workers[index]->current;
    if (self->pinned == 0 && fiber_wait(s, counter)) return;
    // No spare fiber: help on this stack, and keep this fiber on this worker meanwhile
    // (nested waits help too), so the thread-local wait depth stays with its thread.
    ++self->pinned;
    struct Unpin {
      Fiber* f;
      ~Unpin() { --f->pinned; }
    } unpin{self};
    help_wait(*this, s, counter, index);
    return;
  }
  help_wait(*this, s, counter, index);
}

void JobSystem::wait_idle() {
  State& s = *state_;
  if (t_running == this)
    throw std::logic_error(
        "fa::jobs::JobSystem::wait_idle called from inside a job: it would wait for itself");
  // Does not run jobs here: at the frame sync the workers run the frame's jobs, so the jobs
  // those spawn land in worker frame arenas instead of on the heap.
  unsigned idle = 0;
  while (outstanding_jobs(s) != 0) {
    if (++idle < kSpinsBeforePark) {
      back_off(idle);
    } else {
      s.completion.park_unless([&] { return outstanding_jobs(s) == 0; });
      idle = 0;
    }
  }
}

void JobSystem::end_frame() {
  State& s = *state_;
  if (t_running == this) {
    detail::WorkerSlot* slot = detail::current_worker();
    const std::string where = slot && slot->system == this ? "worker " + std::to_string(slot->index)
                                                           : std::string("a thread helping inside wait()");
    Diagnostic d = make_diagnostic(
        Code::FA206, "JobSystem::end_frame() called from inside a job; the frame was not ended",
        {"called on " + where + "; the frame sync waits for every job, including this one"},
        s.generation.load(std::memory_order_relaxed));
    s.sink->report(d);
    if (strict_mode_panics_on(d.severity)) throw StrictModeError(std::move(d));
    return;
  }
  wait_idle();
  reset_frame_arenas();
}

bool JobSystem::reset_frame_arenas() {
  State& s = *state_;
  const std::int64_t outstanding = outstanding_jobs(s);
  std::int64_t frame_live = 0;
  for (const auto& w : s.workers) frame_live += w->arena.live_jobs();
  if (outstanding != 0 || frame_live != 0) {
    const std::uint64_t gen = s.generation.load(std::memory_order_relaxed);
    Diagnostic d = make_diagnostic(
        Code::FA005,
        "job frame arenas reset while " + std::to_string(outstanding) + " job(s) are queued or running (" +
            std::to_string(frame_live) + " stored in frame arenas); the reset was refused",
        {"frame generation " + std::to_string(gen) + " is still in use; its arenas stay valid"}, gen);
    s.sink->report(d);
    if (strict_mode_panics_on(d.severity)) throw StrictModeError(std::move(d));
    return false;
  }
  for (auto& w : s.workers) w->arena.reset();
  s.generation.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

std::uint64_t JobSystem::frame_generation() const noexcept {
  return state_->generation.load(std::memory_order_acquire);
}
std::size_t JobSystem::current_worker_index() const noexcept {
  const std::uint32_t index = current_index(*this);
  return index == kHelper ? Context::kNotAWorker : index;
}
std::size_t JobSystem::worker_count() const noexcept {
  return state_->workers.size();
}
const WorkerPlan& JobSystem::plan() const noexcept {
  return state_->plan;
}
std::size_t JobSystem::load() const noexcept {
  return current_load(*state_);
}

const JobArena& JobSystem::arena(std::size_t worker) const {
  if (worker >= state_->workers.size())
    throw std::out_of_range("fa::jobs::JobSystem::arena: worker " + std::to_string(worker) + " of " +
                            std::to_string(state_->workers.size()));
  return state_->workers[worker]->arena;
}

JobStats JobSystem::stats() const {
  const State& s = *state_;
  JobStats st;
  st.heap_jobs = s.helper_heap_jobs.load(std::memory_order_relaxed);
  const detail::JobBlockCache::Counts pool = s.block_caches.totals();
  st.pooled_jobs = pool.taken;
  st.pool_blocks = pool.blocks;
  st.pool_blocks_in_use = pool.in_use;
  st.pool_caches = s.block_caches.cache_count();
  st.exceptions = s.exceptions.load(std::memory_order_relaxed);
  st.executed_by_helpers =
      s.external_finished.load(std::memory_order_relaxed) + s.block_caches.helped_total();
  for (const auto& w : s.workers) {
    st.frame_jobs += w->frame_jobs.load(std::memory_order_relaxed);
    st.heap_jobs += w->heap_jobs.load(std::memory_order_relaxed);
    st.executed_by_worker.push_back(w->executed.load(std::memory_order_relaxed));
    st.fiber_suspensions += w->suspensions.load(std::memory_order_relaxed);
    st.fiber_migrations += w->migrations.load(std::memory_order_relaxed);
  }
  {
    std::lock_guard lock(state_->fibers_mutex);
    st.fibers = s.all_fibers.size();
  }
  return st;
}

std::vector<std::exception_ptr> JobSystem::take_exceptions() {
  std::lock_guard lock(state_->exceptions_mutex);
  return std::exchange(state_->exception_list, {});
}

}  // namespace fa::jobs
