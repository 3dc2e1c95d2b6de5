// The LLVM-free half of the analyzer core: .fa.toml, policy, baseline, suppressions, and the
// report formats (golden files; XML parsed back; JSON read back).
#include "fa_check/config.hpp"
#include "fa_check/formats.hpp"
#include "fa_check/policy.hpp"
#include "fa_check/report_json.hpp"
#include "fa_check/suppressions.hpp"

#include <gtest/gtest.h>
#include <tinyxml2.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

using namespace fa::check;

Report sample_report() {
  Report r;
  r.files = {"/repo/src/a.cpp", "/repo/src/broken.cpp"};
  r.seconds = 0.25;
  Finding f;
  f.code = "FA601";
  f.severity = fa::Severity::Error;
  f.message = "'p' refers to frame memory that is no longer valid: it is used after end_frame()";
  f.location = {"/repo/src/a.cpp", 12, 3, 12, 3};
  f.notes = {{{"/repo/src/a.cpp", 9, 17, 9, 17}, "frame memory allocated here"},
             {{"/repo/src/a.cpp", 11, 3, 11, 3}, "the frame ends here"}};
  f.help = "use frame-derived values only before end_frame()";
  f.source_line = "  p->x = 2.0f;";
  r.findings.push_back(f);
  Finding g = f;
  g.code = "FA002";
  g.message = "frame memory is stored in global or static variable 'g_last', which outlives the frame";
  g.location = {"/repo/src/a.cpp", 20, 3, 20, 12};
  g.source_line = "  g_last = p;";
  g.notes.resize(1);
  r.findings.push_back(g);
  Finding h = g;  // the same mistake on another line of the same text: needs a unique JUnit name
  h.location = {"/repo/src/a.cpp", 20, 15, 20, 20};
  r.findings.push_back(h);
  r.errors.push_back(
      {"/repo/src/broken.cpp", "failed to parse\n  /repo/src/broken.cpp:3: unknown type name 'Foo'"});
  normalize(r);
  return r;
}

const FormatOptions kOptions{"/repo", "0.1.0"};

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Compares with tests/analyzer/golden/<name>; FA_UPDATE_GOLDEN=1 rewrites the golden file.
void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(FA_GOLDEN_DIR) + "/" + name;
  if (std::getenv("FA_UPDATE_GOLDEN") != nullptr) std::ofstream(path) << actual;
  EXPECT_EQ(actual, read(path)) << "golden file " << path << " differs (FA_UPDATE_GOLDEN=1 to accept)";
}

TEST(Formats, TextGolden) {
  expect_golden("report.txt", format_text(sample_report(), kOptions));
}
TEST(Formats, CompactGolden) {
  expect_golden("report.compact", format_compact(sample_report(), kOptions));
}
TEST(Formats, SarifGolden) {
  expect_golden("report.sarif", format_sarif(sample_report(), kOptions));
}
TEST(Formats, JunitGolden) {
  expect_golden("report.junit.xml", format_junit(sample_report(), kOptions));
}
TEST(Formats, CheckstyleGolden) {
  expect_golden("report.checkstyle.xml", format_checkstyle(sample_report(), kOptions));
}

TEST(Formats, JsonGoldenAndReadBack) {
  Report r = sample_report();
  r.seconds = 0;  // keep the golden stable
  const std::string doc = format_json(r, kOptions);
  expect_golden("report.json", doc);
  Report back = report_from_json_document(doc);
  ASSERT_EQ(back.findings.size(), r.findings.size());
  EXPECT_EQ(back.findings[0].code, r.findings[0].code);
  EXPECT_EQ(back.findings[0].location.line, r.findings[0].location.line);
  EXPECT_EQ(back.findings[0].location.file, "src/a.cpp");  // repo-relative in the document
  EXPECT_EQ(back.errors.size(), 1u);
  EXPECT_THROW(report_from_json_document("{\"files\": 3}"), std::runtime_error);
}

TEST(Formats, JunitParsesBackWithUniqueTestcaseNames) {
  const std::string xml = format_junit(sample_report(), kOptions);
  tinyxml2::XMLDocument doc;
  ASSERT_EQ(doc.Parse(xml.c_str()), tinyxml2::XML_SUCCESS);
  const auto* suites = doc.FirstChildElement("testsuites");
  ASSERT_NE(suites, nullptr);
  EXPECT_EQ(suites->IntAttribute("failures"), 3);
  EXPECT_EQ(suites->IntAttribute("errors"), 1);
  std::set<std::string> names;
  int suites_seen = 0, errors = 0;
  for (const auto* s = suites->FirstChildElement("testsuite"); s; s = s->NextSiblingElement("testsuite")) {
    ++suites_seen;
    for (const auto* tc = s->FirstChildElement("testcase"); tc; tc = tc->NextSiblingElement("testcase")) {
      EXPECT_TRUE(names.insert(tc->Attribute("name")).second) << tc->Attribute("name");
      if (tc->FirstChildElement("error") != nullptr) ++errors;
    }
  }
  EXPECT_EQ(suites_seen, 3);  // FA002, FA601, parse
  EXPECT_EQ(errors, 1);
}

TEST(Formats, CheckstyleParsesBackWithPositiveLinesAndSources) {
  const std::string xml = format_checkstyle(sample_report(), kOptions);
  tinyxml2::XMLDocument doc;
  ASSERT_EQ(doc.Parse(xml.c_str()), tinyxml2::XML_SUCCESS);
  int n = 0;
  for (const auto* f = doc.FirstChildElement("checkstyle")->FirstChildElement("file"); f;
       f = f->NextSiblingElement("file")) {
    for (const auto* e = f->FirstChildElement("error"); e; e = e->NextSiblingElement("error")) {
      ++n;
      EXPECT_GT(e->IntAttribute("line"), 0);
      EXPECT_GT(e->IntAttribute("column"), 0);
      std::string source = e->Attribute("source");
      EXPECT_EQ(source.rfind("fa-check.", 0), 0u) << source;
    }
  }
  EXPECT_EQ(n, 4);
  EXPECT_NE(xml.find("source=\"fa-check.lifetime.FA601\""), std::string::npos);
}

TEST(Formats, ParseFormatRejectsUnknownNames) {
  EXPECT_EQ(parse_format("sarif"), Format::Sarif);
  EXPECT_FALSE(parse_format("xml").has_value());
}

// --- .fa.toml -----------------------------------------------------------------------------

TEST(Config, DefaultTextLoadsAndMeansWhatItSays) {
  Config c = parse_config(default_config_text(), ".fa.toml");
  EXPECT_EQ(c.hot_loop_depth, 2u);
  ASSERT_EQ(c.arenas.size(), 1u);
  EXPECT_EQ(c.arenas[0].reset, "std::pmr::monotonic_buffer_resource::release");
  EXPECT_EQ(c.exclude.size(), 2u);
}

TEST(Config, EveryKeyIsRead) {
  Config c = parse_config(R"(
[analyzer]
exclude = ["gen/*"]
hot_loop_depth = 3
[levels]
FA530 = "error"
FA002 = "off"
[tags]
known = ["physics"]
[tags.modules]
"src/physics/*" = "physics"
)",
                          "x.toml");
  EXPECT_EQ(c.exclude, std::vector<std::string>{"gen/*"});
  EXPECT_EQ(c.hot_loop_depth, 3u);
  EXPECT_EQ(c.levels.at("FA530"), Level::Error);
  EXPECT_EQ(c.levels.at("FA002"), Level::Off);
  EXPECT_EQ(c.known_tags, std::vector<std::string>{"physics"});
  EXPECT_EQ(c.module_tags.at("src/physics/*"), "physics");
}

void expect_config_error(const std::string& text, const std::string& fragment) {
  try {
    parse_config(text, "bad.fa.toml");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Config, UnknownKeysAndBadValuesNameFileLineAndKey) {
  expect_config_error("[analyzer]\n\nbogus = 1\n", "bad.fa.toml:3: key 'analyzer.bogus': unknown key");
  expect_config_error("colour = 1\n", "bad.fa.toml:1: key 'colour': unknown key");
  expect_config_error("[levels]\nFA999 = \"error\"\n", "bad.fa.toml:2: key 'levels.FA999': unknown FA code");
  expect_config_error("[levels]\nFA601 = \"loud\"\n", "key 'levels.FA601': expected one of");
  expect_config_error("[analyzer]\nhot_loop_depth = 0\n", "bad.fa.toml:2: key 'analyzer.hot_loop_depth'");
  expect_config_error("[analyzer]\nexclude = \"x\"\n", "key 'analyzer.exclude': expected an array");
  expect_config_error("[[arenas]]\nallocate = [\"a::b\"]\n", "needs both 'allocate' and 'reset'");
  expect_config_error("[analyzer\n", "bad.fa.toml:1:");
}

TEST(Config, MissingFileIsAnError) {
  EXPECT_THROW(load_config("/nonexistent/.fa.toml"), ConfigError);
}

// --- suppressions, policy, baseline ---------------------------------------------------------

TEST(Suppressions, SameLineOrLineAbove) {
  EXPECT_TRUE(is_suppressed("FA601", "p->x = 1;  // fa-check: allow(FA601) reason", ""));
  EXPECT_TRUE(is_suppressed("FA601", "p->x = 1;", "  // fa-check: allow(FA002, FA601) both on purpose"));
  EXPECT_FALSE(is_suppressed("FA601", "p->x = 1;  // fa-check: allow(FA002)", ""));
  EXPECT_FALSE(is_suppressed("FA601", "const char* s = \"fa-check: allow(FA601)\";", ""));
  EXPECT_FALSE(is_suppressed("FA60", "// fa-check: allow(FA601)", ""));
}

TEST(Policy, DenyAllowOnlySkipMinSeverity) {
  Report r = sample_report();
  Policy p;
  p.allow = {"FA002"};
  apply_policy(r, p);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_TRUE(fails(r, p));

  r = sample_report();
  Policy only;
  only.only = {"FA002"};
  apply_policy(r, only);
  EXPECT_EQ(r.findings.size(), 2u);

  r = sample_report();
  for (auto& f : r.findings) f.severity = fa::Severity::Warning;
  Policy lenient;
  EXPECT_FALSE(fails(r, lenient));
  lenient.deny_warnings = true;
  EXPECT_TRUE(fails(r, lenient));
  Policy deny;
  deny.deny = {"FA601"};
  apply_policy(r, deny);
  EXPECT_TRUE(fails(r, deny));
  Policy min;
  min.min_severity = fa::Severity::Error;
  apply_policy(r, min);
  EXPECT_EQ(r.findings.size(), 1u);  // only the denied FA601 is an error now
}

TEST(Baseline, KnownFindingsDropAndNewOnesStay) {
  Report r = sample_report();
  const std::string base = write_baseline(r, "/repo");
  auto known = parse_baseline(base, "b.json");
  EXPECT_EQ(known.size(), 3u);
  Report again = sample_report();
  // Reformatting and moving unrelated lines keeps the fingerprints.
  for (auto& f : again.findings) {
    f.location.line += 5;
    f.source_line = "\t" + f.source_line + "   ";
  }
  Finding extra = again.findings[0];
  extra.source_line = "  other_call(p);";
  again.findings.push_back(extra);
  apply_baseline(again, known, "/repo");
  ASSERT_EQ(again.findings.size(), 1u);
  EXPECT_EQ(again.findings[0].source_line, "  other_call(p);");
  EXPECT_THROW(parse_baseline("[1,2]", "b.json"), std::runtime_error);
  EXPECT_THROW(parse_baseline("{\"version\": 2, \"findings\": []}", "b.json"), std::runtime_error);
}

TEST(Baseline, FingerprintIsIndependentOfTheCheckoutRoot) {
  Finding f = sample_report().findings[0];
  Finding g = f;
  g.location.file = "/elsewhere/src/a.cpp";
  EXPECT_EQ(fingerprint(f, "/repo"), fingerprint(g, "/elsewhere"));
  EXPECT_NE(fingerprint(f, "/repo"), fingerprint(g, "/repo"));
}

}  // namespace
