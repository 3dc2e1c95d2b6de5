#include "diagnostics.hpp"

#include "documents.hpp"

#include <fstream>
#include <sstream>

namespace fa::lsp {

using nlohmann::json;

namespace {

json position(std::string_view line, unsigned line1, unsigned byte_col0) {
  return {{"line", line1 == 0 ? 0 : line1 - 1}, {"character", utf16_column(line, byte_col0)}};
}

// Notes may point into other files (headers); their text comes from disk.
std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int lsp_severity(fa::Severity severity) {
  switch (severity) {
    case fa::Severity::Error:
      return 1;
    case fa::Severity::Warning:
      return 2;
    case fa::Severity::Hint:
      return 4;
  }
  return 2;
}

json lsp_range(const fa::check::Location& loc, const std::string& text) {
  const unsigned line = loc.line == 0 ? 1 : loc.line;
  const unsigned col0 = loc.column == 0 ? 0 : loc.column - 1;
  const std::string_view start_line = line_at(text, line - 1);
  unsigned end_line = loc.end_line == 0 ? line : loc.end_line;
  unsigned end_col = loc.end_column;  // inclusive 1-based last byte == exclusive 0-based end
  if (end_line < line || (end_line == line && end_col <= col0)) {
    end_line = line;  // no usable end: underline the rest of the token
    end_col = col0;
    while (end_col < start_line.size() && start_line[end_col] != ' ' && start_line[end_col] != ';') ++end_col;
    if (end_col == col0) end_col = static_cast<unsigned>(start_line.size());
  }
  return {{"start", position(start_line, line, col0)},
          {"end", position(line_at(text, end_line - 1), end_line, end_col)}};
}

json diagnostics_for(const fa::check::Report& report, const std::string& path, const std::string& text,
                     const DiagnosticOptions& options) {
  json out = json::array();
  for (const fa::check::Finding& f : report.findings) {
    if (f.location.file != path) continue;
    json d = {{"range", lsp_range(f.location, text)},
              {"severity", lsp_severity(f.severity)},
              {"code", f.code},
              {"source", "fa-check"},
              {"message", f.help.empty() ? f.message : f.message + "\nhelp: " + f.help}};
    if (!options.docs_base_uri.empty())
      d["codeDescription"] = {{"href", options.docs_base_uri + "/" + f.code + ".md"}};
    json related = json::array();
    for (const fa::check::Note& n : f.notes) {
      const std::string note_text = n.location.file == path ? text : file_text(n.location.file);
      related.push_back(
          {{"location", {{"uri", path_to_uri(n.location.file)}, {"range", lsp_range(n.location, note_text)}}},
           {"message", n.message}});
    }
    if (!related.empty()) d["relatedInformation"] = std::move(related);
    out.push_back(std::move(d));
  }
  for (const fa::check::TuError& e : report.errors) {
    if (e.file != path) continue;
    out.push_back(
        {{"range", {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}}},
         {"severity", 1},
         {"source", "fa-check"},
         {"message", "fa-check could not analyse this file: " + e.message}});
  }
  return out;
}

}  // namespace fa::lsp
