// Report writers: text, compact, json, sarif, junit, checkstyle. Pure functions returning the
// document; the caller decides where it goes.
#pragma once

#include "fa_check/report.hpp"

#include <optional>
#include <string>

namespace fa::check {

enum class Format { Text, Compact, Json, Sarif, Junit, Checkstyle };

std::optional<Format> parse_format(const std::string& name);

struct FormatOptions {
  std::string root;          // repository root: SARIF URIs and fingerprints are relative to it
  std::string tool_version;  // e.g. "0.1.0"
};

std::string format_text(const Report& r, const FormatOptions& o);
std::string format_compact(const Report& r, const FormatOptions& o);
std::string format_json(const Report& r, const FormatOptions& o);
std::string format_sarif(const Report& r, const FormatOptions& o);
std::string format_junit(const Report& r, const FormatOptions& o);
std::string format_checkstyle(const Report& r, const FormatOptions& o);
std::string format_report(const Report& r, Format f, const FormatOptions& o);

}  // namespace fa::check
