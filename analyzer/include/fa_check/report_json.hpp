// JSON form of the report model (the json output format, and how isolated TU workers hand back results).
#pragma once

#include "fa_check/report.hpp"

#include <nlohmann/json.hpp>

namespace fa::check {

nlohmann::json to_json(const Location& l);
nlohmann::json to_json(const Finding& f);
Location location_from_json(const nlohmann::json& j);
Finding finding_from_json(const nlohmann::json& j);  // throws nlohmann::json::exception on bad input

}  // namespace fa::check

namespace fa::check {

// Reads back a document written by format_json (for `fa-check show`). Throws std::runtime_error.
Report report_from_json_document(const std::string& text);

}  // namespace fa::check
