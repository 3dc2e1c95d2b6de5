// The report model shared by fa-check and fa-lsp: what an analysis run found. No LLVM, no I/O.
#pragma once

#include <framealloc/diagnostic_types.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace fa::check {

// A 1-based source position range. `file` is the path as the compilation database names it
// (made absolute by the engine); end_* point at the last character of the range.
struct Location {
  std::string file;
  unsigned line = 0;
  unsigned column = 0;
  unsigned end_line = 0;
  unsigned end_column = 0;

  friend bool operator==(const Location&, const Location&) = default;
};

struct Note {
  Location location;
  std::string message;
};

struct Finding {
  std::string code;  // "FA601"
  Severity severity = Severity::Warning;
  std::string message;
  Location location;
  std::vector<Note> notes;  // where the frame memory came from, where the frame ended, ...
  std::string help;         // fix hint
  std::string source_line;  // the primary line's text (for the text format and fingerprints)
};

// A translation unit that could not be analysed: never reported as clean.
struct TuError {
  std::string file;
  std::string message;
};

struct Report {
  std::vector<std::string> files;  // translation units analysed, in request order
  std::vector<Finding> findings;   // sorted by file, line, column, code
  std::vector<TuError> errors;
  double seconds = 0.0;
};

// Sorts findings into the deterministic report order and drops exact duplicates
// (the same header finding reached through several TUs).
void normalize(Report& report);

// A fingerprint stable under edits of unrelated lines: code, file and the primary
// line's whitespace-normalised text (plus an occurrence index added by the baseline).
// Paths under `root` are taken relative to it, so the fingerprint does not depend on the checkout.
std::string fingerprint(const Finding& finding, std::string_view root = {});

// `file` relative to `root` when it lies under it, else unchanged.
std::string relative_path(const std::string& file, std::string_view root);

}  // namespace fa::check
