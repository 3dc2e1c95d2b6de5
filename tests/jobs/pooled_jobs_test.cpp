// Pooled job storage: jobs spawned by non-worker threads live in recycled blocks of that
// thread's job block cache; workers hand the blocks back in batches across threads.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include <framealloc/jobs/job_system.hpp>

#include "job_block_cache.hpp"  // runtime/src/jobs; its instrument.hpp defines FA_HAS_ASAN

namespace fj = fa::jobs;
namespace fd = fa::jobs::detail;

namespace {

fj::JobSystemConfig config(std::size_t workers) {
  fj::JobSystemConfig c;
  c.workers = workers;
  return c;
}

// Workers hand their last partial batch back when they run out of work, just after the
// outstanding count reached zero: poll briefly instead of assuming it already happened.
bool all_blocks_back(const fj::JobSystem& jobs) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (jobs.stats().pool_blocks_in_use != 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

}  // namespace

// ---- the cache on its own -------------------------------------------------------------------

TEST(JobBlockCache, BlocksAreDistinctAlignedAndReusedLastInFirstOut) {
  fd::JobBlockCache cache;
  std::set<void*> seen;
  std::vector<void*> taken;
  for (std::size_t i = 0; i < fd::kJobBlocksPerSlab + 3; ++i) {
    void* p = cache.take();
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % fd::kJobBlockAlign, 0u);
    EXPECT_TRUE(seen.insert(p).second) << "block handed out twice";
    taken.push_back(p);
  }
  EXPECT_EQ(cache.counts().blocks, 2 * fd::kJobBlocksPerSlab);  // a second slab was needed
  EXPECT_EQ(cache.counts().in_use, fd::kJobBlocksPerSlab + 3);
  cache.give_back_local(taken[5]);
  EXPECT_EQ(cache.take(), taken[5]);
  for (void* p : taken) cache.give_back_local(p);
  EXPECT_EQ(cache.counts().in_use, 0u);
  EXPECT_EQ(cache.counts().taken, fd::kJobBlocksPerSlab + 4);
}

TEST(JobBlockCache, FreeBlocksArePoisonedPastTheirLinkInAsanBuilds) {
#if defined(FA_HAS_ASAN)
  fd::JobBlockCache cache;
  auto* p = static_cast<char*>(cache.take());
  EXPECT_EQ(__asan_region_is_poisoned(p, fd::kJobBlockBytes), nullptr);
  auto* q = static_cast<char*>(cache.take());
  cache.give_back_local(p);
  EXPECT_FALSE(__asan_address_is_poisoned(p));  // the link
  EXPECT_TRUE(__asan_address_is_poisoned(p + sizeof(void*)));
  EXPECT_TRUE(__asan_address_is_poisoned(p + fd::kJobBlockBytes - 1));
  std::thread([&] {
    fd::JobBlockReturns returns;
    returns.add(&cache, q);  // a worker's batch: poisoned as soon as it is handed in
    EXPECT_TRUE(__asan_address_is_poisoned(q + sizeof(void*)));
    returns.flush();
  }).join();
  EXPECT_EQ(cache.take(), p);
  EXPECT_EQ(__asan_region_is_poisoned(p, fd::kJobBlockBytes), nullptr);
#else
  GTEST_SKIP() << "ASan builds only";
#endif
}

TEST(JobBlockCache, AnotherThreadReturnsBlocksInBatchesAndTheOwnerReusesThem) {
  fd::JobBlockCache cache;
  std::vector<void*> taken;
  for (std::size_t i = 0; i < fd::kJobBlocksPerSlab; ++i) taken.push_back(cache.take());  // slab empty
  std::uint64_t in_use_after_partial = 0, in_use_after_batch = 0;
  std::thread worker([&] {
    fd::JobBlockReturns returns;
    for (std::uint32_t i = 0; i + 1 < fd::kJobBlockReturnBatch; ++i) returns.add(&cache, taken[i]);
    in_use_after_partial = cache.counts().in_use;  // a partial batch is still held by the worker
    returns.add(&cache, taken[fd::kJobBlockReturnBatch - 1]);
    in_use_after_batch = cache.counts().in_use;  // a full batch went back at once
    for (std::size_t i = fd::kJobBlockReturnBatch; i < taken.size(); ++i) returns.add(&cache, taken[i]);
    returns.flush();
    EXPECT_TRUE(returns.empty());
  });
  worker.join();
  EXPECT_EQ(in_use_after_partial, fd::kJobBlocksPerSlab);
  EXPECT_EQ(in_use_after_batch, fd::kJobBlocksPerSlab - fd::kJobBlockReturnBatch);
  EXPECT_EQ(cache.counts().in_use, 0u);
  // The owner's list is empty: the next takes come from the returned blocks, not a new slab.
  std::set<void*> original(taken.begin(), taken.end());
  for (std::size_t i = 0; i < fd::kJobBlocksPerSlab; ++i) EXPECT_EQ(original.count(cache.take()), 1u);
  EXPECT_EQ(cache.counts().blocks, fd::kJobBlocksPerSlab);
}

TEST(JobBlockCache, ReturnsForAnotherCacheFlushTheCurrentBatchFirst) {
  fd::JobBlockCache a, b;
  void* pa = a.take();
  void* pb = b.take();
  fd::JobBlockReturns returns;
  returns.add(&a, pa);
  EXPECT_EQ(a.counts().in_use, 1u);
  returns.add(&b, pb);  // switching caches sends a's partial batch home
  EXPECT_EQ(a.counts().in_use, 0u);
  EXPECT_EQ(b.counts().in_use, 1u);
  returns.flush();
  EXPECT_EQ(b.counts().in_use, 0u);
}

TEST(JobBlockCaches, OneCachePerThreadAndAnExitedThreadsCacheIsAdopted) {
  fd::JobBlockCaches caches;
  fd::JobBlockCache* mine = caches.for_this_thread();
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ(caches.for_this_thread(), mine);
  EXPECT_TRUE(caches.owned_here(mine));
  fd::JobBlockCache* first_thread = nullptr;
  std::thread([&] {
    first_thread = caches.for_this_thread();
    EXPECT_FALSE(caches.owned_here(mine));
  }).join();
  EXPECT_NE(first_thread, mine);
  EXPECT_FALSE(caches.owned_here(first_thread));
  EXPECT_EQ(caches.cache_count(), 2u);
  fd::JobBlockCache* second_thread = nullptr;
  std::thread([&] { second_thread = caches.for_this_thread(); }).join();
  EXPECT_EQ(second_thread, first_thread);  // adopted, not a third cache
  EXPECT_EQ(caches.cache_count(), 2u);
}

TEST(JobBlockCaches, RegistriesDoNotShareCaches) {
  fd::JobBlockCache* from_first = nullptr;
  {
    fd::JobBlockCaches first;
    from_first = first.for_this_thread();
    fd::JobBlockCaches second;
    EXPECT_NE(second.for_this_thread(), from_first);
    EXPECT_FALSE(second.owned_here(from_first));
  }
  fd::JobBlockCaches third;  // may live where the first one did: it must not find its cache
  fd::JobBlockCache* from_third = third.for_this_thread();
  ASSERT_NE(from_third, nullptr);
  EXPECT_EQ(from_third->counts().taken, 0u);
  EXPECT_EQ(third.cache_count(), 1u);
}

TEST(JobBlockCaches, GiveBackFromTheOwnerIsLocalFromOthersRemote) {
  fd::JobBlockCaches caches;
  fd::JobBlockCache* mine = caches.for_this_thread();
  void* p = mine->take();
  void* q = mine->take();
  caches.give_back(mine, p);  // owner: straight onto the free list
  EXPECT_EQ(mine->take(), p);
  std::thread([&] { caches.give_back(mine, q); }).join();
  EXPECT_EQ(mine->counts().in_use, 1u);  // p is out again, q came back remotely
  caches.give_back(mine, p);
  EXPECT_EQ(mine->counts().in_use, 0u);
}

// ---- in the job system ----------------------------------------------------------------------

TEST(PooledJobs, SmallJobsArePooledLargeOrOveralignedOnesUseTheHeap) {
  fj::JobSystem jobs(config(2));
  struct alignas(128) Overaligned {
    int v = 3;
  };
  struct Big {
    char bytes[fd::kJobBlockBytes];
  };
  std::atomic<int> sum{0};
  fj::Counter c;
  jobs.spawn(c, [&sum] { sum += 1; });
  Big big{};
  big.bytes[0] = 10;
  jobs.spawn(c, [&sum, big] { sum += big.bytes[0]; });
  Overaligned o;
  jobs.spawn(c, [&sum, o] { sum += o.v * 100; });
  jobs.wait(c);
  EXPECT_EQ(sum.load(), 311);
  const auto st = jobs.stats();
  EXPECT_EQ(st.pooled_jobs, 1u);
  EXPECT_EQ(st.heap_jobs, 2u);
  EXPECT_EQ(st.frame_jobs, 0u);
  EXPECT_EQ(st.pool_caches, 1u);
}

TEST(PooledJobs, BlocksRunByWorkersComeBackAndAreReusedEveryRound) {
  fj::JobSystem jobs(config(4));
  constexpr int kJobs = 2000, kRounds = 20;
  std::atomic<int> ran{0};
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kJobs; ++i) jobs.spawn([&ran] { ran.fetch_add(1, std::memory_order_relaxed); });
    jobs.wait_idle();  // this thread runs none of them: every block goes back across threads
    ASSERT_TRUE(all_blocks_back(jobs)) << "round " << round;
  }
  EXPECT_EQ(ran.load(), kJobs * kRounds);
  const auto st = jobs.stats();
  EXPECT_EQ(st.pooled_jobs, std::uint64_t{kJobs} * kRounds);
  // One round's worth of slabs, reused: never 20 rounds' worth.
  const std::uint64_t one_round =
      (kJobs + fd::kJobBlocksPerSlab - 1) / fd::kJobBlocksPerSlab * fd::kJobBlocksPerSlab;
  EXPECT_LE(st.pool_blocks, one_round + fd::kJobBlocksPerSlab);
  EXPECT_EQ(st.pool_blocks_in_use, 0u);
}

TEST(PooledJobs, HelpingWaitReusesItsOwnBlocksToo) {
  fj::JobSystem jobs(config(2));
  for (int round = 0; round < 50; ++round) {
    fj::Counter c;
    for (int i = 0; i < 500; ++i) jobs.spawn(c, [] {});
    jobs.wait(c);  // this thread runs some jobs itself (local give-back), workers the rest
  }
  EXPECT_TRUE(all_blocks_back(jobs));
  EXPECT_LE(jobs.stats().pool_blocks, 2 * fd::kJobBlocksPerSlab + 500u);
  EXPECT_EQ(jobs.stats().pooled_jobs, 50u * 500u);
}

TEST(PooledJobs, EachSpawningThreadHasItsOwnCacheAndEveryJobRunsOnce) {
  fj::JobSystem jobs(config(4));
  constexpr int kThreads = 4, kJobs = 3000;
  std::vector<std::atomic<int>> runs(kThreads * kJobs);
  std::atomic<int> ready{0}, spawned{0};
  std::vector<std::thread> spawners;
  for (int t = 0; t < kThreads; ++t)
    spawners.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();  // all alive at once
      fj::Counter c;
      for (int i = 0; i < kJobs; ++i) jobs.spawn(c, [&runs, k = t * kJobs + i] { runs[k].fetch_add(1); });
      spawned.fetch_add(1);
      while (spawned.load() < kThreads) std::this_thread::yield();  // none exits (orphans) early
      jobs.wait(c);
    });
  for (auto& t : spawners) t.join();
  jobs.wait_idle();
  for (const auto& r : runs) ASSERT_EQ(r.load(), 1);
  EXPECT_EQ(jobs.stats().pool_caches, std::uint64_t{kThreads});
  EXPECT_EQ(jobs.stats().pooled_jobs, std::uint64_t{kThreads} * kJobs);
  EXPECT_TRUE(all_blocks_back(jobs));
}

TEST(PooledJobs, ShortLivedSpawningThreadsShareAdoptedCaches) {
  fj::JobSystem jobs(config(2));
  std::atomic<int> ran{0};
  for (int t = 0; t < 16; ++t)
    std::thread([&] {
      for (int i = 0; i < 100; ++i) jobs.spawn([&ran] { ran.fetch_add(1); });
    }).join();  // exits with its jobs possibly still queued
  jobs.wait_idle();
  EXPECT_EQ(ran.load(), 1600);
  EXPECT_EQ(jobs.stats().pool_caches, 1u);
  EXPECT_TRUE(all_blocks_back(jobs));
}

// Debug builds assert in ~JobSystem that every block came back (workers flush when they stop).
TEST(PooledJobs, DestroyedWithQueuedJobsRunsThemAndGetsEveryBlockBack) {
  std::atomic<int> ran{0};
  {
    fj::JobSystem jobs(config(3));
    for (int i = 0; i < 5000; ++i) jobs.spawn([&ran] { ran.fetch_add(1, std::memory_order_relaxed); });
  }
  EXPECT_EQ(ran.load(), 5000);
}

TEST(PooledJobs, AJobThatThrowsWhileBeingConstructedGivesItsBlockBack) {
  fj::JobSystem jobs(config(2));
  struct ThrowsOnCopy {
    ThrowsOnCopy() = default;
    ThrowsOnCopy(const ThrowsOnCopy&) { throw std::runtime_error("copy"); }
    void operator()() const {}
  };
  const ThrowsOnCopy bad;
  fj::Counter c;
  EXPECT_THROW(jobs.spawn(c, bad), std::runtime_error);
  EXPECT_EQ(c.value(), 0);
  EXPECT_EQ(jobs.stats().pool_blocks_in_use, 0u);
  EXPECT_EQ(jobs.stats().pooled_jobs, 0u);  // no job was made
  jobs.spawn(c, [] {});
  jobs.wait(c);
  EXPECT_EQ(jobs.stats().pooled_jobs, 1u);
  EXPECT_TRUE(all_blocks_back(jobs));
}
