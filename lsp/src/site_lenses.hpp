// Allocation-site figures from the latest snapshot as code lenses: bytes and count at the line that
// allocates, with the change since the previous snapshot held.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace fa::lsp {

// True when a snapshot's site file (often relative, as __FILE__ was spelled) names `path`.
bool site_matches(const std::string& site_file, const std::string& path);

// CodeLens[] for `path`; `previous` may be null. Empty when `latest` is null.
nlohmann::json site_lenses(const std::string& path, const nlohmann::json* latest,
                           const nlohmann::json* previous);

}  // namespace fa::lsp
