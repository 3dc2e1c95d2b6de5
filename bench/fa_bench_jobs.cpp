// fa::jobs next to oneTBB (tbb::task_group / tbb::parallel_for) in one process, plus our own
// frame-allocated vs heap-allocated jobs. Both schedulers use every hardware thread. At the
// end the program prints TBB time / fa time (and heap / frame) for each pair: > 1 means fa
// is faster.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>
#include <ucontext.h>

#include <boost/context/fiber.hpp>

#include <framealloc/jobs/job_system.hpp>

#include "fiber_context.hpp"  // runtime/src/jobs: the job system's own fiber switch

namespace fj = fa::jobs;

namespace {

constexpr int kEmptyJobs = 10000;
constexpr int kFibN = 30;
constexpr int kFibCutoff = 16;
constexpr std::size_t kForItems = 1000000;
constexpr std::size_t kForGrain = 2048;
constexpr int kSkynetLeaves = 1000000;

fj::JobSystem& fa_system() {
  static fj::JobSystem jobs([] {
    fj::JobSystemConfig c;
    c.frame_arena_bytes = std::size_t{8} << 20;
    if (const char* w = std::getenv("FA_BENCH_WORKERS")) c.workers = std::strtoul(w, nullptr, 10);
    return c;
  }());
  return jobs;
}
fj::JobSystem& fa_heap_system() {
  static fj::JobSystem jobs([] {
    fj::JobSystemConfig c;
    c.frame_jobs = false;
    if (const char* w = std::getenv("FA_BENCH_WORKERS")) c.workers = std::strtoul(w, nullptr, 10);
    return c;
  }());
  return jobs;
}
// One worker: the same spawns with no thief, so the time is the jobs' own cost (storage,
// queueing, running) without the cross-CPU traffic of stealing, which both storages share.
fj::JobSystem& fa_one_worker_system(bool frame_jobs) {
  auto make = [](bool frame) {
    fj::JobSystemConfig c;
    c.workers = 1;
    c.frame_jobs = frame;
    c.frame_arena_bytes = std::size_t{8} << 20;
    return c;
  };
  static fj::JobSystem frame(make(true));
  static fj::JobSystem heap(make(false));
  return frame_jobs ? frame : heap;
}

std::uint64_t fib_serial(int n) {
  return n < 2 ? static_cast<std::uint64_t>(n) : fib_serial(n - 1) + fib_serial(n - 2);
}

// ---- empty jobs: spawn + run throughput ----
void BM_EmptyJobs_FA(benchmark::State& state) {
  auto& jobs = fa_system();
  for (auto _ : state) {
    fj::Counter c;
    for (int i = 0; i < kEmptyJobs; ++i) jobs.spawn(c, [] {});
    jobs.wait(c);
  }
  jobs.end_frame();
  state.SetItemsProcessed(state.iterations() * kEmptyJobs);
}
void BM_EmptyJobs_TBB(benchmark::State& state) {
  for (auto _ : state) {
    tbb::task_group g;
    for (int i = 0; i < kEmptyJobs; ++i) g.run([] {});
    g.wait();
  }
  state.SetItemsProcessed(state.iterations() * kEmptyJobs);
}

// ---- fib(30) with a serial cutoff ----
std::uint64_t fib_fa(fj::JobSystem& jobs, int n) {
  if (n < kFibCutoff) return fib_serial(n);
  std::uint64_t a = 0;
  fj::Counter c;
  jobs.spawn(c, [&] { a = fib_fa(jobs, n - 1); });
  const std::uint64_t b = fib_fa(jobs, n - 2);
  jobs.wait(c);
  return a + b;
}
std::uint64_t fib_tbb(int n) {
  if (n < kFibCutoff) return fib_serial(n);
  std::uint64_t a = 0, b = 0;
  tbb::task_group g;
  g.run([&] { a = fib_tbb(n - 1); });
  b = fib_tbb(n - 2);
  g.wait();
  return a + b;
}
void BM_Fib30_FA(benchmark::State& state) {
  auto& jobs = fa_system();
  for (auto _ : state) {
    std::uint64_t r = 0;
    fj::Counter c;
    jobs.spawn(c, [&] { r = fib_fa(jobs, kFibN); });  // the recursion runs on workers (frame jobs)
    jobs.wait(c);
    if (r != 832040u) state.SkipWithError("wrong fib");
    jobs.end_frame();
  }
}
void BM_Fib30_TBB(benchmark::State& state) {
  for (auto _ : state)
    if (fib_tbb(kFibN) != 832040u) state.SkipWithError("wrong fib");
}

// ---- parallel_for over 10^6 tiny items ----
std::vector<float> g_items(kForItems, 1.0f);
void BM_ParallelFor_FA(benchmark::State& state) {
  auto& jobs = fa_system();
  for (auto _ : state) {
    jobs.parallel_for(0, kForItems, kForGrain,
                      [](std::size_t i) { g_items[i] = g_items[i] * 1.0001f + 0.5f; });
    jobs.end_frame();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kForItems));
}
void BM_ParallelFor_TBB(benchmark::State& state) {
  for (auto _ : state)
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, kForItems, kForGrain),
        [](const tbb::blocked_range<std::size_t>& r) {
          for (std::size_t i = r.begin(); i != r.end(); ++i) g_items[i] = g_items[i] * 1.0001f + 0.5f;
        },
        tbb::simple_partitioner{});
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kForItems));
}

// ---- skynet: a 10-ary tree of jobs with 10^6 leaves, each returning its number ----
std::uint64_t skynet_fa(fj::JobSystem& jobs, std::uint64_t num, std::uint64_t size) {
  if (size == 1) return num;
  std::uint64_t parts[10];
  fj::Counter c;
  const std::uint64_t sub = size / 10;
  for (std::uint64_t i = 0; i < 10; ++i)
    jobs.spawn(c, [&jobs, &parts, i, num, sub] { parts[i] = skynet_fa(jobs, num + i * sub, sub); });
  jobs.wait(c);
  std::uint64_t sum = 0;
  for (auto p : parts) sum += p;
  return sum;
}
std::uint64_t skynet_tbb(std::uint64_t num, std::uint64_t size) {
  if (size == 1) return num;
  std::uint64_t parts[10];
  tbb::task_group g;
  const std::uint64_t sub = size / 10;
  for (std::uint64_t i = 0; i < 10; ++i)
    g.run([&parts, i, num, sub] { parts[i] = skynet_tbb(num + i * sub, sub); });
  g.wait();
  std::uint64_t sum = 0;
  for (auto p : parts) sum += p;
  return sum;
}
constexpr std::uint64_t kSkynetSum = std::uint64_t{kSkynetLeaves} * (kSkynetLeaves - 1) / 2;
void BM_Skynet_FA(benchmark::State& state) {
  auto& jobs = fa_system();
  for (auto _ : state) {
    std::uint64_t r = 0;
    fj::Counter c;
    jobs.spawn(c, [&] { r = skynet_fa(jobs, 0, kSkynetLeaves); });
    jobs.wait(c);
    if (r != kSkynetSum) state.SkipWithError("wrong skynet sum");
    jobs.end_frame();
  }
}
void BM_Skynet_TBB(benchmark::State& state) {
  for (auto _ : state)
    if (skynet_tbb(0, kSkynetLeaves) != kSkynetSum) state.SkipWithError("wrong skynet sum");
}

// ---- frame-allocated vs heap-allocated jobs in our system (same work, spawned on a worker) ----
// The main thread waits without helping: JobSystem::wait() would let it take the root job
// itself, and the children of a job run by a non-worker are heap jobs in both systems, which
// made the frame case measure heap jobs in some runs.
void wait_without_helping(const fj::Counter& c) {
  while (!c.is_zero()) std::this_thread::yield();
}
void spawn_children(fj::JobSystem& jobs, benchmark::State& state) {
  std::uint64_t not_on_worker = 0;
  for (auto _ : state) {
    fj::Counter root;
    jobs.spawn(root, [&jobs, &not_on_worker](fj::Context& ctx) {
      if (!ctx.on_worker()) ++not_on_worker;
      fj::Counter c;
      for (int i = 0; i < kEmptyJobs; ++i) ctx.spawn(c, [] {});
      ctx.wait(c);
    });
    wait_without_helping(root);
    jobs.end_frame();
  }
  if (not_on_worker != 0) state.SkipWithError("the root job ran on a non-worker thread");
  state.SetItemsProcessed(state.iterations() * kEmptyJobs);
}
void BM_WorkerSpawn_Frame(benchmark::State& state) {
  spawn_children(fa_system(), state);
}
void BM_WorkerSpawn_Heap(benchmark::State& state) {
  spawn_children(fa_heap_system(), state);
}
void BM_WorkerSpawn1_Frame(benchmark::State& state) {
  spawn_children(fa_one_worker_system(true), state);
}
void BM_WorkerSpawn1_Heap(benchmark::State& state) {
  spawn_children(fa_one_worker_system(false), state);
}

// ---- fiber switch cost: one round trip (switch to a fiber and back) per item ----
constexpr int kSwitches = 100000;

struct PingPong {
  fa::jobs::detail::FiberContext main, fiber;
};
void ping_pong_entry(void* arg) {
  auto* pp = static_cast<PingPong*>(arg);
  fa::jobs::detail::fiber_started(pp->fiber);
  for (;;) fa::jobs::detail::switch_context(pp->fiber, pp->main);
}
void BM_FiberSwitch_FA(benchmark::State& state) {
  fa::jobs::detail::FiberStack stack(64 * 1024);
  PingPong pp;
  fa::jobs::detail::init_thread_context(pp.main);
  fa::jobs::detail::init_fiber_context(pp.fiber, stack, &ping_pong_entry, &pp);
  for (auto _ : state)
    for (int i = 0; i < kSwitches; ++i) fa::jobs::detail::switch_context(pp.main, pp.fiber);
  state.SetItemsProcessed(state.iterations() * kSwitches);
}  // the fiber stays suspended in its loop; its stack is unmapped here

void BM_FiberSwitch_Boost(benchmark::State& state) {
  namespace bc = boost::context;
  bc::fiber f{[](bc::fiber&& back) {
    for (;;) back = std::move(back).resume();
    return std::move(back);
  }};
  for (auto _ : state)
    for (int i = 0; i < kSwitches; ++i) f = std::move(f).resume();
  state.SetItemsProcessed(state.iterations() * kSwitches);
}

ucontext_t g_uc_main, g_uc_fiber;
void swap_entry() {
  for (;;) swapcontext(&g_uc_fiber, &g_uc_main);
}
void BM_FiberSwitch_Swapcontext(benchmark::State& state) {
  fa::jobs::detail::FiberStack stack(64 * 1024);
  getcontext(&g_uc_fiber);
  g_uc_fiber.uc_stack.ss_sp = stack.low();
  g_uc_fiber.uc_stack.ss_size = stack.size();
  g_uc_fiber.uc_link = nullptr;
  makecontext(&g_uc_fiber, &swap_entry, 0);
  for (auto _ : state)
    for (int i = 0; i < kSwitches; ++i) swapcontext(&g_uc_main, &g_uc_fiber);
  state.SetItemsProcessed(state.iterations() * kSwitches);
}

// Collects the real time of each benchmark so the ratios can be printed at the end: the
// median when the run has repetitions (--benchmark_repetitions), else the single run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if (median) {
        medians_[r.run_name.str()] = r.GetAdjustedRealTime();
      } else if (r.run_type == Run::RT_Iteration) {
        times_[r.run_name.str()] = r.GetAdjustedRealTime();
      }
    }
  }
  void print_ratios() const {
    std::printf("\nratio (peer time / fa time, medians when repeated; > 1 means fa is faster)\n");
    for (const char* name : {"EmptyJobs", "Fib30", "ParallelFor", "Skynet"})
      ratio(name, "BM_" + std::string(name) + "_TBB", "BM_" + std::string(name) + "_FA", "TBB");
    ratio("WorkerSpawn", "BM_WorkerSpawn_Heap", "BM_WorkerSpawn_Frame", "heap jobs");
    ratio("WorkerSpawn1", "BM_WorkerSpawn1_Heap", "BM_WorkerSpawn1_Frame", "heap jobs");
    ratio("FiberSwitch", "BM_FiberSwitch_Boost", "BM_FiberSwitch_FA", "Boost.Ctx");
    ratio("FiberSwitch", "BM_FiberSwitch_Swapcontext", "BM_FiberSwitch_FA", "swapcontext");
  }

 private:
  void ratio(const char* what, const std::string& peer, const std::string& ours,
             const char* peer_name) const {
    const auto p = find(peer), o = find(ours);
    if (p > 0 && o > 0) std::printf("  %-12s %-10s / fa: %.2fx\n", what, peer_name, p / o);
  }
  double find(const std::string& prefix) const {
    for (const auto* table : {&medians_, &times_})
      for (const auto& [name, t] : *table)
        if (name.rfind(prefix, 0) == 0) return t;
    return 0;
  }
  std::map<std::string, double> medians_, times_;
};

}  // namespace

BENCHMARK(BM_EmptyJobs_FA)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EmptyJobs_TBB)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Fib30_FA)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fib30_TBB)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParallelFor_FA)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ParallelFor_TBB)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Skynet_FA)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Skynet_TBB)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WorkerSpawn_Frame)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WorkerSpawn_Heap)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WorkerSpawn1_Frame)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WorkerSpawn1_Heap)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FiberSwitch_FA)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FiberSwitch_Boost)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FiberSwitch_Swapcontext)->UseRealTime()->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
