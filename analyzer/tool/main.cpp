// fa-check: command line front end over the analyzer core. Exit codes: 0 clean (nothing at or
// above the failing level), 1 findings that fail, 2 tool error.
#include "fa_check/analyzer.hpp"
#include "fa_check/formats.hpp"
#include "fa_check/policy.hpp"
#include "fa_check/report_json.hpp"

#include <framealloc/diagnostic_codes.hpp>
#include <framealloc/version.hpp>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

namespace {

using namespace fa::check;

constexpr int kClean = 0;
constexpr int kFindings = 1;
constexpr int kToolError = 2;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error(path + ": cannot write");
}

void require_codes(const std::vector<std::string>& codes, const char* option) {
  for (const std::string& c : codes) {
    if (fa::find_code(c) == nullptr) throw CLI::ValidationError(option, "unknown FA code '" + c + "'");
  }
}

int explain(const std::string& code) {
  const fa::CodeInfo* info = fa::find_code(code);
  if (info == nullptr) {
    std::cerr << "fa-check: unknown code '" << code << "' (see fa-check list)\n";
    return kToolError;
  }
  std::cout << info->id << " " << info->name << " (" << info->category << ", "
            << fa::to_string(info->default_severity) << ", " << fa::to_string(info->origin) << ")\n\n"
            << info->summary << "\n\n"
            << info->description << "\n\nIncorrect:\n\n"
            << info->incorrect_example << "\n\nCorrect:\n\n"
            << info->correct_example << "\n\nHelp: " << info->help << "\n";
  return kClean;
}

int list(const std::string& category) {
  bool any = false;
  for (const fa::CodeInfo& info : fa::kCatalog) {
    if (!category.empty() && info.category != category) continue;
    any = true;
    std::cout << info.id << "  " << info.name << "  [" << info.category << ", "
              << fa::to_string(info.default_severity) << ", " << fa::to_string(info.origin) << "]  "
              << info.summary << "\n";
  }
  if (!any) {
    std::cerr << "fa-check: no codes in category '" << category << "'\n";
    return kToolError;
  }
  return kClean;
}

int init(const std::string& path, bool force) {
  if (std::filesystem::exists(path) && !force) {
    std::cerr << "fa-check: " << path << " already exists (use --force to overwrite)\n";
    return kToolError;
  }
  write_file(path, default_config_text());
  parse_config(default_config_text(), path);  // what we write must load
  std::cout << "wrote " << path << "\n";
  return kClean;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fa-check: static analysis for framealloc frame memory"};
  app.require_subcommand(0, 1);

  std::string build_dir, format_name = "text", output, config_path, baseline, write_baseline_path, root,
                         resource_dir, min_severity;
  std::vector<std::string> files, deny, allow, only, skip, exclude;
  bool deny_warnings = false, fail_fast = false, progress = false, no_isolate = false;
  unsigned jobs = 1, timeout = 300;
  app.add_option("-p,--build-dir", build_dir, "directory containing compile_commands.json");
  app.add_option("files", files,
                 "source files (default: every TU in the database); flags for Clang after --");
  app.add_option("--format", format_name, "text, compact, json, sarif, junit or checkstyle")
      ->check(CLI::IsMember({"text", "compact", "json", "sarif", "junit", "checkstyle"}));
  app.add_option("-o,--output", output, "write the report to FILE instead of stdout");
  app.add_option("--deny", deny, "report CODE as an error")->delimiter(',')->allow_extra_args(false);
  app.add_option("--allow", allow, "do not report CODE")->delimiter(',')->allow_extra_args(false);
  app.add_flag("--deny-warnings", deny_warnings, "warnings fail the run");
  app.add_option("--min-severity", min_severity, "hint, warning or error: hide findings below")
      ->check(CLI::IsMember({"hint", "warning", "error"}));
  app.add_option("--only", only, "report only these codes")->delimiter(',')->allow_extra_args(false);
  app.add_option("--skip", skip, "do not report these codes")->delimiter(',')->allow_extra_args(false);
  app.add_option("--exclude", exclude, "skip files matching GLOB (repeatable)")->allow_extra_args(false);
  app.add_flag("--fail-fast", fail_fast, "stop after the first TU with a tool error or failing finding");
  app.add_option("-j,--jobs", jobs, "analyse N TUs in parallel")->check(CLI::Range(1u, 256u));
  app.add_option("--timeout", timeout, "seconds per TU before it is a tool error")
      ->check(CLI::Range(1u, 86400u));
  app.add_option("--config", config_path,
                 "configuration file (default: .fa.toml in the current directory if present)");
  app.add_option("--baseline", baseline, "ignore findings recorded in this baseline file");
  app.add_option("--write-baseline", write_baseline_path, "record the current findings as the baseline");
  app.add_flag("--progress", progress, "print [n/N] file to stderr as TUs finish");
  app.add_option("--root", root, "repository root for relative paths (default: current directory)");
  app.add_option("--resource-dir", resource_dir,
                 "Clang resource directory (default: " + default_resource_dir() + ")");
  app.add_flag("--no-isolation", no_isolate, "analyse in this process (no crash isolation; for debugging)");

  auto* explain_cmd = app.add_subcommand("explain", "describe an FA code");
  std::string explain_code;
  explain_cmd->add_option("code", explain_code)->required();
  auto* list_cmd = app.add_subcommand("list", "list FA codes");
  std::string category;
  list_cmd->add_option("--category", category, "only this category");
  auto* show_cmd = app.add_subcommand("show", "print a saved JSON report as text");
  std::string show_file;
  show_cmd->add_option("file", show_file)->required();
  auto* init_cmd = app.add_subcommand("init", "write a default .fa.toml");
  bool force = false;
  std::string init_path = ".fa.toml";
  init_cmd->add_flag("--force", force, "overwrite an existing file");
  init_cmd->add_option("--path", init_path, "where to write");
  auto* version_cmd = app.add_subcommand("version", "print the version");

  // Everything after `--` goes to Clang.
  std::vector<std::string> clang_args;
  std::vector<char*> ours;
  for (int i = 0; i < argc; ++i) {
    if (std::string(argv[i]) == "--") {
      for (int k = i + 1; k < argc; ++k) clang_args.emplace_back(argv[k]);
      break;
    }
    ours.push_back(argv[i]);
  }
  try {
    app.parse(static_cast<int>(ours.size()), ours.data());
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kClean : kToolError;
  }

  try {
    if (*version_cmd) {
      std::cout << "fa-check " << fa::kVersion << " (Clang 16)\n";
      return kClean;
    }
    if (*explain_cmd) return explain(explain_code);
    if (*list_cmd) return list(category);
    if (*init_cmd) return init(init_path, force);
    require_codes(deny, "--deny");
    require_codes(allow, "--allow");
    require_codes(only, "--only");
    require_codes(skip, "--skip");

    FormatOptions fo{
        root.empty() ? std::filesystem::current_path().string() : std::filesystem::absolute(root).string(),
        fa::kVersion};
    Policy policy;
    policy.deny = {deny.begin(), deny.end()};
    policy.allow = {allow.begin(), allow.end()};
    policy.only = {only.begin(), only.end()};
    policy.skip = {skip.begin(), skip.end()};
    policy.deny_warnings = deny_warnings;
    if (min_severity == "hint") policy.min_severity = fa::Severity::Hint;
    if (min_severity == "warning") policy.min_severity = fa::Severity::Warning;
    if (min_severity == "error") policy.min_severity = fa::Severity::Error;
    std::optional<std::multiset<std::string>> baseline_set;
    if (!baseline.empty()) baseline_set = parse_baseline(read_file(baseline), baseline);

    Report report;
    if (*show_cmd) {
      report = report_from_json_document(read_file(show_file));
    } else {
      Request req;
      req.files = files;
      req.build_dir = build_dir;
      req.extra_args = clang_args;
      req.resource_dir = resource_dir;
      req.jobs = jobs;
      req.isolate = !no_isolate;
      req.timeout = std::chrono::seconds(timeout);
      if (config_path.empty() && std::filesystem::exists(".fa.toml")) config_path = ".fa.toml";
      if (!config_path.empty()) req.config = load_config(config_path);
      req.config.exclude.insert(req.config.exclude.end(), exclude.begin(), exclude.end());
      if (build_dir.empty() && files.empty()) throw RequestError("give -p <build dir> or source files");
      if (progress) {
        req.on_progress = [](std::size_t i, std::size_t n, const std::string& f) {
          std::cerr << "[" << i << "/" << n << "] " << f << "\n";
        };
      }
      if (fail_fast) {
        // Stop at the first TU that would fail the run on its own: a tool error, or a finding
        // that still fails after the policy and the baseline.
        req.stop_after = [&](const std::vector<Finding>& found, bool tool_error) {
          if (tool_error) return true;
          Report one;
          one.findings = found;
          apply_policy(one, policy);
          if (baseline_set) apply_baseline(one, *baseline_set, fo.root);
          return fails(one, policy);
        };
      }
      report = analyze(req);
    }

    apply_policy(report, policy);
    if (baseline_set) apply_baseline(report, *baseline_set, fo.root);
    if (!write_baseline_path.empty()) write_file(write_baseline_path, write_baseline(report, fo.root));

    const std::string doc = format_report(report, *parse_format(format_name), fo);
    if (output.empty()) {
      std::cout << doc;
    } else {
      write_file(output, doc);
    }
    if (!report.errors.empty()) return kToolError;
    return fails(report, policy) ? kFindings : kClean;
  } catch (const std::exception& e) {
    std::cerr << "fa-check: error: " << e.what() << "\n";
    return kToolError;
  }
}
