// The schema validator: each supported keyword accepts and rejects, unsupported constructs fail
// when the validator is built (never silently ignored), and the embedded schema is the file.
#include "schema_validator.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using fa::lsp::SchemaValidator;
using fa::lsp::UnsupportedSchema;
using nlohmann::json;

// Builds a validator (and drops it): what fa-lsp does at startup.
void build(const json& schema) {
  const SchemaValidator validator(schema);
  (void)validator;
}

std::string validate(const json& schema, const json& value) {
  return SchemaValidator(schema).validate(value);
}

TEST(SchemaValidator, TypesIncludingIntegralFloatsAsIntegers) {
  EXPECT_EQ(validate({{"type", "integer"}}, json::parse("3.0")), "");
  EXPECT_EQ(validate({{"type", "integer"}}, json::parse("3.5")), "/: must be of type integer");
  EXPECT_EQ(validate({{"type", "number"}}, 3.5), "");
  EXPECT_EQ(validate({{"type", json::array({"string", "null"})}}, nullptr), "");
  EXPECT_NE(validate({{"type", json::array({"string", "null"})}}, 1), "");
  EXPECT_EQ(validate({{"type", "boolean"}}, false), "");
  EXPECT_NE(validate({{"type", "object"}}, json::array()), "");
}

TEST(SchemaValidator, ObjectKeywords) {
  const json schema = {{"type", "object"},
                       {"required", {"a"}},
                       {"properties", {{"a", {{"type", "string"}}}, {"b", {{"minimum", 2}}}}},
                       {"additionalProperties", false}};
  EXPECT_EQ(validate(schema, {{"a", "x"}, {"b", 2}}), "");
  EXPECT_EQ(validate(schema, {{"b", 2}}), "/: missing required property \"a\"");
  EXPECT_EQ(validate(schema, {{"a", "x"}, {"c", 1}}), "/: property \"c\" is not allowed");
  EXPECT_EQ(validate(schema, {{"a", "x"}, {"b", 1}}), "/b: must be >= 2");
  const json typed_extra = {{"additionalProperties", {{"type", "integer"}}}};
  EXPECT_EQ(validate(typed_extra, {{"x/y", 1}}), "");
  EXPECT_EQ(validate(typed_extra, {{"x/y", "1"}}), "/x~1y: must be of type integer");
}

TEST(SchemaValidator, ArraysRefsEnumsConstAnyOf) {
  const json schema = {{"$defs", {{"count", {{"type", "integer"}, {"minimum", 0}}}}},
                       {"type", "array"},
                       {"items", {{"$ref", "#/$defs/count"}}}};
  EXPECT_EQ(validate(schema, {1, 2, 3}), "");
  EXPECT_EQ(validate(schema, {1, -2}), "/1: must be >= 0");
  EXPECT_EQ(validate({{"enum", {"a", 1}}}, 1), "");
  EXPECT_NE(validate({{"enum", {"a", 1}}}, "b"), "");
  EXPECT_EQ(validate({{"const", 1}}, json::parse("1.0")), "");  // equal numbers
  EXPECT_NE(validate({{"const", 1}}, "1"), "");
  const json any = {{"anyOf", {{{"type", "string"}}, {{"type", "integer"}, {"minimum", 5}}}}};
  EXPECT_EQ(validate(any, "s"), "");
  EXPECT_EQ(validate(any, 6), "");
  EXPECT_NE(validate(any, 4), "");
  EXPECT_EQ(validate(json(true), 4), "");
  EXPECT_NE(validate(json(false), 4), "");
}

TEST(SchemaValidator, MinimumIsExactForLargeAndNegativeIntegers) {
  EXPECT_EQ(validate({{"minimum", 0}}, json::parse("18446744073709551615")), "");
  EXPECT_NE(validate({{"minimum", 0}}, json::parse("-9223372036854775808")), "");
  EXPECT_EQ(validate({{"minimum", -3}}, -3), "");
  EXPECT_NE(validate({{"minimum", 9007199254740993ULL}}, json(9007199254740992ULL)), "");
  EXPECT_NE(validate({{"minimum", 0.5}}, 0), "");
}

TEST(SchemaValidator, StringsCountCodePointsAndMatchPatternsAndDateTimes) {
  EXPECT_EQ(validate({{"minLength", 2}}, "\xC3\xA9\xC3\xA9"), "");
  EXPECT_NE(validate({{"minLength", 2}}, "\xC3\xA9"), "");  // two bytes, one character
  EXPECT_EQ(validate({{"pattern", "^[a-z]+$"}}, "abc"), "");
  EXPECT_NE(validate({{"pattern", "^[a-z]+$"}}, "ab1"), "");
  EXPECT_EQ(validate({{"pattern", "b"}}, "abc"), "");  // unanchored: search, as ECMAScript does
  const json dt = {{"format", "date-time"}};
  EXPECT_EQ(validate(dt, "2024-02-29T10:00:00.123Z"), "");
  EXPECT_EQ(validate(dt, "2025-06-01T10:15:30+01:00"), "");
  EXPECT_EQ(validate(dt, "2025-06-01T23:59:60Z"), "");  // a leap second
  EXPECT_NE(validate(dt, "2025-02-29T10:00:00Z"), "");
  EXPECT_NE(validate(dt, "2025-06-01T10:15:60Z"), "");
  EXPECT_NE(validate(dt, "2025-06-01T10:15:30"), "");  // no time zone
  EXPECT_NE(validate(dt, "2025-06-01"), "");
  EXPECT_EQ(validate(dt, 5), "");  // formats only constrain strings
}

TEST(SchemaValidator, UnsupportedConstructsFailWhenBuilt) {
  EXPECT_THROW(build({{"oneOf", {json::object()}}}), UnsupportedSchema);
  EXPECT_THROW(build({{"properties", {{"a", {{"maxLength", 3}}}}}}), UnsupportedSchema);
  EXPECT_THROW(build({{"format", "email"}}), UnsupportedSchema);
  EXPECT_THROW(build({{"$ref", "other.json#/x"}}), UnsupportedSchema);
  EXPECT_THROW(build({{"$ref", "#/$defs/missing"}}), UnsupportedSchema);
  EXPECT_THROW(build({{"type", "int"}}), UnsupportedSchema);
  EXPECT_THROW(build({{"pattern", "("}}), UnsupportedSchema);
  EXPECT_THROW(build({{"$schema", "http://json-schema.org/draft-07/schema#"}}), UnsupportedSchema);
  try {
    build({{"$defs", {{"x", {{"items", {{"uniqueItems", true}}}}}}}});
    FAIL() << "uniqueItems was accepted";
  } catch (const UnsupportedSchema& e) {
    EXPECT_STREQ(e.what(), "#/$defs/x/items/uniqueItems: keyword \"uniqueItems\" is not supported");
  }
  // Annotations are fine.
  EXPECT_NO_THROW(build({{"title", "t"}, {"description", "d"}, {"$comment", "c"}}));
}

TEST(SchemaValidator, TheEmbeddedSchemaIsTheFileAndIsFullySupported) {
  std::ifstream in(FA_SNAPSHOT_SCHEMA, std::ios::binary);
  std::ostringstream file;
  file << in.rdbuf();
  EXPECT_EQ(std::string(fa::lsp::snapshot_schema_text()), file.str());
  EXPECT_NO_THROW(build(json::parse(fa::lsp::snapshot_schema_text())));
}

}  // namespace
