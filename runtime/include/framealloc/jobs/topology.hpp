// CPU topology from Linux sysfs (with a configurable root, so tests read fixture trees) and
// the mapping of workers onto it: which CPU each worker uses and which spillover tier it is in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fa::jobs {

struct LogicalCpu {
  int id = 0;
  int core = 0;          // index into CpuTopology::cores
  int l3_group = 0;      // index into CpuTopology::l3_groups
  bool primary = false;  // lowest-numbered hardware thread of its core
};

struct CpuTopology {
  std::vector<LogicalCpu> cpus;             // online CPUs, ascending id
  std::vector<std::vector<int>> cores;      // online CPU ids per physical core, ascending
  std::vector<std::vector<int>> l3_groups;  // online CPU ids sharing a last-level cache
  std::size_t physical_cores() const noexcept { return cores.size(); }
  const LogicalCpu* find(int id) const noexcept;
};

class TopologyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "0-3,8,10-11" -> {0,1,2,3,8,10,11}. nullopt for anything malformed (empty items,
// reversed ranges, non-digits, ids above 65535).
std::optional<std::vector<int>> parse_cpu_list(std::string_view text);

// Reads <root>/online, and for each online CPU <root>/cpuN/topology/thread_siblings_list and
// <root>/cpuN/cache/index3/{shared_cpu_list,id}. A CPU without an L3 entry joins group 0.
// Throws TopologyError naming the file when `online` or a sibling list is missing or malformed.
CpuTopology read_topology(const std::filesystem::path& root = "/sys/devices/system/cpu");

// One logical CPU per worker, no SMT information: used when sysfs is unavailable.
CpuTopology flat_topology(std::size_t cpus);

enum class Strategy : std::uint8_t {
  None,             // N workers, no placement, all tier 1
  Linear,           // worker i on the i-th online CPU
  AvoidSMT,         // one worker per physical core
  CCDIsolation,     // only the physical cores of the first L3 group
  TieredSpillover,  // tier 1 first L3 group, tier 2 other groups' cores, tier 3 SMT siblings
};

std::string_view to_string(Strategy s) noexcept;
std::optional<Strategy> parse_strategy(std::string_view text) noexcept;

struct WorkerPlacement {
  int cpu = -1;  // -1: not tied to a CPU
  int tier = 1;  // 1, 2 or 3
};

struct TierThresholds {
  // A tier-2 (tier-3) worker runs jobs only while the load (queued + running jobs) exceeds this.
  std::size_t tier2 = 0;
  std::size_t tier3 = 0;
};

struct WorkerPlan {
  std::vector<WorkerPlacement> workers;
  TierThresholds thresholds;
  std::size_t count(int tier) const noexcept;
};

// `workers` == 0 means one worker per CPU the strategy selects (None: the CPU count).
// The seed's thresholds (tier 2 above 6 of 8 tier-1 cores busy, tier 3 above 14 of 16
// physical cores) are scaled to the real counts: tier2 = tier1 * 6 / 8, tier3 = (tier1 +
// tier2) * 14 / 16.
WorkerPlan plan_workers(const CpuTopology& topo, Strategy strategy, std::size_t workers = 0);

}  // namespace fa::jobs
