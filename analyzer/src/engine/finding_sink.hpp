// Turns Clang source ranges into report Findings: system headers skipped, suppression comments
// honoured, the same finding reported once.
#pragma once

#include "fa_check/config.hpp"
#include "fa_check/report.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/Basic/SourceManager.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace fa::check {

struct NoteAt {
  clang::SourceLocation at;
  std::string message;
};

class FindingSink {
 public:
  FindingSink(clang::ASTContext& ctx, const Config& config) : ctx_(ctx), config_(config) {}

  // Reports `code` at `primary` unless it is in a system header, suppressed, turned off by
  // the config, or already reported there.
  void report(std::string_view code, clang::SourceRange primary, std::string message,
              std::vector<NoteAt> notes, std::string help = {});

  std::vector<Finding> take() { return std::move(findings_); }

 private:
  Location location(clang::SourceRange r) const;
  std::string line_text(clang::SourceLocation at, int delta) const;

  clang::ASTContext& ctx_;
  const Config& config_;
  std::vector<Finding> findings_;
  std::set<std::tuple<std::string, std::string, unsigned, unsigned>> seen_;
};

}  // namespace fa::check
