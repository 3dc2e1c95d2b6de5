// Hover (the catalog's explanation of a code) and code actions (catalog fixes, suppression comments).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace fa::lsp {

// Markdown explanation of an FA code from the generated catalog; nullopt for unknown codes.
std::optional<std::string> explain_code(std::string_view code);

// Hover for `position` ({line, character}) given the diagnostics published for the document and
// its text: a diagnostic under the cursor wins, else an allocation call under the cursor.
nlohmann::json hover(const nlohmann::json& published, const std::string& text,
                     const nlohmann::json& position);

// Code actions for the fa-check diagnostics in `context.diagnostics`: the catalog's fix where it
// applies (see catalog_fix.hpp), then a suppression comment.
nlohmann::json code_actions(const std::string& uri, const std::string& text, const nlohmann::json& context);

}  // namespace fa::lsp
