#include "site_lenses.hpp"

#include <cstdint>
#include <cstdio>

namespace fa::lsp {

using nlohmann::json;

bool site_matches(const std::string& site_file, const std::string& path) {
  if (site_file.empty() || site_file.size() > path.size()) return false;
  if (path.compare(path.size() - site_file.size(), site_file.size(), site_file) != 0) return false;
  // Whole path components only: "draw_list.cpp" must not match "my_draw_list.cpp".
  return site_file.size() == path.size() || site_file.front() == '/' ||
         path[path.size() - site_file.size() - 1] == '/';
}

namespace {

std::string human_bytes(std::int64_t bytes) {
  const double b = static_cast<double>(bytes < 0 ? -bytes : bytes);
  char buf[32];
  if (b >= 1024.0 * 1024.0) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024.0));
  } else if (b >= 1024.0) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(b));
  }
  return (bytes < 0 ? "-" : "") + std::string(buf);
}

const json* same_site(const json* snapshot, const json& site) {
  if (snapshot == nullptr) return nullptr;
  for (const json& s : snapshot->at("sites")) {
    if (s.at("file") == site.at("file") && s.at("line") == site.at("line") &&
        s.value("kind", "") == site.value("kind", ""))
      return &s;
  }
  return nullptr;
}

}  // namespace

json site_lenses(const std::string& path, const json* latest, const json* previous) {
  json lenses = json::array();
  if (latest == nullptr) return lenses;
  for (const json& site : latest->at("sites")) {
    if (!site_matches(site.at("file").get<std::string>(), path)) continue;
    const auto line = site.at("line").get<std::int64_t>() - 1;
    const auto bytes = site.at("bytes").get<std::int64_t>();
    std::string title = site.value("kind", "") + ": " + human_bytes(bytes) + " in " +
                        std::to_string(site.at("count").get<std::int64_t>()) + " allocations (frame " +
                        std::to_string(latest->at("frame").get<std::uint64_t>()) + ")";
    if (const json* before = same_site(previous, site)) {
      const auto delta = bytes - before->at("bytes").get<std::int64_t>();
      title += delta == 0 ? ", steady" : std::string(", ") + (delta > 0 ? "+" : "") + human_bytes(delta);
    }
    if (!site.value("tag", "").empty()) title += " [" + site.value("tag", "") + "]";
    lenses.push_back(
        {{"range",
          {{"start", {{"line", line}, {"character", 0}}}, {"end", {{"line", line}, {"character", 0}}}}},
         {"command", {{"title", title}, {"command", ""}}}});
  }
  return lenses;
}

}  // namespace fa::lsp
