// Tiered spillover under a controllable synthetic load: which tiers actually run jobs.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <framealloc/jobs/job_system.hpp>

namespace fj = fa::jobs;
using namespace std::chrono_literals;

namespace {

fj::JobSystemConfig tiered(const char* fixture) {
  fj::JobSystemConfig c;
  c.strategy = fj::Strategy::TieredSpillover;
  c.topology = fj::read_topology(std::string(FA_JOBS_FIXTURES) + "/" + fixture);
  c.sink = std::make_shared<fa::CollectingSink>();
  return c;
}

std::uint64_t executed_by_tier(const fj::JobSystem& jobs, int tier) {
  const auto st = jobs.stats();
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < st.executed_by_worker.size(); ++i)
    if (jobs.plan().workers[i].tier == tier) n += st.executed_by_worker[i];
  return n;
}

// `n` jobs that each hold a worker until released: the load stays at n while they are alive.
struct HeldLoad {
  std::atomic<int> running{0};
  std::atomic<bool> release{false};
  fj::Counter counter;

  void start(fj::JobSystem& jobs, int n) {
    for (int i = 0; i < n; ++i)
      jobs.spawn(counter, [this] {
        running.fetch_add(1);
        while (!release.load()) std::this_thread::sleep_for(100us);
      });
  }
  bool wait_running(int n, std::chrono::milliseconds limit) const {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (running.load() < n)
      if (std::chrono::steady_clock::now() > end)
        return false;
      else
        std::this_thread::sleep_for(1ms);
    return true;
  }
  void finish(fj::JobSystem& jobs) {
    release = true;
    while (counter.value() != 0) std::this_thread::sleep_for(1ms);  // do not help from this thread
    jobs.wait_idle();
  }
};

}  // namespace

TEST(Tiers, LightLoadStaysOnTierOne) {
  fj::JobSystem jobs(tiered("zen_16c32t_two_ccd"));
  ASSERT_EQ(jobs.worker_count(), 32u);
  HeldLoad load;
  load.start(jobs, 5);  // at most 5 <= 6: tiers 2 and 3 must stay parked
  ASSERT_TRUE(load.wait_running(5, 10s));
  std::this_thread::sleep_for(20ms);
  load.finish(jobs);
  EXPECT_EQ(executed_by_tier(jobs, 1), 5u);
  EXPECT_EQ(executed_by_tier(jobs, 2), 0u);
  EXPECT_EQ(executed_by_tier(jobs, 3), 0u);
}

TEST(Tiers, HeavyLoadSpillsIntoTiersTwoAndThree) {
  fj::JobSystem jobs(tiered("zen_16c32t_two_ccd"));
  HeldLoad load;
  load.start(jobs, 24);  // 24 > 14: every tier may run; 24 held jobs need more than tier 1's 8 workers
  ASSERT_TRUE(load.wait_running(24, 20s)) << "only " << load.running.load() << " of 24 held jobs started";
  load.finish(jobs);
  // Tier 1 has only 8 workers, so at least 16 held jobs ran on tiers 2 and 3.
  EXPECT_EQ(executed_by_tier(jobs, 1) + executed_by_tier(jobs, 2) + executed_by_tier(jobs, 3), 24u);
  EXPECT_GE(executed_by_tier(jobs, 2) + executed_by_tier(jobs, 3), 16u);
  EXPECT_GE(executed_by_tier(jobs, 3), 8u);  // tier 2 has only 8 workers for the 16
}

TEST(Tiers, MediumLoadReachesTierTwoButNotTierThree) {
  auto cfg = tiered("zen_16c32t_two_ccd");
  fj::JobSystem jobs(std::move(cfg));
  HeldLoad load;
  load.start(jobs, 12);  // 6 < 12 <= 14
  ASSERT_TRUE(load.wait_running(12, 20s)) << "only " << load.running.load() << " of 12 held jobs started";
  load.finish(jobs);
  EXPECT_EQ(executed_by_tier(jobs, 1) + executed_by_tier(jobs, 2), 12u);
  EXPECT_GE(executed_by_tier(jobs, 2), 4u);  // more than tier 1's 8 workers could hold
  EXPECT_EQ(executed_by_tier(jobs, 3), 0u);
}

TEST(Tiers, ThresholdsAreConfigurable) {
  auto cfg = tiered("adjacent_8c16t");
  cfg.thresholds = fj::TierThresholds{0, 100};  // tier 3 effectively off
  fj::JobSystem jobs(std::move(cfg));
  EXPECT_EQ(jobs.plan().thresholds.tier3, 100u);
  HeldLoad load;
  load.start(jobs, 8);
  ASSERT_TRUE(load.wait_running(8, 20s));
  load.finish(jobs);
  EXPECT_EQ(executed_by_tier(jobs, 1), 8u);  // tier 3 never helped, so tier 1 held all 8
  EXPECT_EQ(executed_by_tier(jobs, 3), 0u);
}
