#include <framealloc/jobs/topology.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fa::jobs {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxCpuId = 65535;

std::optional<std::string> read_trimmed(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::optional<int> parse_id(std::string_view s) {
  int v = 0;
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v < 0 || v > kMaxCpuId) return std::nullopt;
  return v;
}

std::vector<int> read_list_or_throw(const fs::path& file) {
  const auto text = read_trimmed(file);
  if (!text) throw TopologyError(file.string() + ": cannot read the file");
  auto list = parse_cpu_list(*text);
  if (!list) throw TopologyError(file.string() + ": malformed CPU list \"" + *text + "\"");
  return *list;
}

fs::path cpu_dir(const fs::path& root, int id) {
  return root / ("cpu" + std::to_string(id));
}

}  // namespace

const LogicalCpu* CpuTopology::find(int id) const noexcept {
  for (const LogicalCpu& c : cpus)
    if (c.id == id) return &c;
  return nullptr;
}

std::optional<std::vector<int>> parse_cpu_list(std::string_view text) {
  std::vector<int> out;
  if (text.empty()) return std::nullopt;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = text.substr(pos, comma - pos);
    const std::size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      const auto v = parse_id(item);
      if (!v) return std::nullopt;
      out.push_back(*v);
    } else {
      const auto lo = parse_id(item.substr(0, dash));
      const auto hi = parse_id(item.substr(dash + 1));
      if (!lo || !hi || *lo > *hi) return std::nullopt;
      for (int v = *lo; v <= *hi; ++v) out.push_back(v);
    }
    pos = comma + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

CpuTopology read_topology(const fs::path& root) {
  const std::vector<int> online = read_list_or_throw(root / "online");
  const std::set<int> online_set(online.begin(), online.end());

  // Cores are keyed by their lowest online sibling; L3 groups by the cache id (or lowest CPU).
  std::map<int, std::vector<int>> cores;
  std::map<int, std::vector<int>> groups;
  std::map<int, std::pair<int, int>> of_cpu;  // cpu -> (core key, group key)
  for (const int id : online) {
    std::vector<int> siblings = read_list_or_throw(cpu_dir(root, id) / "topology" / "thread_siblings_list");
    std::erase_if(siblings, [&](int s) { return !online_set.count(s); });
    if (std::find(siblings.begin(), siblings.end(), id) == siblings.end())
      throw TopologyError((cpu_dir(root, id) / "topology" / "thread_siblings_list").string() +
                          ": does not list the CPU itself");
    const int core_key = siblings.front();

    int group_key = -1;
    const fs::path l3 = cpu_dir(root, id) / "cache" / "index3";
    if (fs::exists(l3 / "shared_cpu_list")) {
      const auto level = read_trimmed(l3 / "level");
      if (!level || *level == "3") {
        const auto cache_id = read_trimmed(l3 / "id");
        const auto parsed = cache_id ? parse_id(*cache_id) : std::nullopt;
        if (parsed) {
          group_key = *parsed;
        } else {
          std::vector<int> shared = read_list_or_throw(l3 / "shared_cpu_list");
          std::erase_if(shared, [&](int s) { return !online_set.count(s); });
          group_key = shared.empty() ? id : shared.front();
        }
      }
    }
    cores[core_key].push_back(id);
    groups[group_key].push_back(id);
    of_cpu[id] = {core_key, group_key};
  }

  // Order groups and cores by their lowest CPU id (map keys are not necessarily that).
  auto ordered = [](const std::map<int, std::vector<int>>& m) {
    std::vector<std::pair<int, std::vector<int>>> v(m.begin(), m.end());
    std::sort(v.begin(), v.end(),
              [](const auto& a, const auto& b) { return a.second.front() < b.second.front(); });
    return v;
  };
  CpuTopology topo;
  std::map<int, int> core_index, group_index;
  for (auto& [key, ids] : ordered(cores)) {
    core_index[key] = static_cast<int>(topo.cores.size());
    topo.cores.push_back(ids);
  }
  for (auto& [key, ids] : ordered(groups)) {
    group_index[key] = static_cast<int>(topo.l3_groups.size());
    topo.l3_groups.push_back(ids);
  }
  for (const int id : online) {
    const auto [core_key, group_key] = of_cpu[id];
    const int core = core_index[core_key];
    topo.cpus.push_back(
        {id, core, group_index[group_key], topo.cores[static_cast<std::size_t>(core)].front() == id});
  }
  return topo;
}

CpuTopology flat_topology(std::size_t cpus) {
  CpuTopology topo;
  topo.l3_groups.emplace_back();
  for (std::size_t i = 0; i < cpus; ++i) {
    const int id = static_cast<int>(i);
    topo.cpus.push_back({id, id, 0, true});
    topo.cores.push_back({id});
    topo.l3_groups[0].push_back(id);
  }
  return topo;
}

std::string_view to_string(Strategy s) noexcept {
  switch (s) {
    case Strategy::None:
      return "none";
    case Strategy::Linear:
      return "linear";
    case Strategy::AvoidSMT:
      return "avoid-smt";
    case Strategy::CCDIsolation:
      return "ccd-isolation";
    case Strategy::TieredSpillover:
      return "tiered-spillover";
  }
  return "unknown";
}

std::optional<Strategy> parse_strategy(std::string_view text) noexcept {
  for (Strategy s : {Strategy::None, Strategy::Linear, Strategy::AvoidSMT, Strategy::CCDIsolation,
                     Strategy::TieredSpillover})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

std::size_t WorkerPlan::count(int tier) const noexcept {
  return static_cast<std::size_t>(std::count_if(workers.begin(), workers.end(),
                                                [&](const WorkerPlacement& w) { return w.tier == tier; }));
}

WorkerPlan plan_workers(const CpuTopology& topo, Strategy strategy, std::size_t workers) {
  std::vector<WorkerPlacement> slots;
  auto primaries_of_group = [&](int group, int tier) {
    for (const LogicalCpu& c : topo.cpus)
      if (c.primary && c.l3_group == group) slots.push_back({c.id, tier});
  };
  switch (strategy) {
    case Strategy::None:
      slots.assign(std::max<std::size_t>(topo.cpus.size(), 1), WorkerPlacement{-1, 1});
      break;
    case Strategy::Linear:
      for (const LogicalCpu& c : topo.cpus) slots.push_back({c.id, 1});
      break;
    case Strategy::AvoidSMT:
      for (std::size_t g = 0; g < topo.l3_groups.size(); ++g) primaries_of_group(static_cast<int>(g), 1);
      break;
    case Strategy::CCDIsolation:
      primaries_of_group(0, 1);
      break;
    case Strategy::TieredSpillover:
      primaries_of_group(0, 1);
      for (std::size_t g = 1; g < topo.l3_groups.size(); ++g) primaries_of_group(static_cast<int>(g), 2);
      for (const LogicalCpu& c : topo.cpus)
        if (!c.primary) slots.push_back({c.id, 3});
      break;
  }
  if (slots.empty()) slots.push_back({-1, 1});

  WorkerPlan plan;
  const std::size_t n = workers == 0 ? slots.size() : workers;
  for (std::size_t i = 0; i < n; ++i) plan.workers.push_back(slots[i % slots.size()]);
  const std::size_t t1 = plan.count(1);
  const std::size_t t2 = plan.count(2);
  plan.thresholds.tier2 = t1 * 6 / 8;
  plan.thresholds.tier3 = (t1 + t2) * 14 / 16;
  return plan;
}

}  // namespace fa::jobs
