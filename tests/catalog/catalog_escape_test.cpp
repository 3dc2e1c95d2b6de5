// Compiles a header generated from fixtures/valid_tricky.json -- a catalog full of
// quotes, backslashes, line breaks, tabs, trigraph and raw-string look-alikes and
// multi-byte UTF-8, listed out of order -- and checks that every string survived the
// trip through the generator's C++ literal escaping unchanged.

#include <framealloc/diagnostic_codes.hpp>  // generated from fixtures/valid_tricky.json

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "catalog_test_support.hpp"

namespace {

using namespace fa_catalog_test;

const json& tricky() {
  static const json doc = load_json(fs::path(FA_CATALOG_FIXTURE_DIR) / "valid_tricky.json");
  return doc;
}

TEST(CatalogEscaping, EveryStringRoundTrips) {
  const std::vector<json> codes = sorted_codes(tricky());
  ASSERT_EQ(codes.size(), fa::kCatalog.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    expect_entry_matches(codes[i], fa::kCatalog[i]);
  }
  EXPECT_EQ(fa::kCatalogVersion, tricky().at("version").get<std::string>());
}

TEST(CatalogEscaping, GeneratorSortsByCode) {
  // The fixture lists FA910 first; the generated table is ordered by code.
  ASSERT_EQ(tricky().at("codes").at(0).at("code"), "FA910");
  for (std::size_t i = 1; i < fa::kCatalog.size(); ++i) {
    EXPECT_LT(static_cast<int>(fa::kCatalog[i - 1].code), static_cast<int>(fa::kCatalog[i].code));
  }
  EXPECT_EQ(fa::kCatalog.front().id, "FA002");
  EXPECT_EQ(fa::kCatalog.back().id, "FA910");
}

TEST(CatalogEscaping, SpotChecks) {
  const fa::CodeInfo& esc = fa::info(fa::Code::FA910);
  EXPECT_NE(esc.summary.find("\"like this\""), std::string_view::npos);
  EXPECT_NE(esc.summary.find("?\?="), std::string_view::npos);
  EXPECT_NE(esc.description.find("end of a line \\\nthe literal"), std::string_view::npos);
  EXPECT_NE(esc.description.find(")delim\""), std::string_view::npos);
  EXPECT_NE(esc.description.find("Tab:\there"), std::string_view::npos);
  EXPECT_NE(esc.description.find(std::string(150, 'x')), std::string_view::npos);
  EXPECT_EQ(fa::info(fa::Code::FA002).help, "\xCE\xA9");  // U+03A9 as UTF-8 bytes
  EXPECT_EQ(fa::info(fa::Code::FA750).correct_example, "?\?\?\?=");
  EXPECT_EQ(fa::info(fa::Code::FA750).default_severity, fa::Severity::Hint);
  EXPECT_EQ(fa::info(fa::Code::FA750).origin, fa::Origin::Static);
  EXPECT_EQ(fa::find_code("FA801")->name, "t");
  EXPECT_EQ(fa::kCatalogVersion, "2.5 \"rc\" \\ \xE2\x9C\x93");
}

}  // namespace
