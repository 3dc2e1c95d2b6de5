#include "schema_validator.hpp"

#include <cmath>
#include <cstdint>
#include <set>
#include <string_view>

namespace fa::lsp {

using nlohmann::json;

namespace {

// Keywords that only annotate (no effect on validity).
const std::set<std::string, std::less<>> kAnnotations = {"$schema",     "$id",      "$comment", "title",
                                                         "description", "examples", "default",  "deprecated",
                                                         "readOnly",    "writeOnly"};
// Keywords this validator enforces.
const std::set<std::string, std::less<>> kAssertions = {
    "type",    "required", "properties", "additionalProperties",
    "items",   "$ref",     "$defs",      "enum",
    "const",   "anyOf",    "minimum",    "minLength",
    "pattern", "format"};
const std::set<std::string, std::less<>> kTypes = {"object", "array",   "string", "integer",
                                                   "number", "boolean", "null"};

std::string escape_pointer(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

bool has_type(const json& v, std::string_view type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  if (type == "number") return v.is_number();
  // JSON Schema: 1.0 is an integer too (a number with no fractional part).
  if (type == "integer")
    return v.is_number_integer() || (v.is_number_float() && std::isfinite(v.get<double>()) &&
                                     std::floor(v.get<double>()) == v.get<double>());
  return false;
}

// value >= minimum, exact for integers of either sign and size.
bool at_least(const json& value, const json& minimum) {
  if (!value.is_number_integer() || !minimum.is_number_integer())
    return value.get<double>() >= minimum.get<double>();
  const bool value_negative = !value.is_number_unsigned() && value.get<std::int64_t>() < 0;
  const bool minimum_negative = !minimum.is_number_unsigned() && minimum.get<std::int64_t>() < 0;
  if (value_negative != minimum_negative) return minimum_negative;
  if (value_negative) return value.get<std::int64_t>() >= minimum.get<std::int64_t>();
  return value.get<std::uint64_t>() >= minimum.get<std::uint64_t>();
}

// Unicode code points (what ajv counts for minLength), not bytes.
std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

bool digits(const std::string& s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

bool is_rfc3339_date_time(const std::string& s) {
  // full-date "T" partial-time time-offset; 't'/'z' and a space separator are accepted as ajv does.
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day))
    return false;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return false;
  if (!digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' ||
      !digits(s, 17, 2, second))
    return false;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  int tz_sign = 1, tz_hour = 0, tz_minute = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    tz_sign = s[i] == '-' ? -1 : 1;
    if (!digits(s, i + 1, 2, tz_hour)) return false;
    i += 3;
    if (i < s.size() && s[i] == ':') ++i;
    if (i < s.size()) {
      if (!digits(s, i, 2, tz_minute)) return false;
      i += 2;
    }
  } else {
    return false;  // a time zone is required
  }
  if (i != s.size()) return false;
  static constexpr int kDays[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap_year = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  if (month < 1 || month > 12 || day < 1 || day > (month == 2 && leap_year ? 29 : kDays[month])) return false;
  if (tz_hour > 23 || tz_minute > 59) return false;
  if (hour <= 23 && minute <= 59 && second < 60) return true;
  // A leap second is only valid at 23:59:60 UTC.
  const int utc_minute = minute - tz_minute * tz_sign;
  const int utc_hour = hour - tz_hour * tz_sign - (utc_minute < 0 ? 1 : 0);
  return (utc_hour == 23 || utc_hour == -1) && (utc_minute == 59 || utc_minute == -1) && second < 61;
}

SchemaValidator::SchemaValidator(json schema) : root_(std::move(schema)) {
  if (root_.is_object() && root_.contains("$schema") &&
      root_.at("$schema") != "https://json-schema.org/draft/2020-12/schema")
    throw UnsupportedSchema("$schema " + root_.at("$schema").dump() + ": only draft 2020-12 is supported");
  check(root_, "#");
}

void SchemaValidator::check(const json& schema, const std::string& where) {
  if (schema.is_boolean()) return;
  if (!schema.is_object()) throw UnsupportedSchema(where + ": a schema must be an object or a boolean");
  for (const auto& [key, value] : schema.items()) {
    const std::string at = where + "/" + escape_pointer(key);
    if (kAnnotations.count(key)) continue;
    if (!kAssertions.count(key)) throw UnsupportedSchema(at + ": keyword \"" + key + "\" is not supported");
    if (key == "type") {
      const json types = value.is_array() ? value : json::array({value});
      for (const json& t : types)
        if (!t.is_string() || !kTypes.count(t.get<std::string>()))
          throw UnsupportedSchema(at + ": unknown type " + t.dump());
    } else if (key == "required") {
      for (const json& name : value)
        if (!name.is_string()) throw UnsupportedSchema(at + ": required names must be strings");
      if (!value.is_array()) throw UnsupportedSchema(at + ": must be an array");
    } else if (key == "properties" || key == "$defs") {
      if (!value.is_object()) throw UnsupportedSchema(at + ": must be an object");
      for (const auto& [name, sub] : value.items()) check(sub, at + "/" + escape_pointer(name));
    } else if (key == "additionalProperties" || key == "items") {
      check(value, at);  // 2020-12 "items" is one schema (the array form is prefixItems)
    } else if (key == "anyOf") {
      if (!value.is_array() || value.empty()) throw UnsupportedSchema(at + ": must be a non-empty array");
      for (std::size_t i = 0; i < value.size(); ++i) check(value[i], at + "/" + std::to_string(i));
    } else if (key == "$ref") {
      if (!value.is_string()) throw UnsupportedSchema(at + ": must be a string");
      resolve(value.get<std::string>());  // throws for targets it cannot follow
    } else if (key == "enum") {
      if (!value.is_array()) throw UnsupportedSchema(at + ": must be an array");
    } else if (key == "minimum") {
      if (!value.is_number()) throw UnsupportedSchema(at + ": must be a number");
    } else if (key == "minLength") {
      if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<std::int64_t>() >= 0))
        throw UnsupportedSchema(at + ": must be a non-negative integer");
    } else if (key == "pattern") {
      if (!value.is_string()) throw UnsupportedSchema(at + ": must be a string");
      const std::string p = value.get<std::string>();
      try {
        patterns_.emplace(p, std::regex(p, std::regex::ECMAScript));
      } catch (const std::regex_error& e) {
        throw UnsupportedSchema(at + ": pattern " + value.dump() + " does not compile: " + e.what());
      }
    } else if (key == "format") {
      if (value != "date-time")
        throw UnsupportedSchema(at + ": format " + value.dump() + " is not supported");
    }
  }
}

const json& SchemaValidator::resolve(const std::string& ref) const {
  if (ref == "#") return root_;
  const std::string prefix = "#/$defs/";
  if (ref.rfind(prefix, 0) == 0) {
    const std::string name = ref.substr(prefix.size());
    if (name.find_first_of("/~%") == std::string::npos && root_.contains("$defs") &&
        root_.at("$defs").is_object() && root_.at("$defs").contains(name))
      return root_.at("$defs").at(name);
  }
  throw UnsupportedSchema("$ref \"" + ref +
                          "\": only #/$defs/<name> references to existing definitions are supported");
}

std::string SchemaValidator::Path::pointer() const {
  std::string tail = key != nullptr ? "/" + escape_pointer(*key) : "/" + std::to_string(index);
  return parent != nullptr ? parent->pointer() + tail : tail;
}

std::string SchemaValidator::validate(const json& instance) const {
  std::string error;
  valid(root_, instance, nullptr, error);
  return error;
}

bool SchemaValidator::valid(const json& schema, const json& value, const Path* path,
                            std::string& error) const {
  if (schema.is_boolean()) {
    if (schema.get<bool>()) return true;
    error = (path == nullptr ? "/" : path->pointer()) + ": not allowed here";
    return false;
  }
  return valid_keywords(schema, value, path, error);
}

bool SchemaValidator::valid_keywords(const json& schema, const json& value, const Path* path,
                                     std::string& error) const {
  auto fail = [&](const std::string& why) {
    error = (path == nullptr ? "/" : path->pointer()) + ": " + why;
    return false;
  };
  if (schema.contains("$ref") && !valid(resolve(schema.at("$ref").get<std::string>()), value, path, error))
    return false;
  if (auto t = schema.find("type"); t != schema.end()) {
    bool any = false;
    if (t->is_array()) {
      for (const json& type : *t) any = any || has_type(value, type.get_ref<const std::string&>());
    } else {
      any = has_type(value, t->get_ref<const std::string&>());
    }
    if (!any) return fail("must be of type " + (t->is_array() ? t->dump() : t->get<std::string>()));
  }
  if (schema.contains("const") && value != schema.at("const"))
    return fail("must be equal to " + schema.at("const").dump());
  if (schema.contains("enum")) {
    bool found = false;
    for (const json& option : schema.at("enum")) found = found || value == option;
    if (!found) return fail("must be one of " + schema.at("enum").dump());
  }
  if (value.is_number() && schema.contains("minimum") && !at_least(value, schema.at("minimum")))
    return fail("must be >= " + schema.at("minimum").dump());
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (schema.contains("minLength") && code_points(s) < schema.at("minLength").get<std::size_t>())
      return fail("must have at least " + schema.at("minLength").dump() + " characters");
    if (schema.contains("pattern") &&
        !std::regex_search(s, patterns_.at(schema.at("pattern").get<std::string>())))
      return fail("must match pattern " + schema.at("pattern").dump());
    if (schema.contains("format") && !is_rfc3339_date_time(s)) return fail("must be an RFC 3339 date-time");
  }
  if (value.is_object()) {
    if (schema.contains("required"))
      for (const json& name : schema.at("required"))
        if (!value.contains(name.get<std::string>()))
          return fail("missing required property \"" + name.get<std::string>() + "\"");
    const json* props = schema.contains("properties") ? &schema.at("properties") : nullptr;
    const auto extra = schema.find("additionalProperties");
    for (auto it = value.begin(); it != value.end(); ++it) {
      const Path sub{path, &it.key(), 0};
      const auto prop = props != nullptr ? props->find(it.key()) : schema.end();
      if (props != nullptr && prop != props->end()) {
        if (!valid(*prop, *it, &sub, error)) return false;
      } else if (extra != schema.end()) {
        if (extra->is_boolean() && !extra->get<bool>())
          return fail("property \"" + it.key() + "\" is not allowed");
        if (!valid(*extra, *it, &sub, error)) return false;
      }
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i)
      if (const Path sub{path, nullptr, i}; !valid(schema.at("items"), value[i], &sub, error)) return false;
  }
  if (schema.contains("anyOf")) {
    std::string first;
    for (const json& option : schema.at("anyOf")) {
      std::string ignored;
      if (valid(option, value, path, ignored)) return true;
      if (first.empty()) first = ignored;
    }
    return fail("must match a schema in anyOf (first alternative: " + first + ")");
  }
  return true;
}

}  // namespace fa::lsp
