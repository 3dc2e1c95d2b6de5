#include "fa_check/formats.hpp"

#include <map>

namespace fa::check {

std::optional<Format> parse_format(const std::string& name) {
  static const std::map<std::string, Format> kNames = {
      {"text", Format::Text},   {"compact", Format::Compact}, {"json", Format::Json},
      {"sarif", Format::Sarif}, {"junit", Format::Junit},     {"checkstyle", Format::Checkstyle}};
  auto it = kNames.find(name);
  if (it == kNames.end()) return std::nullopt;
  return it->second;
}

namespace {

std::string where(const Location& l, const FormatOptions& o) {
  return relative_path(l.file, o.root) + ":" + std::to_string(l.line) + ":" + std::to_string(l.column);
}

// The source line and a caret under the primary range, clang style.
std::string snippet(const Finding& f) {
  if (f.source_line.empty() || f.location.column == 0) return {};
  std::string caret;
  for (unsigned i = 1; i < f.location.column && i <= f.source_line.size(); ++i) {
    caret += f.source_line[i - 1] == '\t' ? '\t' : ' ';
  }
  caret += '^';
  if (f.location.end_line == f.location.line && f.location.end_column > f.location.column) {
    caret += std::string(f.location.end_column - f.location.column, '~');
  }
  return f.source_line + "\n" + caret + "\n";
}

std::string summary_line(const Report& r) {
  std::size_t errors = 0, warnings = 0, hints = 0;
  for (const Finding& f : r.findings) {
    (f.severity == Severity::Error ? errors : f.severity == Severity::Warning ? warnings : hints)++;
  }
  return std::to_string(r.files.size()) + " file(s) analysed: " + std::to_string(errors) + " error(s), " +
         std::to_string(warnings) + " warning(s), " + std::to_string(hints) + " hint(s), " +
         std::to_string(r.errors.size()) + " tool error(s)\n";
}

}  // namespace

std::string format_text(const Report& r, const FormatOptions& o) {
  std::string out;
  for (const Finding& f : r.findings) {
    out += where(f.location, o) + ": " + std::string(to_string(f.severity)) + ": " + f.message + " [" +
           f.code + "]\n";
    out += snippet(f);
    for (const Note& n : f.notes) out += where(n.location, o) + ": note: " + n.message + "\n";
    if (!f.help.empty()) out += "  help: " + f.help + "\n";
  }
  for (const TuError& e : r.errors) out += relative_path(e.file, o.root) + ": fatal: " + e.message + "\n";
  out += summary_line(r);
  return out;
}

std::string format_compact(const Report& r, const FormatOptions& o) {
  std::string out;
  for (const Finding& f : r.findings) {
    out += where(f.location, o) + ": " + std::string(to_string(f.severity)) + ": " + f.code + ": " +
           f.message + "\n";
  }
  for (const TuError& e : r.errors) {
    std::string first = e.message.substr(0, e.message.find('\n'));
    out += relative_path(e.file, o.root) + ": fatal: " + first + "\n";
  }
  return out;
}

std::string format_report(const Report& r, Format f, const FormatOptions& o) {
  switch (f) {
    case Format::Text:
      return format_text(r, o);
    case Format::Compact:
      return format_compact(r, o);
    case Format::Json:
      return format_json(r, o);
    case Format::Sarif:
      return format_sarif(r, o);
    case Format::Junit:
      return format_junit(r, o);
    case Format::Checkstyle:
      return format_checkstyle(r, o);
  }
  return {};
}

}  // namespace fa::check
