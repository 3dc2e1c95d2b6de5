// Jobs in frame memory: where jobs are stored, the frame sync, and the reset rules (FA005, FA206).
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>

#include <framealloc/jobs/job_system.hpp>

#if defined(__SANITIZE_ADDRESS__)
#define FA_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FA_TEST_ASAN 1
#endif
#endif
#if defined(FA_TEST_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace fj = fa::jobs;

namespace {

struct Fixture {
  std::shared_ptr<fa::CollectingSink> sink = std::make_shared<fa::CollectingSink>();
  fj::JobSystem jobs;
  explicit Fixture(std::size_t workers, std::size_t arena = std::size_t{1} << 16)
      : jobs([&] {
          fj::JobSystemConfig c;
          c.workers = workers;
          c.sink = sink;
          c.frame_arena_bytes = arena;
          return c;
        }()) {}
};

std::size_t total_arena_bytes(const fj::JobSystem& jobs) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < jobs.worker_count(); ++i) n += jobs.arena(i).used();
  return n;
}

// Waits without running jobs on this thread, so jobs that spawn children run on workers.
void wait_on_workers(const fj::Counter& c) {
  while (c.value() != 0) std::this_thread::yield();
}

}  // namespace

TEST(FrameJobs, JobsFromANonWorkerThreadArePooledNotInFrameArenas) {
  Fixture f(4);
  fj::Counter c;
  for (int i = 0; i < 100; ++i) f.jobs.spawn(c, [] {});
  f.jobs.wait(c);
  EXPECT_EQ(f.jobs.stats().pooled_jobs, 100u);
  EXPECT_EQ(f.jobs.stats().heap_jobs, 0u);
  EXPECT_EQ(f.jobs.stats().frame_jobs, 0u);
  EXPECT_EQ(total_arena_bytes(f.jobs), 0u);
}

TEST(FrameJobs, WithoutPoolingJobsFromANonWorkerThreadGoToTheHeap) {
  fj::JobSystemConfig config;
  config.workers = 2;
  config.pooled_jobs = false;
  fj::JobSystem jobs(config);
  fj::Counter c;
  for (int i = 0; i < 100; ++i) jobs.spawn(c, [] {});
  jobs.wait(c);
  EXPECT_EQ(jobs.stats().heap_jobs, 100u);
  EXPECT_EQ(jobs.stats().pooled_jobs, 0u);
  EXPECT_EQ(jobs.stats().pool_blocks, 0u);
}

TEST(FrameJobs, JobsSpawnedByWorkersLiveInTheirFrameArena) {
  Fixture f(4);
  std::atomic<int> frame_children{0}, ran{0};
  fj::Counter root;
  f.jobs.spawn(root, [&](fj::Context& ctx) {
    fj::Counter kids;
    for (int i = 0; i < 64; ++i) ctx.spawn(kids, [&] { ran.fetch_add(1); });
    ctx.wait(kids);
    frame_children = 64;
  });
  wait_on_workers(root);
  EXPECT_EQ(ran.load(), 64);
  const auto st = f.jobs.stats();
  EXPECT_EQ(st.pooled_jobs, 1u);  // the root, spawned from this thread
  EXPECT_EQ(st.heap_jobs, 0u);
  EXPECT_EQ(st.frame_jobs, 64u);  // the children, spawned on a worker
  EXPECT_GT(total_arena_bytes(f.jobs), 0u);
}

TEST(FrameJobs, TheJobRecordsItsStorage) {
  Fixture f(2);
  std::atomic<int> frame_seen{0};
  fj::Counter root;
  f.jobs.spawn(root, [&](fj::Context& ctx) {
    fj::Counter kids;
    const std::size_t spawner = ctx.worker_index();  // the wait may resume on another worker
    ctx.spawn(kids, [&] { frame_seen = 1; });
    ctx.wait(kids);
    // The spawning worker's own arena holds the child just spawned.
    EXPECT_GT(ctx.system().arena(spawner).used(), 0u);
  });
  wait_on_workers(root);
  EXPECT_EQ(frame_seen.load(), 1);
  EXPECT_EQ(f.jobs.stats().frame_jobs, 1u);
  EXPECT_EQ(f.jobs.stats().pooled_jobs, 1u);  // the root, spawned by this thread
}

TEST(FrameJobs, TooLargeForTheArenaFallsBackToTheHeap) {
  Fixture f(2, 256);
  struct Big {
    char bytes[1024];
  };
  std::atomic<int> ran{0};
  fj::Counter root;
  f.jobs.spawn(root, [&](fj::Context& ctx) {
    fj::Counter kids;
    Big big{};
    big.bytes[1023] = 7;
    ctx.spawn(kids, [&ran, big] { ran.fetch_add(big.bytes[1023]); });
    ctx.spawn(kids, [&ran] { ran.fetch_add(1); });
    ctx.wait(kids);
  });
  wait_on_workers(root);
  EXPECT_EQ(ran.load(), 8);
  const auto st = f.jobs.stats();
  EXPECT_EQ(st.pooled_jobs, 1u);  // the root
  EXPECT_EQ(st.heap_jobs, 1u);    // the big child
  EXPECT_EQ(st.frame_jobs, 1u);
}

TEST(FrameJobs, EndFrameWaitsForEveryJobThenResetsTheArenas) {
  Fixture f(4);
  for (int frame = 0; frame < 5; ++frame) {
    const std::uint64_t gen = f.jobs.frame_generation();
    std::atomic<int> ran{0};
    for (int r = 0; r < 8; ++r)
      f.jobs.spawn([&ran](fj::Context& ctx) {
        for (int i = 0; i < 50; ++i)
          ctx.spawn([&ran] {
            std::this_thread::yield();
            ran.fetch_add(1);
          });
      });
    f.jobs.end_frame();
    EXPECT_EQ(ran.load(), 400) << "frame " << frame;  // nothing left behind
    EXPECT_EQ(f.jobs.frame_generation(), gen + 1);
    EXPECT_EQ(total_arena_bytes(f.jobs), 0u);
    for (std::size_t w = 0; w < f.jobs.worker_count(); ++w) EXPECT_EQ(f.jobs.arena(w).live_jobs(), 0);
  }
  EXPECT_EQ(f.sink->size(), 0u);
}

TEST(FrameJobs, ResetWhileJobsAreQueuedIsRefusedAndReported) {
  Fixture f(2);
  std::atomic<bool> release{false}, started{false};
  std::atomic<int> children_ran{0};
  fj::Counter root;
  f.jobs.spawn(root, [&](fj::Context& ctx) {
    fj::Counter kids;
    for (int i = 0; i < 8; ++i) ctx.spawn(kids, [&] { children_ran.fetch_add(1); });
    started = true;
    while (!release.load()) std::this_thread::yield();
    ctx.wait(kids);
  });
  while (!started.load()) std::this_thread::yield();
  const std::uint64_t gen = f.jobs.frame_generation();
  const std::size_t used = total_arena_bytes(f.jobs);
  EXPECT_GT(used, 0u);

  EXPECT_FALSE(f.jobs.reset_frame_arenas());
  EXPECT_EQ(f.sink->count(fa::Code::FA005), 1u);
  EXPECT_NE(f.sink->diagnostics().front().message.find("the reset was refused"), std::string::npos);
  EXPECT_EQ(f.jobs.frame_generation(), gen);  // nothing was reset
  EXPECT_EQ(total_arena_bytes(f.jobs), used);

  release = true;
  wait_on_workers(root);
  EXPECT_EQ(children_ran.load(), 8);  // the queued frame jobs still ran from intact memory
  f.jobs.wait_idle();
  EXPECT_TRUE(f.jobs.reset_frame_arenas());
  EXPECT_EQ(f.jobs.frame_generation(), gen + 1);
}

TEST(FrameJobs, StrictModeTurnsTheRefusedResetIntoAnError) {
  Fixture f(1);
  std::atomic<bool> release{false}, started{false};
  fj::Counter root;
  f.jobs.spawn(root, [&] {
    started = true;
    while (!release.load()) std::this_thread::yield();
  });
  while (!started.load()) std::this_thread::yield();
  {
    auto strict = fa::StrictModeGuard::panic_on_error();
    EXPECT_THROW(f.jobs.reset_frame_arenas(), fa::StrictModeError);
  }
  release = true;
  wait_on_workers(root);
}

TEST(FrameJobs, EndFrameFromInsideAJobIsReportedNotDeadlocked) {
  Fixture f(2);
  const std::uint64_t gen = f.jobs.frame_generation();
  fj::Counter c;
  f.jobs.spawn(c, [](fj::Context& ctx) { ctx.system().end_frame(); });
  f.jobs.wait(c);
  EXPECT_EQ(f.sink->count(fa::Code::FA206), 1u);
  EXPECT_EQ(f.jobs.frame_generation(), gen);
  f.jobs.end_frame();
  EXPECT_EQ(f.jobs.frame_generation(), gen + 1);
}

TEST(FrameJobs, ResetArenasArePoisonedInDebugBuilds) {
  Fixture f(1);
  fj::Counter root;
  f.jobs.spawn(root, [](fj::Context& ctx) {
    fj::Counter kids;
    const std::uint64_t payload = 0x1122334455667788u;
    ctx.spawn(kids, [payload] { (void)payload; });
    ctx.wait(kids);
  });
  wait_on_workers(root);
  const auto& arena = f.jobs.arena(0);
  ASSERT_GT(arena.used(), 0u);
  [[maybe_unused]] const auto* base = reinterpret_cast<const unsigned char*>(arena.data());
  [[maybe_unused]] const std::size_t used = arena.used();
  f.jobs.end_frame();
#if defined(FA_TEST_ASAN)
  EXPECT_TRUE(__asan_region_is_poisoned(const_cast<unsigned char*>(base), used) != nullptr);
#elif !defined(NDEBUG)
  for (std::size_t i = 0; i < used; ++i) ASSERT_EQ(base[i], fj::kJobArenaPoison) << "byte " << i;
#else
  GTEST_SKIP() << "poisoning is a debug-build feature";
#endif
}

TEST(FrameJobs, AtTheFrameSyncWorkersRunTheJobsSoTheirChildrenUseFrameArenas) {
  Fixture f(4);
  std::atomic<int> ran{0};
  for (int r = 0; r < 8; ++r)
    f.jobs.spawn([&ran](fj::Context& ctx) {
      EXPECT_TRUE(ctx.on_worker());  // end_frame() does not run jobs on this thread
      for (int i = 0; i < 10; ++i) ctx.spawn([&ran] { ran.fetch_add(1); });
    });
  f.jobs.end_frame();
  EXPECT_EQ(ran.load(), 80);
  EXPECT_EQ(f.jobs.stats().pooled_jobs, 8u);
  EXPECT_EQ(f.jobs.stats().frame_jobs, 80u);
}

// The live-job count is split into the owner's allocations, one release slot per worker and
// a shared count for everyone else; a reset must see every one of them.
TEST(JobArenaCount, ReleasesFromWorkerSlotsAndOtherThreadsAllCount) {
  fj::JobArena arena(4096, 2);
  for (int i = 0; i < 4; ++i) ASSERT_NE(arena.try_alloc(64, 16), nullptr);
  EXPECT_EQ(arena.live_jobs(), 4);
  std::thread w0([&] { arena.release_one(0); });
  std::thread w1([&] { arena.release_one(1); });
  std::thread helper([&] { arena.release_one(); });
  w0.join();
  w1.join();
  helper.join();
  EXPECT_EQ(arena.live_jobs(), 1);
  const std::uint64_t gen = arena.generation();
  EXPECT_FALSE(arena.reset());  // one job is still alive: refused, nothing changes
  EXPECT_EQ(arena.generation(), gen);
  EXPECT_GT(arena.used(), 0u);
  arena.release_one(0);
  EXPECT_EQ(arena.live_jobs(), 0);
  EXPECT_TRUE(arena.reset());
  EXPECT_EQ(arena.generation(), gen + 1);
  EXPECT_EQ(arena.used(), 0u);
}

// Workers release through their own slots and helpers through the shared count: after many
// frames of mixed spawning the arenas always reset, and no job is counted twice or lost.
TEST(JobArenaCount, ManyFramesOfWorkerAndHelperJobsAlwaysReset) {
  Fixture f(4);
  std::atomic<int> ran{0};
  for (int frame = 0; frame < 20; ++frame) {
    fj::Counter root;
    for (int r = 0; r < 4; ++r)
      f.jobs.spawn(root, [&ran](fj::Context& ctx) {
        fj::Counter kids;
        for (int i = 0; i < 50; ++i) ctx.spawn(kids, [&ran] { ran.fetch_add(1, std::memory_order_relaxed); });
        ctx.wait(kids);
      });
    f.jobs.wait(root);  // this thread helps: some frame jobs finish on a non-worker
    f.jobs.end_frame();
    for (std::size_t w = 0; w < f.jobs.worker_count(); ++w) ASSERT_EQ(f.jobs.arena(w).live_jobs(), 0);
  }
  EXPECT_EQ(ran.load(), 20 * 4 * 50);
  EXPECT_EQ(f.sink->count(fa::Code::FA005), 0u);
}
