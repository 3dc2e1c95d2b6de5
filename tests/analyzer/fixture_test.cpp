// Runs fa-check's engine over every fixture under tests/analyzer/fixtures/<check>/ and compares
// the exact set of (code, line) with the `// expect: FAxxx` comments in the file. Lines without
// an expectation (the near misses) must stay silent.
#include "fa_check/analyzer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;
using Expectation = std::set<std::pair<std::string, unsigned>>;

Expectation expected_in(const fs::path& file) {
  Expectation out;
  std::ifstream in(file);
  std::string line;
  const std::regex expect(R"(//\s*expect:\s*([A-Z0-9, ]+))");
  const std::regex code(R"(FA\d{3})");
  for (unsigned n = 1; std::getline(in, line); ++n) {
    std::smatch m;
    if (!std::regex_search(line, m, expect)) continue;
    const std::string codes = m[1].str();
    for (auto it = std::sregex_iterator(codes.begin(), codes.end(), code); it != std::sregex_iterator();
         ++it) {
      out.emplace(it->str(), n);
    }
  }
  return out;
}

std::vector<std::string> fixtures() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(FA_FIXTURE_DIR)) {
    if (e.path().extension() == ".cpp") out.push_back(fs::relative(e.path(), FA_FIXTURE_DIR).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

fa::check::Config config_for(const fs::path& file) {
  fs::path toml = file;
  toml.replace_extension(".fa.toml");
  return fs::exists(toml) ? fa::check::load_config(toml.string()) : fa::check::Config{};
}

class Fixture : public ::testing::TestWithParam<std::string> {};

TEST_P(Fixture, ReportsExactlyTheExpectedFindings) {
  const fs::path file = fs::path(FA_FIXTURE_DIR) / GetParam();
  fa::check::Request req;
  req.files = {file.string()};
  req.extra_args = {"-std=c++20", "-I" FA_RUNTIME_INCLUDE, "-I" FA_GENERATED_INCLUDE,
                    "-I" FA_FIXTURE_DIR "/include"};
  req.config = config_for(file);
  const fa::check::Report report = fa::check::analyze(req);
  ASSERT_TRUE(report.errors.empty()) << report.errors.front().message;
  Expectation got;
  std::string listing;
  for (const auto& f : report.findings) {
    EXPECT_EQ(fs::path(f.location.file), fs::canonical(file))
        << "finding outside the fixture: " << f.location.file;
    got.emplace(f.code, f.location.line);
    listing += "  " + std::to_string(f.location.line) + ": " + f.code + " " + f.message + "\n";
  }
  const Expectation want = expected_in(file);
  ASSERT_FALSE(want.empty()) << "a fixture must expect at least one finding";
  EXPECT_EQ(got, want) << "findings:\n" << listing;
  // Each finding says where the frame memory came from.
  for (const auto& f : report.findings)
    EXPECT_FALSE(f.notes.empty()) << f.code << " at line " << f.location.line;
}

INSTANTIATE_TEST_SUITE_P(Checks, Fixture, ::testing::ValuesIn(fixtures()), [](const auto& p) {
  std::string name = p.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
});

}  // namespace
