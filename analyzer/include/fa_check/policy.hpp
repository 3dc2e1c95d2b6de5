// What the command line decides about a finished report: which findings are shown, at which
// severity, which ones are already known (baseline), and whether the run fails.
#pragma once

#include "fa_check/report.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>

namespace fa::check {

struct Policy {
  std::set<std::string> deny;   // reported as errors
  std::set<std::string> allow;  // dropped
  std::set<std::string> only;   // when not empty: every other code is dropped
  std::set<std::string> skip;   // dropped
  std::optional<Severity> min_severity;
  bool deny_warnings = false;  // warnings fail the run too
};

void apply_policy(Report& report, const Policy& policy);
bool fails(const Report& report, const Policy& policy);

// Baseline files: the fingerprints of accepted findings (JSON). Findings present in the
// baseline are dropped, counting duplicates, so one more copy of a known mistake is still new.
std::string write_baseline(const Report& report, const std::string& root);
std::multiset<std::string> parse_baseline(const std::string& text,
                                          const std::string& path);  // throws std::runtime_error
void apply_baseline(Report& report, std::multiset<std::string> known, const std::string& root);

}  // namespace fa::check
