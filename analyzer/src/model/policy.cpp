#include "fa_check/policy.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace fa::check {

void apply_policy(Report& report, const Policy& policy) {
  auto& fs = report.findings;
  for (Finding& f : fs) {
    if (policy.deny.count(f.code)) f.severity = Severity::Error;
  }
  fs.erase(std::remove_if(fs.begin(), fs.end(),
                          [&](const Finding& f) {
                            if (policy.allow.count(f.code) || policy.skip.count(f.code)) return true;
                            if (!policy.only.empty() && !policy.only.count(f.code)) return true;
                            return policy.min_severity && f.severity < *policy.min_severity;
                          }),
           fs.end());
}

bool fails(const Report& report, const Policy& policy) {
  for (const Finding& f : report.findings) {
    if (f.severity == Severity::Error) return true;
    if (policy.deny_warnings && f.severity == Severity::Warning) return true;
  }
  return false;
}

std::string write_baseline(const Report& report, const std::string& root) {
  nlohmann::json fps = nlohmann::json::array();
  for (const Finding& f : report.findings) {
    fps.push_back({{"fingerprint", fingerprint(f, root)},
                   {"code", f.code},
                   {"file", relative_path(f.location.file, root)},
                   {"message", f.message}});
  }
  return nlohmann::json{{"version", 1}, {"tool", "fa-check"}, {"findings", fps}}.dump(2) + "\n";
}

std::multiset<std::string> parse_baseline(const std::string& text, const std::string& path) {
  std::multiset<std::string> out;
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    if (j.at("version").get<int>() != 1) throw std::runtime_error("unsupported baseline version");
    for (const auto& f : j.at("findings")) out.insert(f.at("fingerprint").get<std::string>());
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": not a fa-check baseline: " + e.what());
  }
  return out;
}

void apply_baseline(Report& report, std::multiset<std::string> known, const std::string& root) {
  auto& fs = report.findings;
  fs.erase(std::remove_if(fs.begin(), fs.end(),
                          [&](const Finding& f) {
                            auto it = known.find(fingerprint(f, root));
                            if (it == known.end()) return false;
                            known.erase(it);
                            return true;
                          }),
           fs.end());
}

}  // namespace fa::check
