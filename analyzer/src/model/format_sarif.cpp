// SARIF 2.1.0 for GitHub code scanning: rules from the catalog, repo-relative URIs, full regions,
// partialFingerprints.primaryLocationLineHash.
#include "fa_check/formats.hpp"

#include <framealloc/diagnostic_codes.hpp>
#include <nlohmann/json.hpp>

#include <map>

namespace fa::check {
namespace {

std::string level_of(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Hint:
      return "note";
  }
  return "none";
}

nlohmann::json physical(const Location& l, const FormatOptions& o) {
  nlohmann::json region = {{"startLine", std::max(1u, l.line)},
                           {"startColumn", std::max(1u, l.column)},
                           {"endLine", std::max({1u, l.end_line, l.line})},
                           // SARIF end columns are exclusive.
                           {"endColumn", std::max(1u, l.end_column) + 1}};
  if (l.end_line == l.line && l.end_column < l.column) region["endColumn"] = std::max(1u, l.column) + 1;
  return {{"artifactLocation", {{"uri", relative_path(l.file, o.root)}, {"uriBaseId", "%SRCROOT%"}}},
          {"region", region}};
}

nlohmann::json rule(const CodeInfo& info) {
  return {{"id", std::string(info.id)},
          {"name", std::string(info.name)},
          {"shortDescription", {{"text", std::string(info.summary)}}},
          {"fullDescription", {{"text", std::string(info.description)}}},
          {"help", {{"text", std::string(info.help)}}},
          {"defaultConfiguration", {{"level", level_of(info.default_severity)}}},
          {"properties", {{"category", std::string(info.category)}, {"tags", {std::string(info.category)}}}}};
}

}  // namespace

std::string format_sarif(const Report& r, const FormatOptions& o) {
  nlohmann::json rules = nlohmann::json::array();
  std::map<std::string, int> rule_index;
  for (const CodeInfo& info : kCatalog) {
    if (info.origin == Origin::Runtime) continue;  // only codes fa-check can report
    rule_index[std::string(info.id)] = static_cast<int>(rules.size());
    rules.push_back(rule(info));
  }
  nlohmann::json results = nlohmann::json::array();
  for (const Finding& f : r.findings) {
    nlohmann::json res = {{"ruleId", f.code},
                          {"level", level_of(f.severity)},
                          {"message", {{"text", f.message + (f.help.empty() ? "" : "\nhelp: " + f.help)}}},
                          {"locations", {{{"physicalLocation", physical(f.location, o)}}}},
                          {"partialFingerprints", {{"primaryLocationLineHash", fingerprint(f, o.root)}}}};
    if (auto it = rule_index.find(f.code); it != rule_index.end()) res["ruleIndex"] = it->second;
    if (!f.notes.empty()) {
      nlohmann::json related = nlohmann::json::array();
      int id = 0;
      for (const Note& n : f.notes) {
        related.push_back({{"id", id++},
                           {"physicalLocation", physical(n.location, o)},
                           {"message", {{"text", n.message}}}});
      }
      res["relatedLocations"] = related;
    }
    results.push_back(std::move(res));
  }
  nlohmann::json notifications = nlohmann::json::array();
  for (const TuError& e : r.errors) {
    nlohmann::json artifact = {{"uri", relative_path(e.file, o.root)}, {"uriBaseId", "%SRCROOT%"}};
    nlohmann::json loc = {{"physicalLocation", {{"artifactLocation", artifact}}}};
    nlohmann::json n = {{"level", "error"}, {"message", {{"text", e.message}}}};
    n["locations"] = nlohmann::json::array({loc});
    notifications.push_back(std::move(n));
  }
  nlohmann::json run = {
      {"tool",
       {{"driver",
         {{"name", "fa-check"},
          {"version", o.tool_version},
          {"semanticVersion", o.tool_version},
          {"informationUri", "https://github.com/framealloc/framealloc-cpp"},
          {"rules", rules}}}}},
      {"invocations",
       {{{"executionSuccessful", r.errors.empty()}, {"toolExecutionNotifications", notifications}}}},
      {"results", results}};
  if (!o.root.empty()) {
    std::string uri = "file://" + o.root + (o.root.back() == '/' ? "" : "/");
    run["originalUriBaseIds"] = {{"%SRCROOT%", {{"uri", uri}}}};
  }
  nlohmann::json doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", {run}}};
  return doc.dump(2) + "\n";
}

}  // namespace fa::check
