// The analyzer entry point: a request (files, compilation database, flags, config) in, a Report out.
// Used by fa-check and fa-lsp; it prints nothing and writes no files.
#pragma once

#include "fa_check/config.hpp"
#include "fa_check/report.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace fa::check {

struct Request {
  std::vector<std::string> files;       // TUs to analyse; empty with build_dir = every TU in the database
  std::string build_dir;                // directory holding compile_commands.json ("" = use extra_args)
  std::vector<std::string> extra_args;  // flags after `--` (used when there is no database)
  std::string resource_dir;             // Clang resource dir ("" = the one baked in at build time)
  Config config;
  unsigned jobs = 1;                  // TUs analysed in parallel, each in its own process
  bool isolate = true;                // run each TU in a child process (crash isolation)
  std::chrono::seconds timeout{300};  // per TU, when isolated
  // Called as each TU finishes (index is 1-based, in completion order).
  std::function<void(std::size_t index, std::size_t total, const std::string& file)> on_progress;
  // --fail-fast: called with each finished TU's findings (and whether it was a tool error); when it
  // returns true no further TU is started, the running ones finish, and the report lists only the
  // TUs that were analysed.
  std::function<bool(const std::vector<Finding>& findings, bool tool_error)> stop_after;
  // Source text overrides (the LSP's unsaved buffers): path -> contents.
  std::vector<std::pair<std::string, std::string>> overlays;
  // Polled while TUs run (about every 50 ms, from the calling thread): once it returns true, the
  // running workers are killed, no further TU starts and analyze() throws Cancelled.
  std::function<bool()> cancelled;
};

class RequestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// analyze() stopped because Request::cancelled returned true.
class Cancelled : public RequestError {
 public:
  using RequestError::RequestError;
};

// Throws RequestError when the request itself is unusable (no database, no files).
Report analyze(const Request& request);

std::string default_resource_dir();

}  // namespace fa::check
