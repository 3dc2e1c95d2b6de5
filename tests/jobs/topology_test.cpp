// Topology from sysfs fixture trees, and the worker plans (tiers) the strategies derive.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <framealloc/jobs/topology.hpp>

namespace fj = fa::jobs;

namespace {

fj::CpuTopology fixture(const char* name) {
  return fj::read_topology(std::string(FA_JOBS_FIXTURES) + "/" + name);
}

std::vector<int> cpus_of_tier(const fj::WorkerPlan& plan, int tier) {
  std::vector<int> out;
  for (const auto& w : plan.workers)
    if (w.tier == tier) out.push_back(w.cpu);
  return out;
}

std::vector<int> range(int from, int to, int step = 1) {
  std::vector<int> out;
  for (int i = from; i < to; i += step) out.push_back(i);
  return out;
}

}  // namespace

TEST(CpuList, ParsesRangesAndSingles) {
  EXPECT_EQ(fj::parse_cpu_list("0-3,8,10-11"), (std::vector<int>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(fj::parse_cpu_list("5"), (std::vector<int>{5}));
  EXPECT_EQ(fj::parse_cpu_list("3,1,1"), (std::vector<int>{1, 3}));
}

TEST(CpuList, RejectsMalformedText) {
  for (const char* bad : {"", "0-", "-3", "3-1", "a", "1,,2", "1,", "0-3x", "70000"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(fj::parse_cpu_list(bad).has_value());
  }
}

TEST(Topology, ZenTwoCcdSiblingsNPlus16) {
  const auto topo = fixture("zen_16c32t_two_ccd");
  ASSERT_EQ(topo.cpus.size(), 32u);
  EXPECT_EQ(topo.physical_cores(), 16u);
  ASSERT_EQ(topo.l3_groups.size(), 2u);
  EXPECT_EQ(topo.cores[3], (std::vector<int>{3, 19}));
  EXPECT_EQ(topo.find(19)->l3_group, 0);
  EXPECT_EQ(topo.find(8)->l3_group, 1);
  EXPECT_FALSE(topo.find(16)->primary);

  const auto plan = fj::plan_workers(topo, fj::Strategy::TieredSpillover);
  EXPECT_EQ(cpus_of_tier(plan, 1), range(0, 8));
  EXPECT_EQ(cpus_of_tier(plan, 2), range(8, 16));
  EXPECT_EQ(cpus_of_tier(plan, 3), range(16, 32));
  EXPECT_EQ(plan.thresholds.tier2, 6u);  // the seed's numbers on the part they were written for
  EXPECT_EQ(plan.thresholds.tier3, 14u);
}

TEST(Topology, OtherStrategiesOnTheZenPart) {
  const auto topo = fixture("zen_16c32t_two_ccd");
  const auto linear = fj::plan_workers(topo, fj::Strategy::Linear);
  EXPECT_EQ(cpus_of_tier(linear, 1), range(0, 32));
  EXPECT_EQ(cpus_of_tier(fj::plan_workers(topo, fj::Strategy::AvoidSMT), 1), range(0, 16));
  EXPECT_EQ(cpus_of_tier(fj::plan_workers(topo, fj::Strategy::CCDIsolation), 1), range(0, 8));
  const auto none = fj::plan_workers(topo, fj::Strategy::None, 4);
  ASSERT_EQ(none.workers.size(), 4u);
  EXPECT_EQ(none.workers[0].cpu, -1);
  // More workers than selected CPUs wrap around.
  const auto over = fj::plan_workers(topo, fj::Strategy::CCDIsolation, 10);
  ASSERT_EQ(over.workers.size(), 10u);
  EXPECT_EQ(over.workers[8].cpu, 0);
}

TEST(Topology, EightCoreAdjacentSiblings) {
  const auto topo = fixture("adjacent_8c16t");
  EXPECT_EQ(topo.physical_cores(), 8u);
  EXPECT_EQ(topo.cores[2], (std::vector<int>{4, 5}));
  const auto plan = fj::plan_workers(topo, fj::Strategy::TieredSpillover);
  EXPECT_EQ(cpus_of_tier(plan, 1), range(0, 16, 2));  // not "the first half"
  EXPECT_TRUE(cpus_of_tier(plan, 2).empty());
  EXPECT_EQ(cpus_of_tier(plan, 3), range(1, 16, 2));
  EXPECT_EQ(plan.thresholds.tier3, 7u);
}

TEST(Topology, HybridIntelPAndECores) {
  const auto topo = fixture("hybrid_6p8e");
  EXPECT_EQ(topo.cpus.size(), 20u);
  EXPECT_EQ(topo.physical_cores(), 14u);
  const auto plan = fj::plan_workers(topo, fj::Strategy::TieredSpillover);
  std::vector<int> tier1 = range(0, 12, 2);
  for (int e = 12; e < 20; ++e) tier1.push_back(e);
  EXPECT_EQ(cpus_of_tier(plan, 1), tier1);
  EXPECT_EQ(cpus_of_tier(plan, 3), range(1, 12, 2));
  EXPECT_EQ(plan.thresholds.tier2, 10u);
  EXPECT_EQ(plan.thresholds.tier3, 12u);
}

TEST(Topology, TwoCpuVmWithoutL3Information) {
  const auto topo = fixture("vm_2cpu");
  EXPECT_EQ(topo.cpus.size(), 2u);
  ASSERT_EQ(topo.l3_groups.size(), 1u);
  const auto plan = fj::plan_workers(topo, fj::Strategy::TieredSpillover);
  EXPECT_EQ(cpus_of_tier(plan, 1), (std::vector<int>{0, 1}));
  EXPECT_EQ(plan.workers.size(), 2u);
}

TEST(Topology, OfflineCpusAreSkipped) {
  const auto topo = fixture("offline_cpus");
  EXPECT_EQ(topo.cpus.size(), 13u);
  EXPECT_EQ(topo.find(5), nullptr);
  EXPECT_EQ(topo.find(12), nullptr);
  EXPECT_TRUE(topo.find(4)->primary);
  EXPECT_EQ(topo.physical_cores(), 7u);
  const auto plan = fj::plan_workers(topo, fj::Strategy::TieredSpillover);
  EXPECT_EQ(cpus_of_tier(plan, 1), (std::vector<int>{0, 2, 4, 6, 8, 10, 14}));
  EXPECT_EQ(cpus_of_tier(plan, 3), (std::vector<int>{1, 3, 7, 9, 11, 15}));
}

TEST(Topology, MissingRootIsAClearError) {
  try {
    fj::read_topology(std::string(FA_JOBS_FIXTURES) + "/does_not_exist");
    FAIL() << "expected TopologyError";
  } catch (const fj::TopologyError& e) {
    EXPECT_NE(std::string(e.what()).find("does_not_exist/online: cannot read"), std::string::npos)
        << e.what();
  }
}

TEST(Topology, MalformedFilesAreClearErrors) {
  const auto tmp = std::filesystem::temp_directory_path() / ("fa_topo_" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp / "cpu0" / "topology");
  auto write = [](const std::filesystem::path& p, const char* text) { std::ofstream(p) << text; };
  write(tmp / "online", "0-");
  EXPECT_THROW(
      {
        try {
          fj::read_topology(tmp);
        } catch (const fj::TopologyError& e) {
          EXPECT_NE(std::string(e.what()).find("malformed CPU list \"0-\""), std::string::npos) << e.what();
          throw;
        }
      },
      fj::TopologyError);
  write(tmp / "online", "0");
  EXPECT_THROW(fj::read_topology(tmp), fj::TopologyError);  // no sibling list
  write(tmp / "cpu0" / "topology" / "thread_siblings_list", "1");
  EXPECT_THROW(fj::read_topology(tmp), fj::TopologyError);  // does not list itself
  write(tmp / "cpu0" / "topology" / "thread_siblings_list", "0");
  EXPECT_EQ(fj::read_topology(tmp).cpus.size(), 1u);
  std::filesystem::remove_all(tmp);
}

TEST(Topology, StrategyNamesRoundTrip) {
  for (auto s : {fj::Strategy::None, fj::Strategy::Linear, fj::Strategy::AvoidSMT, fj::Strategy::CCDIsolation,
                 fj::Strategy::TieredSpillover})
    EXPECT_EQ(fj::parse_strategy(fj::to_string(s)), s);
  EXPECT_FALSE(fj::parse_strategy("fastest").has_value());
}
