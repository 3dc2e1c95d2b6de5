#include "fa_check/report_json.hpp"

#include <stdexcept>

namespace fa::check {

nlohmann::json to_json(const Location& l) {
  return {{"file", l.file},
          {"line", l.line},
          {"column", l.column},
          {"end_line", l.end_line},
          {"end_column", l.end_column}};
}

nlohmann::json to_json(const Finding& f) {
  nlohmann::json notes = nlohmann::json::array();
  for (const Note& n : f.notes) notes.push_back({{"location", to_json(n.location)}, {"message", n.message}});
  return {{"code", f.code},
          {"severity", std::string(to_string(f.severity))},
          {"message", f.message},
          {"location", to_json(f.location)},
          {"notes", notes},
          {"help", f.help},
          {"source_line", f.source_line}};
}

Location location_from_json(const nlohmann::json& j) {
  Location l;
  l.file = j.at("file").get<std::string>();
  l.line = j.at("line").get<unsigned>();
  l.column = j.at("column").get<unsigned>();
  l.end_line = j.at("end_line").get<unsigned>();
  l.end_column = j.at("end_column").get<unsigned>();
  return l;
}

Finding finding_from_json(const nlohmann::json& j) {
  Finding f;
  f.code = j.at("code").get<std::string>();
  const std::string sev = j.at("severity").get<std::string>();
  if (sev == "error") {
    f.severity = Severity::Error;
  } else if (sev == "warning") {
    f.severity = Severity::Warning;
  } else if (sev == "hint") {
    f.severity = Severity::Hint;
  } else {
    throw std::invalid_argument("unknown severity '" + sev + "'");
  }
  f.message = j.at("message").get<std::string>();
  f.location = location_from_json(j.at("location"));
  for (const auto& n : j.at("notes")) {
    f.notes.push_back(Note{location_from_json(n.at("location")), n.at("message").get<std::string>()});
  }
  f.help = j.value("help", "");
  f.source_line = j.value("source_line", "");
  return f;
}

}  // namespace fa::check

namespace fa::check {

Report report_from_json_document(const std::string& text) {
  Report r;
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    for (const auto& f : j.at("files")) r.files.push_back(f.get<std::string>());
    for (const auto& d : j.at("diagnostics")) r.findings.push_back(finding_from_json(d));
    for (const auto& e : j.at("tool_errors")) {
      r.errors.push_back(TuError{e.at("file").get<std::string>(), e.at("message").get<std::string>()});
    }
    r.seconds = j.value("duration_seconds", 0.0);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("not a fa-check JSON report: ") + e.what());
  }
  return r;
}

}  // namespace fa::check
