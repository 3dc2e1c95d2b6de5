#include "budget_pressure.hpp"

#include "documents.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace fa::lsp {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 3> kTagOpeners = {"with_tag(", "push_tag(", "TagScope"};

bool opens_tags(std::string_view line) {
  for (std::string_view opener : kTagOpeners)
    if (line.find(opener) != std::string_view::npos) return true;
  return false;
}

}  // namespace

json budget_diagnostics(const json* latest, const std::string& text) {
  json out = json::array();
  if (latest == nullptr || !latest->contains("budgets") || !latest->at("budgets").contains("tags"))
    return out;
  for (const json& b : latest->at("budgets").at("tags")) {
    const auto limit = b.value("limit", std::uint64_t{0});
    const auto used = b.value("used", std::uint64_t{0});
    const auto peak = b.value("peak", std::uint64_t{0});
    if (limit == 0 || (used < limit && peak <= limit)) continue;
    const std::string path = b.value("tag", "");
    const std::string leaf = path.substr(path.rfind("::") == std::string::npos ? 0 : path.rfind("::") + 2);
    const std::string message = "tag '" + path + "' " + (used >= limit ? "is at or over" : "peaked over") +
                                " its budget in the latest snapshot: used " + std::to_string(used) +
                                " B, peak " + std::to_string(peak) + " B, limit " + std::to_string(limit) +
                                " B";
    const std::string_view all(text);
    unsigned line0 = 0;
    for (std::size_t pos = 0; pos <= all.size(); ++line0) {
      auto nl = all.find('\n', pos);
      if (nl == std::string_view::npos) nl = all.size();
      std::string_view line = all.substr(pos, nl - pos);
      pos = nl + 1;
      if (!opens_tags(line)) continue;
      for (const std::string& name : {path, leaf}) {
        const auto at = line.find("\"" + name + "\"");
        if (at == std::string_view::npos) continue;
        const auto first = static_cast<unsigned>(at);
        const auto last = static_cast<unsigned>(at + name.size() + 2);
        out.push_back({{"range",
                        {{"start", {{"line", line0}, {"character", utf16_column(line, first)}}},
                         {"end", {{"line", line0}, {"character", utf16_column(line, last)}}}}},
                       {"severity", 2},
                       {"code", "FA302"},
                       {"source", "fa-check"},
                       {"message", message}});
        break;
      }
    }
  }
  return out;
}

}  // namespace fa::lsp
