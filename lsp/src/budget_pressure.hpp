// Budget pressure as diagnostics: a tag at or over its budget in the latest snapshot is shown as
// an FA302 warning where the document opens that tag (with_tag / push_tag / TagScope literal).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace fa::lsp {

// Diagnostics for `text` (empty when `latest` is null or no over-budget tag is opened there).
nlohmann::json budget_diagnostics(const nlohmann::json* latest, const std::string& text);

}  // namespace fa::lsp
