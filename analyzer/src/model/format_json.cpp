#include "fa_check/formats.hpp"
#include "fa_check/report_json.hpp"

namespace fa::check {

std::string format_json(const Report& r, const FormatOptions& o) {
  nlohmann::json diags = nlohmann::json::array();
  std::size_t counts[3] = {0, 0, 0};
  for (const Finding& f : r.findings) {
    nlohmann::json d = to_json(f);
    d["location"]["file"] = relative_path(f.location.file, o.root);
    for (auto& n : d["notes"])
      n["location"]["file"] = relative_path(n["location"]["file"].get<std::string>(), o.root);
    d["fingerprint"] = fingerprint(f, o.root);
    d.erase("source_line");
    diags.push_back(std::move(d));
    counts[static_cast<int>(f.severity)]++;
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const TuError& e : r.errors)
    errors.push_back({{"file", relative_path(e.file, o.root)}, {"message", e.message}});
  nlohmann::json files = nlohmann::json::array();
  for (const std::string& f : r.files) files.push_back(relative_path(f, o.root));
  nlohmann::json doc = {{"tool", {{"name", "fa-check"}, {"version", o.tool_version}}},
                        {"files", files},
                        {"duration_seconds", r.seconds},
                        {"diagnostics", diags},
                        {"tool_errors", errors},
                        {"summary",
                         {{"files", r.files.size()},
                          {"errors", counts[static_cast<int>(Severity::Error)]},
                          {"warnings", counts[static_cast<int>(Severity::Warning)]},
                          {"hints", counts[static_cast<int>(Severity::Hint)]},
                          {"tool_errors", r.errors.size()}}}};
  return doc.dump(2) + "\n";
}

}  // namespace fa::check
