// A JSON Schema (2020-12) validator for the keyword subset our schemas use: type, required,
// properties, additionalProperties, items, $ref (to #/$defs/...), enum, const, anyOf, minimum,
// minLength, pattern and format "date-time". Validation is driven by the schema document itself;
// a schema using anything else is rejected when the validator is built, so a schema change can
// never silently weaken validation. Agreement with ajv is tested (tests/lsp/schema/).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <stdexcept>
#include <string>

namespace fa::lsp {

// The schema uses a keyword, $ref, format or draft this validator does not implement.
class UnsupportedSchema : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SchemaValidator {
 public:
  // Throws UnsupportedSchema naming the schema location of the first unsupported construct.
  explicit SchemaValidator(nlohmann::json schema);

  // "" when `instance` is valid; otherwise the first violation as "<JSON pointer>: <why>".
  std::string validate(const nlohmann::json& instance) const;

 private:
  void check(const nlohmann::json& schema, const std::string& where);
  const nlohmann::json& resolve(const std::string& ref) const;
  // Where a value sits in the instance: a chain through the callers' frames, spelled out as a
  // JSON pointer only when there is an error to report (valid files build no strings).
  struct Path {
    const Path* parent = nullptr;
    const std::string* key = nullptr;  // object member, or
    std::size_t index = 0;             // array element when key is null
    std::string pointer() const;
  };
  bool valid(const nlohmann::json& schema, const nlohmann::json& value, const Path* path,
             std::string& error) const;
  bool valid_keywords(const nlohmann::json& schema, const nlohmann::json& value, const Path* path,
                      std::string& error) const;

  nlohmann::json root_;
  std::map<std::string, std::regex> patterns_;  // compiled once, by pattern text
};

// RFC 3339 date-time as ajv-formats checks it (full date with leap years, time, leap second at
// 23:59:60 UTC, time zone "Z" or an offset).
bool is_rfc3339_date_time(const std::string& s);

// The snapshot schema (docs/schemas/snapshot-v1.schema.json), embedded at build time.
const char* snapshot_schema_text();

}  // namespace fa::lsp
