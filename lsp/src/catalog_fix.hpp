// The catalog's mechanical fixes ("fix": replace one identifier) as LSP quick fixes.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace fa::lsp {

// A quickfix CodeAction for an fa-check `diagnostic` whose code has a catalog fix, when the
// identifier to replace occurs exactly once inside the diagnostic's range of `text` (as a whole
// word); nullopt otherwise, so an edit is never offered on text that does not match.
std::optional<nlohmann::json> catalog_fix_action(const std::string& uri, const std::string& text,
                                                 const nlohmann::json& diagnostic);

}  // namespace fa::lsp
