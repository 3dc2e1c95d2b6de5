// Types describing FA diagnostic codes. The codes themselves and their metadata
// are generated from docs/diagnostics/catalog.json into <framealloc/diagnostic_codes.hpp>.
#pragma once

#include <cstdint>
#include <string_view>

namespace fa {

enum class Severity : std::uint8_t { Hint, Warning, Error };

// Where a code can be reported from: the running allocator, fa-check, or both.
enum class Origin : std::uint8_t { Runtime, Static, Both };

enum class Code : std::uint16_t;  // defined in the generated diagnostic_codes.hpp

struct CodeInfo {
  Code code;
  std::string_view id;        // "FA001"
  std::string_view name;      // kebab-case, e.g. "frame-alloc-outside-frame"
  std::string_view category;  // "frame", "engine", "thread", "budget", ...
  Severity default_severity;
  Origin origin;
  std::string_view summary;
  std::string_view description;
  std::string_view incorrect_example;
  std::string_view correct_example;
  std::string_view help;
  // The catalog's optional mechanical fix (empty when there is none): at the diagnostic's range,
  // replace the identifier fix_from with fix_to. fa-lsp offers it as a quick fix.
  std::string_view fix_title;
  std::string_view fix_from;
  std::string_view fix_to;
};

constexpr std::string_view to_string(Severity s) noexcept {
  switch (s) {
    case Severity::Hint:
      return "hint";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
  }
  return "unknown";
}

constexpr std::string_view to_string(Origin o) noexcept {
  switch (o) {
    case Origin::Runtime:
      return "runtime";
    case Origin::Static:
      return "static";
    case Origin::Both:
      return "both";
  }
  return "unknown";
}

}  // namespace fa
