#include "hover_actions.hpp"

#include "catalog_fix.hpp"
#include "documents.hpp"

#include <framealloc/diagnostic_codes.hpp>

#include <array>
#include <utility>

namespace fa::lsp {

using nlohmann::json;

std::optional<std::string> explain_code(std::string_view code) {
  const fa::CodeInfo* info = fa::find_code(code);
  if (info == nullptr) return std::nullopt;
  std::string md = "**" + std::string(info->id) + "** `" + std::string(info->name) + "` (" +
                   std::string(fa::to_string(info->default_severity)) + ")\n\n" + std::string(info->summary) +
                   "\n\n" + std::string(info->description);
  if (!info->incorrect_example.empty())
    md += "\n\nIncorrect:\n```cpp\n" + std::string(info->incorrect_example) + "\n```";
  if (!info->correct_example.empty())
    md += "\n\nCorrect:\n```cpp\n" + std::string(info->correct_example) + "\n```";
  if (!info->help.empty()) md += "\n\n**Fix:** " + std::string(info->help);
  return md;
}

namespace {

bool before(const json& a, const json& b) {
  return a.at("line").get<long>() < b.at("line").get<long>() ||
         (a.at("line") == b.at("line") && a.at("character").get<long>() < b.at("character").get<long>());
}

bool contains(const json& range, const json& pos) {
  return !before(pos, range.at("start")) && before(pos, range.at("end"));
}

// Allocation calls whose lifetime rules a hover explains.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kAllocCalls = {{
    {"frame_alloc", "FA601"},
    {"frame_alloc_batch", "FA601"},
    {"frame_box", "FA601"},
    {"frame_vec", "FA002"},
    {"frame_map", "FA002"},
    {"frame_box_for_transfer", "FA201"},
}};

std::string identifier_at(std::string_view line, std::size_t col) {
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (col > line.size()) return {};
  std::size_t b = col;
  while (b > 0 && ident(line[b - 1])) --b;
  std::size_t e = col;
  while (e < line.size() && ident(line[e])) ++e;
  return std::string(line.substr(b, e - b));
}

}  // namespace

json hover(const json& published, const std::string& text, const json& position) {
  std::string md;
  for (const json& d : published) {
    if (!d.contains("code") || !contains(d.at("range"), position)) continue;
    if (auto e = explain_code(d.at("code").get<std::string>())) md += (md.empty() ? "" : "\n\n---\n\n") + *e;
  }
  if (md.empty()) {
    // ASCII identifiers: UTF-16 and byte columns agree up to the cursor on typical code lines.
    const std::string_view line = line_at(text, position.at("line").get<unsigned>());
    const std::string word = identifier_at(line, position.at("character").get<std::size_t>());
    for (const auto& [call, code] : kAllocCalls) {
      if (word != call) continue;
      md = "`" + word + "`: frame memory, valid until this thread's `end_frame()`.\n\n" + *explain_code(code);
    }
  }
  if (md.empty()) return nullptr;
  return {{"contents", {{"kind", "markdown"}, {"value", md}}}};
}

json code_actions(const std::string& uri, const std::string& text, const json& context) {
  json actions = json::array();
  if (!context.contains("diagnostics")) return actions;
  for (const json& d : context.at("diagnostics")) {
    if (d.value("source", "") != "fa-check" || !d.contains("code") || !d.at("code").is_string()) continue;
    const std::string code = d.at("code").get<std::string>();
    if (auto fix = catalog_fix_action(uri, text, d)) actions.push_back(std::move(*fix));
    const unsigned line = d.at("range").at("start").at("line").get<unsigned>();
    const std::string_view src = line_at(text, line);
    const std::string indent(src.substr(0, src.find_first_not_of(" \t") == std::string_view::npos
                                               ? src.size()
                                               : src.find_first_not_of(" \t")));
    json edit = {
        {"range",
         {{"start", {{"line", line}, {"character", 0}}}, {"end", {{"line", line}, {"character", 0}}}}},
        {"newText", indent + "// fa-check: allow(" + code + ") reason\n"}};
    actions.push_back({{"title", "Suppress " + code + " on this line"},
                       {"kind", "quickfix"},
                       {"diagnostics", json::array({d})},
                       {"edit", {{"changes", {{uri, json::array({edit})}}}}}});
  }
  return actions;
}

}  // namespace fa::lsp
