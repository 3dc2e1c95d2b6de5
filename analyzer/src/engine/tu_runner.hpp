// Runs the checks over one translation unit with Clang LibTooling (in the calling process).
#pragma once

#include "fa_check/analyzer.hpp"

#include <clang/Tooling/CompilationDatabase.h>

#include <optional>
#include <string>
#include <vector>

namespace fa::check {

struct TuResult {
  std::vector<Finding> findings;
  std::optional<std::string> error;  // set when the TU did not parse (never reported as clean)
};

TuResult analyze_tu(const clang::tooling::CompilationDatabase& db, const std::string& file,
                    const Request& request);

// Command-line flags GCC accepts and Clang rejects are dropped before parsing.
std::vector<std::string> strip_gcc_only_flags(const std::vector<std::string>& args);

}  // namespace fa::check
