#include "fa_check/report.hpp"

#include <algorithm>
#include <cstdint>
#include <tuple>

namespace fa::check {

void normalize(Report& report) {
  auto key = [](const Finding& f) {
    return std::tie(f.location.file, f.location.line, f.location.column, f.code, f.message);
  };
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [&](const Finding& a, const Finding& b) { return key(a) < key(b); });
  report.findings.erase(std::unique(report.findings.begin(), report.findings.end(),
                                    [&](const Finding& a, const Finding& b) { return key(a) == key(b); }),
                        report.findings.end());
}

std::string relative_path(const std::string& file, std::string_view root) {
  if (root.empty() || file.rfind(root, 0) != 0) return file;
  std::string rel = file.substr(root.size());
  while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
  return rel;
}

std::string fingerprint(const Finding& finding, std::string_view root) {
  // Whitespace-insensitive line text: reformatting or moving the line keeps the fingerprint.
  std::string text;
  for (char c : finding.source_line) {
    if (c != ' ' && c != '\t' && c != '\r') text += c;
  }
  // FNV-1a (64 bit): the same on every platform, so baselines can be shared.
  std::uint64_t h = 14695981039346656037ull;
  for (char c : finding.code + '\0' + relative_path(finding.location.file, root) + '\0' + text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  char buf[17];
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    buf[i] = kHex[h & 0xF];
    h >>= 4;
  }
  buf[16] = '\0';
  return buf;
}

}  // namespace fa::check
