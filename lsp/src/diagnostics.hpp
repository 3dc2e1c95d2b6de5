// Analyzer findings -> LSP Diagnostic objects for one document (UTF-16 ranges, code, docs link,
// related information). A TU that failed to parse becomes an error diagnostic, never "no problems".
#pragma once

#include "fa_check/report.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace fa::lsp {

struct DiagnosticOptions {
  std::string docs_base_uri;  // "<base>/FA601.md" is each code's codeDescription.href
};

// Diagnostics of `report` whose primary location is `path`. `text` is the document as analysed
// (used to convert byte columns to UTF-16); `read_file` would be wrong for unsaved buffers.
nlohmann::json diagnostics_for(const fa::check::Report& report, const std::string& path,
                               const std::string& text, const DiagnosticOptions& options);

// LSP Range for a 1-based, end-inclusive byte location inside `text`.
nlohmann::json lsp_range(const fa::check::Location& loc, const std::string& text);

int lsp_severity(fa::Severity severity);

}  // namespace fa::lsp
