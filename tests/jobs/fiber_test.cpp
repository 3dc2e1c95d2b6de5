// Fibers: a job that waits on a counter is suspended and its worker runs other jobs; a
// suspended job may be resumed by another worker and then sees that worker's context.
// Run with 8 workers so 2-core machines oversubscribe (label "threaded": dev, ASan, TSan).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include <framealloc/jobs/job_system.hpp>

namespace fj = fa::jobs;

namespace {

fj::JobSystemConfig config(std::size_t workers, bool fibers = true) {
  fj::JobSystemConfig c;
  c.workers = workers;
  c.fibers = fibers;
  c.fiber_stack_bytes = 64 * 1024;
  c.sink = std::make_shared<fa::CollectingSink>();
  return c;
}

// Each level spawns the next and waits for it; records how deep it got and checks that the
// child finished before the parent's wait returned.
void chain(fj::Context& ctx, int depth, int limit, std::atomic<int>& deepest, std::atomic<int>& misordered) {
  int current = deepest.load();
  while (depth > current && !deepest.compare_exchange_weak(current, depth)) {
  }
  if (depth == limit) return;
  fj::Counter child;
  bool child_done = false;
  ctx.spawn(child, [&, depth](fj::Context& c) {
    chain(c, depth + 1, limit, deepest, misordered);
    child_done = true;
  });
  ctx.wait(child);
  if (!child_done) misordered.fetch_add(1);
}

std::uint64_t skynet(fj::Context& ctx, std::uint64_t num, std::uint64_t size) {
  if (size == 1) return num;
  fj::Counter kids;
  std::uint64_t sums[10] = {};
  const std::uint64_t part = size / 10;
  for (std::uint64_t i = 0; i < 10; ++i)
    ctx.spawn(kids, [&sums, i, num, part](fj::Context& c) { sums[i] = skynet(c, num + i * part, part); });
  ctx.wait(kids);
  std::uint64_t total = 0;
  for (auto v : sums) total += v;
  return total;
}

}  // namespace

// Without fibers, waits deeper than 32 levels only run the waiter's own spawns; with fibers
// every level suspends and the chain goes as deep as asked.
TEST(Fibers, DeepNestedWaitsSuspendInsteadOfGrowingTheStack) {
  fj::JobSystem jobs(config(2));
  constexpr int kDepth = 600;
  std::atomic<int> deepest{0}, misordered{0};
  fj::Counter root;
  jobs.spawn(root, [&](fj::Context& ctx) { chain(ctx, 1, kDepth, deepest, misordered); });
  jobs.wait(root);
  EXPECT_EQ(deepest.load(), kDepth);
  EXPECT_EQ(misordered.load(), 0);
  const auto st = jobs.stats();
  EXPECT_GT(st.fiber_suspensions, 0u);
  EXPECT_GT(st.fibers, 2u);  // waiting levels hold their own fibers
  jobs.end_frame();
}

TEST(Fibers, SkynetSumsEveryLeafOnce) {
  fj::JobSystem jobs(config(8));
  std::uint64_t result = 0;
  fj::Counter done;
  jobs.spawn(done, [&](fj::Context& ctx) { result = skynet(ctx, 0, 10000); });
  jobs.wait(done);
  EXPECT_EQ(result, 10000ull * 9999ull / 2);
  EXPECT_GT(jobs.stats().fiber_suspensions, 0u);
}

TEST(Fibers, ParallelForInsideJobsCoversEveryIndexOnce) {
  fj::JobSystem jobs(config(8));
  constexpr std::size_t kItems = 3000;
  std::vector<std::atomic<int>> hits(kItems * 8);
  fj::Counter done;
  for (std::size_t j = 0; j < 8; ++j)
    jobs.spawn(done, [&, j](fj::Context& ctx) {
      ctx.system().parallel_for(0, kItems, 64, [&](std::size_t i) { hits[j * kItems + i].fetch_add(1); });
    });
  jobs.wait(done);
  for (std::size_t i = 0; i < hits.size(); ++i) ASSERT_EQ(hits[i].load(), 1) << "index " << i;
}

// A job on worker A spawns a child and a blocker, then waits for the child. The other worker B
// steals the child (the oldest entry) and holds it until A, after suspending the job, runs
// the blocker — which only ends once the job has resumed. So B must resume the job, and after
// the wait its Context and the thread-local accessor both name B.
TEST(Fibers, ResumedFiberSeesTheWorkerContextItRunsOn) {
  fj::JobSystem jobs(config(2));
  constexpr int kAttempts = 20;
  int migrated = 0;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::atomic<bool> blocker_started{false}, resumed{false};
    std::size_t before = 0, after = 0, accessor_after = 0;
    fj::Counter done;
    jobs.spawn(done, [&](fj::Context& ctx) {
      before = ctx.worker_index();
      fj::Counter child;
      ctx.spawn(child, [&blocker_started] {
        while (!blocker_started.load()) std::this_thread::yield();
      });
      ctx.spawn([&] {
        blocker_started.store(true);
        while (!resumed.load()) std::this_thread::yield();
      });
      ctx.wait(child);
      after = ctx.worker_index();
      accessor_after = ctx.system().current_worker_index();
      resumed.store(true);
    });
    jobs.wait_idle();  // unlike wait(), never runs the job on this (non-worker) thread
    ASSERT_EQ(done.value(), 0);
    ASSERT_EQ(after, accessor_after) << "Context::worker_index is stale after a wait";
    ASSERT_LT(after, jobs.worker_count());
    if (after != before) ++migrated;
  }
  EXPECT_EQ(migrated, kAttempts);
  EXPECT_GE(jobs.stats().fiber_migrations, static_cast<std::uint64_t>(kAttempts));
}

TEST(Fibers, FibersOffStillHelpsOnTheStack) {
  fj::JobSystem jobs(config(2, false));
  std::atomic<int> deepest{0}, misordered{0};
  fj::Counter root;
  jobs.spawn(root, [&](fj::Context& ctx) { chain(ctx, 1, 100, deepest, misordered); });
  jobs.wait(root);
  EXPECT_EQ(deepest.load(), 100);
  EXPECT_EQ(misordered.load(), 0);
  const auto st = jobs.stats();
  EXPECT_EQ(st.fiber_suspensions, 0u);
  EXPECT_EQ(st.fibers, 0u);
}

TEST(Fibers, ShutdownWithSuspendedWorkPendingFinishesIt) {
  std::atomic<int> finished{0};
  {
    fj::JobSystem jobs(config(8));
    for (int i = 0; i < 64; ++i)
      jobs.spawn([&finished](fj::Context& ctx) {
        fj::Counter kids;
        for (int k = 0; k < 4; ++k) ctx.spawn(kids, [] {});
        ctx.wait(kids);
        finished.fetch_add(1);
      });
  }  // the destructor waits for every job, suspended ones included
  EXPECT_EQ(finished.load(), 64);
}

// A job that throws after its fiber was suspended and resumed is reported like any other
// (FA207), its counter still reaches zero, and the worker keeps running jobs.
TEST(Fibers, ExceptionAfterASuspendedWaitIsReported) {
  fj::JobSystem jobs(config(4));
  fj::Counter done;
  std::atomic<int> after{0};
  for (int i = 0; i < 16; ++i)
    jobs.spawn(done, [&after](fj::Context& ctx) {
      fj::Counter kids;
      for (int k = 0; k < 4; ++k) ctx.spawn(kids, [] {});
      ctx.wait(kids);
      after.fetch_add(1);
      throw std::runtime_error("after the wait");
    });
  jobs.wait(done);
  EXPECT_EQ(done.value(), 0);
  EXPECT_EQ(after.load(), 16);
  EXPECT_EQ(jobs.take_exceptions().size(), 16u);
  fj::Counter again;
  bool ran = false;
  jobs.spawn(again, [&ran] { ran = true; });
  jobs.wait(again);
  EXPECT_TRUE(ran);
}
