// Tests for the FA diagnostic catalog (docs/diagnostics/catalog.json), the header
// generated from it (<framealloc/diagnostic_codes.hpp>) and the generator itself.

#include <framealloc/diagnostic_codes.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "catalog_test_support.hpp"

namespace {

using namespace fa_catalog_test;

const fs::path kCatalogPath = FA_CATALOG_JSON_PATH;
const fs::path kBuildHeaderPath = FA_CATALOG_HEADER_PATH;
const fs::path kFixtureDir = FA_CATALOG_FIXTURE_DIR;

const json& catalog() {
  static const json doc = load_json(kCatalogPath);
  return doc;
}

// --- the compiled table mirrors the JSON ---------------------------------------------------

TEST(CatalogTable, MatchesJsonFieldByFieldInOrder) {
  const json& codes = catalog().at("codes");
  ASSERT_EQ(codes.size(), fa::kCatalog.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    SCOPED_TRACE("index " + std::to_string(i));
    expect_entry_matches(codes[i], fa::kCatalog[i]);
  }
}

TEST(CatalogTable, JsonIsSortedByCode) {
  // The generator sorts by code; keeping the file sorted too makes the table and the
  // file line up entry by entry.
  const json& codes = catalog().at("codes");
  for (std::size_t i = 1; i < codes.size(); ++i) {
    EXPECT_LT(codes[i - 1].at("code").get<std::string>(), codes[i].at("code").get<std::string>())
        << "catalog.json is not sorted by code at index " << i;
  }
}

TEST(CatalogTable, VersionMatches) {
  EXPECT_EQ(fa::kCatalogVersion, catalog().at("version").get<std::string>());
  EXPECT_FALSE(fa::kCatalogVersion.empty());
}

// --- catalog rules ------------------------------------------------------------------------

constexpr std::array<std::string_view, 10> kFields = {"code",    "name",    "category",    "severity",
                                                      "origin",  "summary", "description", "incorrect",
                                                      "correct", "help"};

TEST(CatalogRules, EntriesHaveExactlyTheRequiredNonEmptyStringFields) {
  const json& doc = catalog();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.size(), 2u) << "top level must hold only \"version\" and \"codes\"";
  ASSERT_TRUE(doc.at("codes").is_array());
  for (const json& entry : doc.at("codes")) {
    SCOPED_TRACE(entry.dump().substr(0, 60));
    ASSERT_TRUE(entry.is_object());
    EXPECT_EQ(entry.size(), kFields.size() + (entry.contains("fix") ? 1u : 0u)) << "only \"fix\" is optional";
    for (std::string_view field : kFields) {
      const std::string key(field);
      ASSERT_TRUE(entry.contains(key)) << "missing field " << key;
      ASSERT_TRUE(entry.at(key).is_string()) << key;
      EXPECT_FALSE(entry.at(key).get<std::string>().empty()) << key;
    }
  }
}

TEST(CatalogRules, CodesAndNamesAreWellFormedAndUnique) {
  const std::regex code_re("^FA[0-9]{3}$");
  const std::regex name_re("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");
  std::set<std::string> codes;
  std::set<std::string> names;
  for (const json& entry : catalog().at("codes")) {
    const auto code = entry.at("code").get<std::string>();
    const auto name = entry.at("name").get<std::string>();
    EXPECT_TRUE(std::regex_match(code, code_re)) << code;
    EXPECT_TRUE(std::regex_match(name, name_re)) << name << " is not kebab-case";
    EXPECT_TRUE(codes.insert(code).second) << "duplicate code " << code;
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
  // The compiled table must be just as unique.
  std::set<std::string_view> compiled_ids;
  std::set<std::string_view> compiled_names;
  for (const fa::CodeInfo& info : fa::kCatalog) {
    EXPECT_TRUE(compiled_ids.insert(info.id).second) << info.id;
    EXPECT_TRUE(compiled_names.insert(info.name).second) << info.name;
  }
}

TEST(CatalogRules, CategoryMatchesHundredsDigit) {
  static const std::map<int, std::string> kCategoryByHundred = {
      {0, "frame"},    {1, "engine"},   {2, "thread"}, {3, "budget"}, {4, "handle"},
      {5, "behavior"}, {6, "lifetime"}, {7, "tag"},    {8, "tag"},    {9, "internal"}};
  for (const json& entry : catalog().at("codes")) {
    const auto code = entry.at("code").get<std::string>();
    ASSERT_EQ(code.size(), 5u) << code;
    const int hundred = code[2] - '0';
    EXPECT_EQ(entry.at("category").get<std::string>(), kCategoryByHundred.at(hundred)) << code;
  }
}

TEST(CatalogRules, SeverityAndOriginAreKnownValues) {
  const std::set<std::string> severities = {"error", "warning", "hint"};
  const std::set<std::string> origins = {"runtime", "static", "both"};
  for (const json& entry : catalog().at("codes")) {
    const auto code = entry.at("code").get<std::string>();
    EXPECT_TRUE(severities.count(entry.at("severity").get<std::string>())) << code;
    EXPECT_TRUE(origins.count(entry.at("origin").get<std::string>())) << code;
  }
}

TEST(CatalogRules, SummariesAreSingleLine) {
  for (const fa::CodeInfo& info : fa::kCatalog) {
    EXPECT_EQ(info.summary.find('\n'), std::string_view::npos) << info.id;
  }
}

// The agreed set of codes: tools, docs and the runtime refer to these by id and name,
// so renaming or re-classifying one must be a deliberate change to this table too.
struct Expected {
  fa::Code code;
  std::string_view id;
  std::string_view name;
  std::string_view category;
  fa::Severity severity;
  fa::Origin origin;
};

constexpr auto E = fa::Severity::Error;
constexpr auto W = fa::Severity::Warning;
constexpr auto H = fa::Severity::Hint;
constexpr auto RT = fa::Origin::Runtime;
constexpr auto ST = fa::Origin::Static;
constexpr auto BO = fa::Origin::Both;

constexpr std::array<Expected, 45> kExpected = {{
    {fa::Code::FA001, "FA001", "frame-alloc-outside-frame", "frame", E, BO},
    {fa::Code::FA002, "FA002", "frame-reference-escaped", "frame", E, BO},
    {fa::Code::FA003, "FA003", "frame-arena-exhausted", "frame", E, RT},
    {fa::Code::FA004, "FA004", "unbalanced-frame", "frame", W, RT},
    {fa::Code::FA005, "FA005", "job-frame-reset-with-live-jobs", "frame", E, RT},
    {fa::Code::FA010, "FA010", "invalid-frame-checkpoint", "frame", E, RT},
    {fa::Code::FA030, "FA030", "unbalanced-phase", "frame", W, RT},
    {fa::Code::FA031, "FA031", "unbalanced-tag", "frame", W, RT},
    {fa::Code::FA101, "FA101", "frame-loop-not-registered", "engine", E, RT},
    {fa::Code::FA102, "FA102", "frame-hooks-skipped", "engine", W, RT},
    {fa::Code::FA201, "FA201", "cross-thread-frame-access", "thread", E, BO},
    {fa::Code::FA202, "FA202", "thread-outside-barrier", "thread", W, BO},
    {fa::Code::FA203, "FA203", "thread-without-budget", "thread", H, BO},
    {fa::Code::FA204, "FA204", "deferred-queue-overflow", "thread", W, BO},
    {fa::Code::FA205, "FA205", "end-frame-without-barrier", "thread", E, BO},
    {fa::Code::FA206, "FA206", "job-frame-end-inside-job", "thread", E, RT},
    {fa::Code::FA207, "FA207", "job-threw-exception", "thread", E, RT},
    {fa::Code::FA210, "FA210", "transfer-received-twice", "thread", E, RT},
    {fa::Code::FA211, "FA211", "transfer-dropped-unreceived", "thread", W, RT},
    {fa::Code::FA301, "FA301", "global-budget-exceeded", "budget", E, RT},
    {fa::Code::FA302, "FA302", "tag-budget-exceeded", "budget", E, RT},
    {fa::Code::FA303, "FA303", "scratch-pool-exhausted", "budget", E, RT},
    {fa::Code::FA310, "FA310", "thread-frame-budget-exceeded", "budget", E, RT},
    {fa::Code::FA311, "FA311", "thread-frame-budget-warning", "budget", W, RT},
    {fa::Code::FA401, "FA401", "invalid-handle", "handle", E, RT},
    {fa::Code::FA402, "FA402", "streaming-budget-exhausted", "handle", E, RT},
    {fa::Code::FA403, "FA403", "invalid-allocation-group", "handle", E, RT},
    {fa::Code::FA404, "FA404", "pinned-handle-freed", "handle", E, RT},
    {fa::Code::FA405, "FA405", "streaming-request-exceeds-budget", "handle", E, RT},
    {fa::Code::FA406, "FA406", "streaming-invalid-transition", "handle", E, RT},
    {fa::Code::FA501, "FA501", "frame-allocation-lives-too-long", "behavior", W, RT},
    {fa::Code::FA502, "FA502", "high-frame-survival", "behavior", W, RT},
    {fa::Code::FA510, "FA510", "pool-used-as-scratch", "behavior", H, RT},
    {fa::Code::FA520, "FA520", "promotion-churn", "behavior", W, RT},
    {fa::Code::FA530, "FA530", "heap-in-hot-path", "behavior", W, BO},
    {fa::Code::FA531, "FA531", "unbounded-frame-alloc-loop", "behavior", W, ST},
    {fa::Code::FA540, "FA540", "double-free", "behavior", E, RT},
    {fa::Code::FA541, "FA541", "foreign-pointer-free", "behavior", E, RT},
    {fa::Code::FA542, "FA542", "invalid-alignment", "behavior", E, RT},
    {fa::Code::FA601, "FA601", "use-after-end-frame", "lifetime", E, ST},
    {fa::Code::FA602, "FA602", "frame-alloc-in-coroutine", "lifetime", W, ST},
    {fa::Code::FA603, "FA603", "frame-value-across-await", "lifetime", E, ST},
    {fa::Code::FA701, "FA701", "unknown-tag", "tag", W, ST},
    {fa::Code::FA702, "FA702", "tag-mismatch", "tag", W, ST},
    {fa::Code::FA901, "FA901", "internal-error", "internal", E, BO},
}};

TEST(CatalogContract, ContainsExactlyTheAgreedCodes) {
  ASSERT_EQ(fa::kCatalog.size(), kExpected.size());
  for (std::size_t i = 0; i < kExpected.size(); ++i) {
    const Expected& want = kExpected[i];
    const fa::CodeInfo& got = fa::kCatalog[i];
    SCOPED_TRACE(std::string(want.id));
    EXPECT_EQ(got.code, want.code);
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.category, want.category);
    EXPECT_EQ(got.default_severity, want.severity);
    EXPECT_EQ(got.origin, want.origin);
  }
}

// --- lookup -------------------------------------------------------------------------------

// Lookups are usable in constant expressions. (No `find_code(...) != nullptr` here: GCC
// with -fsanitize=undefined cannot constant-evaluate comparing an object's address with null.)
static_assert(fa::find_code("FA003")->code == fa::Code::FA003);
static_assert(fa::info(fa::Code::FA003).id == "FA003");
static_assert(fa::find_code("FA999") == nullptr);
static_assert(static_cast<int>(fa::Code::FA542) == 542);

TEST(CatalogLookup, FindCodeById) {
  const fa::CodeInfo* info = fa::find_code("FA003");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->code, fa::Code::FA003);
  EXPECT_EQ(info->id, "FA003");
  EXPECT_EQ(info->name, "frame-arena-exhausted");
  EXPECT_EQ(info->category, "frame");
  EXPECT_EQ(info->default_severity, fa::Severity::Error);
  EXPECT_EQ(info->origin, fa::Origin::Runtime);
}

TEST(CatalogLookup, InfoByCode) {
  const fa::CodeInfo& info = fa::info(fa::Code::FA003);
  EXPECT_EQ(info.id, "FA003");
  EXPECT_EQ(info.name, "frame-arena-exhausted");
  EXPECT_EQ(&info, fa::find_code("FA003"));
  EXPECT_EQ(fa::info(fa::Code::FA601).origin, fa::Origin::Static);
}

TEST(CatalogLookup, UnknownIdReturnsNull) {
  EXPECT_EQ(fa::find_code("FA999"), nullptr);
  EXPECT_EQ(fa::find_code("FA000"), nullptr);
  EXPECT_EQ(fa::find_code(""), nullptr);
  EXPECT_EQ(fa::find_code("fa003"), nullptr);
  EXPECT_EQ(fa::find_code("FA003 "), nullptr);
  EXPECT_EQ(fa::find_code("FA00"), nullptr);
  EXPECT_EQ(fa::find_code("frame-arena-exhausted"), nullptr);
}

TEST(CatalogLookup, InfoAndFindCodeAgreeForEveryEntry) {
  for (const fa::CodeInfo& entry : fa::kCatalog) {
    EXPECT_EQ(&fa::info(entry.code), &entry) << entry.id;
    EXPECT_EQ(fa::find_code(entry.id), &entry) << entry.id;
  }
}

// --- the generator ------------------------------------------------------------------------

TEST(CatalogGenerator, ReproducesTheBuildHeaderByteForByte) {
  TempDir dir;
  const fs::path out = dir / "diagnostic_codes.hpp";
  const RunResult r = run_generator({kCatalogPath.string(), out.string()});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "");
  const std::string build_header = read_text(kBuildHeaderPath);
  ASSERT_FALSE(build_header.empty());
  EXPECT_TRUE(read_text(out) == build_header) << "generator output differs from " << kBuildHeaderPath;
}

TEST(CatalogGenerator, CreatesMissingOutputDirectories) {
  TempDir dir;
  const fs::path out = dir / "a/b/framealloc/diagnostic_codes.hpp";
  const RunResult r = run_generator({kCatalogPath.string(), out.string()});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_TRUE(read_text(out) == read_text(kBuildHeaderPath));
}

TEST(CatalogGenerator, LeavesUnchangedOutputUntouched) {
  TempDir dir;
  const fs::path out = dir / "diagnostic_codes.hpp";
  ASSERT_EQ(run_generator({kCatalogPath.string(), out.string()}).exit_status, 0);
  fs::last_write_time(out, fs::file_time_type::clock::now() - std::chrono::hours(24));
  const auto old_time = fs::last_write_time(out);  // as stored by the file system

  const RunResult r = run_generator({kCatalogPath.string(), out.string()});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(fs::last_write_time(out), old_time) << "an identical header must not be rewritten";
  // Nothing else (e.g. a temporary file) is left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(CatalogGenerator, RewritesStaleOutput) {
  TempDir dir;
  const fs::path out = dir / "diagnostic_codes.hpp";
  write_text(out, "// stale\n");
  const RunResult r = run_generator({kCatalogPath.string(), out.string()});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_TRUE(read_text(out) == read_text(kBuildHeaderPath));
}

TEST(CatalogGenerator, UsageErrorWithWrongArgumentCount) {
  const RunResult r = run_generator({kCatalogPath.string()});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("usage: fa-catalog-gen <catalog.json> <output-header>"), std::string::npos) << r.err;
}

TEST(CatalogGenerator, MissingCatalogFile) {
  TempDir dir;
  const fs::path missing = dir / "no-such-catalog.json";
  const fs::path out = dir / "out.hpp";
  const RunResult r = run_generator({missing.string(), out.string()});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("fa-catalog-gen: " + missing.string() + ": cannot open file"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(CatalogGenerator, RejectsInvalidUtf8) {
  TempDir dir;
  const fs::path bad = dir / "invalid_utf8.json";
  std::string text = read_text(kFixtureDir / "valid_tricky.json");
  const std::size_t pos = text.find("Shortest possible name");
  ASSERT_NE(pos, std::string::npos);
  text[pos] = '\xff';  // not valid anywhere in UTF-8
  write_text(bad, text);
  const fs::path out = dir / "out.hpp";
  const RunResult r = run_generator({bad.string(), out.string()});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("malformed JSON"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

struct BadCatalog {
  const char* fixture;
  std::vector<std::string> expected;  // substrings the error output must contain
};

void PrintTo(const BadCatalog& c, std::ostream* os) {
  *os << c.fixture;
}

const std::vector<BadCatalog>& bad_catalogs() {
  static const std::vector<BadCatalog> cases = {
      {"malformed.json", {"malformed JSON", "line 8"}},
      {"duplicate_code.json", {"duplicate code FA001: codes[0] and codes[2]"}},
      {"duplicate_name.json", {"duplicate name \"first-code\": codes[0] and codes[1]"}},
      {"duplicate_key.json", {"duplicate key \"severity\" in codes[0]"}},
      {"missing_field.json", {"codes[1] (FA201): missing required field \"help\""}},
      {"empty_field.json", {"codes[2] (FA301): field \"description\" must not be empty"}},
      {"non_string_field.json", {"codes[0] (FA001): field \"severity\" must be a string (got number)"}},
      {"unknown_field.json", {"codes[2] (FA301): unknown field \"summery\""}},
      {"bad_severity.json", {"codes[0] (FA001): field \"severity\" must be one of", "(got \"fatal\")"}},
      {"bad_origin.json", {"codes[1] (FA201): field \"origin\" must be one of", "(got \"compiler\")"}},
      {"unknown_category.json",
       {"codes[0] (FA001): field \"category\" must be one of", "(got \"graphics\")"}},
      {"wrong_range.json",
       {"codes[0] (FA101): code FA101 is in the FA1xx range, which belongs to category \"engine\", but the "
        "entry's category is \"frame\""}},
      {"bad_code_format.json",
       {"codes[0] (FA01): field \"code\" must match FA followed by exactly three digits"}},
      {"reserved_code.json", {"codes[0] (FA000): code FA000 is reserved"}},
      {"bad_name.json", {"codes[1] (FA201): field \"name\" must be kebab-case", "\"Second_Code\""}},
      {"control_character.json", {"codes[1] (FA201): field \"summary\" contains control character 0x07"}},
      {"multiline_summary.json", {"codes[0] (FA001): field \"summary\" contains a line break"}},
      {"missing_version.json", {"missing required top-level field \"version\""}},
      {"empty_codes.json", {"top-level field \"codes\" must be a non-empty array"}},
      {"unknown_top_level_field.json", {"unknown top-level field \"generated\""}},
      {"top_level_array.json", {"the top level must be a JSON object"}},
      {"fix_not_object.json", {"codes[0] (FA001): field \"fix\" must be an object"}},
      {"fix_unknown_member.json", {"codes[0] (FA001): field \"fix\": unknown member \"kind\""}},
      {"fix_bad_identifier.json",
       {"codes[0] (FA001): field \"fix\": \"replace.to\" must be a C++ identifier (got \"pool box\")"}},
      {"fix_same_names.json", {"\"replace.from\" and \"replace.to\" are both \"frame_box\""}},
      {"fix_missing_replace.json", {"\"replace\" must be an object with exactly \"from\" and \"to\""}},
      {"fix_runtime_code.json",
       {"codes[0] (FA001): field \"fix\": only codes fa-check reports (origin \"static\" or \"both\") can "
        "have a fix"}},
  };
  return cases;
}

class CatalogGeneratorRejects : public ::testing::TestWithParam<BadCatalog> {};

TEST_P(CatalogGeneratorRejects, FailsWithMessageAndKeepsExistingOutput) {
  const BadCatalog& c = GetParam();
  const fs::path fixture = kFixtureDir / c.fixture;
  ASSERT_TRUE(fs::exists(fixture)) << fixture;
  TempDir dir;
  const fs::path out = dir / "diagnostic_codes.hpp";
  const std::string sentinel = "// pre-existing header, must survive a failed run\n";
  write_text(out, sentinel);
  fs::last_write_time(out, fs::file_time_type::clock::now() - std::chrono::hours(24));
  const auto old_time = fs::last_write_time(out);  // as stored by the file system

  const RunResult r = run_generator({fixture.string(), out.string()});
  EXPECT_EQ(r.exit_status, 1);
  const std::string prefix = "fa-catalog-gen: " + fixture.string() + ": ";
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << "stderr must start with \"" << prefix << "\", got:\n" << r.err;
  for (const std::string& want : c.expected) {
    EXPECT_NE(r.err.find(want), std::string::npos) << "missing \"" << want << "\" in:\n" << r.err;
  }
  EXPECT_EQ(read_text(out), sentinel);
  EXPECT_EQ(fs::last_write_time(out), old_time);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1)
      << "a failed run must not leave files behind";
}

TEST_P(CatalogGeneratorRejects, DoesNotCreateOutput) {
  const fs::path fixture = kFixtureDir / GetParam().fixture;
  TempDir dir;
  const fs::path out = dir / "sub/diagnostic_codes.hpp";
  const RunResult r = run_generator({fixture.string(), out.string()});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(dir / "sub"));
}

INSTANTIATE_TEST_SUITE_P(BadFixtures, CatalogGeneratorRejects, ::testing::ValuesIn(bad_catalogs()),
                         [](const ::testing::TestParamInfo<BadCatalog>& param_info) {
                           std::string name = param_info.param.fixture;
                           name = name.substr(0, name.find('.'));
                           for (char& ch : name) {
                             if (ch == '-') ch = '_';
                           }
                           return name;
                         });

TEST(CatalogGenerator, EveryBadFixtureHasExpectations) {
  std::set<std::string> covered;
  for (const BadCatalog& c : bad_catalogs()) covered.insert(c.fixture);
  for (const auto& file : fs::directory_iterator(kFixtureDir)) {
    const std::string name = file.path().filename().string();
    if (file.path().extension() != ".json" || name.rfind("valid_", 0) == 0) continue;
    EXPECT_TRUE(covered.count(name)) << "fixture " << name << " is not listed in bad_catalogs()";
  }
}

TEST(CatalogGenerator, AcceptsValidFixtures) {
  for (const auto& file : fs::directory_iterator(kFixtureDir)) {
    const std::string name = file.path().filename().string();
    if (name.rfind("valid_", 0) != 0) continue;
    TempDir dir;
    const RunResult r = run_generator({file.path().string(), (dir / "out.hpp").string()});
    EXPECT_EQ(r.exit_status, 0) << name << ": " << r.err;
  }
}

}  // namespace
