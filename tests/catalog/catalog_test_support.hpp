// Helpers shared by catalog_test and catalog_escape_test: loading a catalog with
// nlohmann::json, comparing it with a compiled kCatalog, and running fa-catalog-gen.
#pragma once

#include <gtest/gtest.h>

#include <framealloc/diagnostic_types.hpp>

#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace fa_catalog_test {

namespace fs = std::filesystem;
using nlohmann::json;

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_text(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

inline json load_json(const fs::path& path) {
  return json::parse(read_text(path));
}

// The catalog's "codes" array sorted by code (the order the generator emits).
inline std::vector<json> sorted_codes(const json& catalog) {
  std::vector<json> codes(catalog.at("codes").begin(), catalog.at("codes").end());
  std::stable_sort(codes.begin(), codes.end(), [](const json& a, const json& b) {
    return a.at("code").get<std::string>() < b.at("code").get<std::string>();
  });
  return codes;
}

// Compares one catalog entry with its compiled CodeInfo, field by field.
inline void expect_entry_matches(const json& entry, const fa::CodeInfo& info) {
  const std::string code = entry.at("code").get<std::string>();
  SCOPED_TRACE("catalog entry " + code);
  EXPECT_EQ(info.id, code);
  EXPECT_EQ(static_cast<int>(info.code), std::stoi(code.substr(2)));
  EXPECT_EQ(info.name, entry.at("name").get<std::string>());
  EXPECT_EQ(info.category, entry.at("category").get<std::string>());
  EXPECT_EQ(fa::to_string(info.default_severity), entry.at("severity").get<std::string>());
  EXPECT_EQ(fa::to_string(info.origin), entry.at("origin").get<std::string>());
  EXPECT_EQ(info.summary, entry.at("summary").get<std::string>());
  EXPECT_EQ(info.description, entry.at("description").get<std::string>());
  EXPECT_EQ(info.incorrect_example, entry.at("incorrect").get<std::string>());
  EXPECT_EQ(info.correct_example, entry.at("correct").get<std::string>());
  EXPECT_EQ(info.help, entry.at("help").get<std::string>());
  const json fix = entry.value("fix", json::object());
  EXPECT_EQ(info.fix_title, fix.value("title", ""));
  EXPECT_EQ(info.fix_from, fix.value("replace", json::object()).value("from", ""));
  EXPECT_EQ(info.fix_to, fix.value("replace", json::object()).value("to", ""));
}

// A fresh, empty directory removed again at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "fa-catalog-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path operator/(std::string_view name) const { return path_ / name; }

 private:
  fs::path path_;
};

struct RunResult {
  int exit_status = -1;  // -1 when the process did not exit normally
  std::string out;
  std::string err;
};

inline std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs the generator with the given arguments; stdout/stderr are captured via files.
inline RunResult run_generator(const std::vector<std::string>& args) {
  TempDir capture;
  std::string command = shell_quote(FA_CATALOG_GEN_PATH);
  // Appends piece by piece: `"literal" + std::string` trips GCC 12's bogus -Wrestrict
  // at -O2 and above (GCC bug 105651).
  for (const std::string& arg : args) {
    command += ' ';
    command += shell_quote(arg);
  }
  command += " >";
  command += shell_quote((capture / "stdout").string());
  command += " 2>";
  command += shell_quote((capture / "stderr").string());
  const int status = std::system(command.c_str());
  RunResult result;
  if (status != -1 && WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
  result.out = read_text(capture / "stdout");
  result.err = read_text(capture / "stderr");
  return result;
}

}  // namespace fa_catalog_test
