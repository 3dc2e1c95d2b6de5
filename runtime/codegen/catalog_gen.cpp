// fa-catalog-gen: validates the FA diagnostic catalog (docs/diagnostics/catalog.json)
// and generates <framealloc/diagnostic_codes.hpp> from it.
//
// Usage: fa-catalog-gen <catalog.json> <output-header>
//
// On success the header is written only when its content changes, so an unchanged
// catalog never triggers a rebuild of the code that includes it. On any error every
// problem found is printed as "fa-catalog-gen: <catalog>: <message>", the output is
// left untouched and the exit status is 1.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include <unistd.h>

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// Every entry has exactly these fields, all non-empty strings.
constexpr std::array<std::string_view, 10> kFields = {"code",    "name",    "category",    "severity",
                                                      "origin",  "summary", "description", "incorrect",
                                                      "correct", "help"};

// Fields that must fit on one line (everything else may contain '\n').
constexpr std::array<std::string_view, 6> kSingleLineFields = {"code",     "name",   "category",
                                                               "severity", "origin", "summary"};

// Category <-> hundreds digit of the code number.
constexpr std::array<std::string_view, 10> kCategoryByHundred = {
    "frame", "engine", "thread", "budget", "handle", "behavior", "lifetime", "tag", "tag", "internal"};

constexpr std::array<std::string_view, 3> kSeverities = {"error", "warning", "hint"};
constexpr std::array<std::string_view, 3> kOrigins = {"runtime", "static", "both"};

// The optional "fix": a mechanical edit an editor can apply at the diagnostic's range
// (fa-lsp offers it as a quick fix): {"title": "...", "replace": {"from": "id", "to": "id"}}.
struct Fix {
  std::string title;
  std::string from;
  std::string to;
};

struct Entry {
  std::size_t index = 0;  // position in the "codes" array of the catalog
  int number = 0;         // numeric part of the code
  std::map<std::string, std::string, std::less<>> fields;
  std::optional<Fix> fix;

  const std::string& operator[](std::string_view key) const { return fields.find(key)->second; }
};

class Diagnostics {
 public:
  void error(std::string message) { messages_.push_back(std::move(message)); }
  bool empty() const { return messages_.empty(); }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::vector<std::string> messages_;
};

std::string in_quotes(std::string_view s) {
  // Built with append rather than operator+: GCC 12 at -O2/-O3 reports a bogus
  // -Wrestrict for `"\"" + std::string(s)` (GCC bug 105651).
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out.append(s);
  out += '"';
  return out;
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

template <std::size_t N>
std::string one_of(const std::array<std::string_view, N>& set) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i != 0) out += ", ";
    out += in_quotes(set[i]);
  }
  return out;
}

std::optional<std::string> read_file(const fs::path& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec(errno, std::generic_category());
    error = "cannot open file: " + ec.message();
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    error = "cannot read file";
    return std::nullopt;
  }
  return std::move(ss).str();
}

// --- JSON parsing with duplicate-key detection --------------------------------------

// nlohmann::json silently keeps the last of two equal keys; for a hand-edited catalog
// that hides typos, so the parser callback tracks the keys of every open object.
class DuplicateKeyDetector {
 public:
  explicit DuplicateKeyDetector(Diagnostics& diags) : diags_(diags) {}

  bool operator()(int /*depth*/, json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        frames_.push_back(Frame{true, {}, {}, 0});
        break;
      case json::parse_event_t::array_start:
        frames_.push_back(Frame{false, {}, {}, 0});
        break;
      case json::parse_event_t::key: {
        Frame& top = frames_.back();
        top.current_key = parsed.get<std::string>();
        if (!top.keys.insert(top.current_key).second) {
          diags_.error("duplicate key " + in_quotes(top.current_key) + " in " + location());
        }
        break;
      }
      case json::parse_event_t::value:
        element_done();
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        element_done();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool is_object;
    std::set<std::string> keys;
    std::string current_key;
    std::size_t next_index;
  };

  void element_done() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().next_index;
  }

  // Location of the innermost open object, e.g. "codes[3]" or "the top-level object".
  std::string location() const {
    std::string path;
    for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      if (f.is_object) {
        if (!path.empty()) path += '.';
        path += f.current_key;
      } else {
        path += '[' + std::to_string(f.next_index) + ']';
      }
    }
    return path.empty() ? std::string("the top-level object") : path;
  }

  Diagnostics& diags_;
  std::vector<Frame> frames_;
};

std::optional<json> parse_catalog(const std::string& text, Diagnostics& diags) {
  DuplicateKeyDetector detector(diags);
  try {
    json doc = json::parse(text, [&detector](int depth, json::parse_event_t event, json& parsed) {
      return detector(depth, event, parsed);
    });
    return doc;
  } catch (const json::parse_error& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    std::string what = e.what();
    if (const auto pos = what.find("] ");
        what.rfind("[json.exception.", 0) == 0 && pos != std::string::npos) {
      what.erase(0, pos + 2);
    }
    diags.error("malformed JSON: " + what);
    return std::nullopt;
  }
}

// --- validation ------------------------------------------------------------------------

bool is_code(std::string_view s) {
  return s.size() == 5 && s[0] == 'F' && s[1] == 'A' &&
         std::all_of(s.begin() + 2, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// kebab-case: lowercase words of [a-z0-9] starting with a letter, joined by single '-'.
bool is_kebab_case(std::string_view s) {
  if (s.empty() || s.front() < 'a' || s.front() > 'z' || s.back() == '-') return false;
  char prev = '-';
  for (char c : s) {
    const bool word_char = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!word_char && c != '-') return false;
    if (c == '-' && prev == '-') return false;
    prev = c;
  }
  return true;
}

// A C++ identifier (ASCII): what a fix may replace, and what it may put in its place.
bool is_identifier(std::string_view s) {
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  return !s.empty() && alpha(s.front()) &&
         std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

std::string bad_character(std::string_view s, bool single_line);

// Validates an entry's "fix"; reports problems under `where` and returns nullopt for them.
std::optional<Fix> validate_fix(const json& fix, const std::string& origin, const std::string& where,
                                Diagnostics& diags) {
  const std::string at = where + ": field \"fix\"";
  if (!fix.is_object()) {
    diags.error(at + " must be an object {\"title\", \"replace\": {\"from\", \"to\"}}");
    return std::nullopt;
  }
  bool ok = true;
  for (const auto& [key, value] : fix.items()) {
    if (key != "title" && key != "replace") {
      diags.error(at + ": unknown member " + in_quotes(key) + " (allowed: \"title\", \"replace\")");
      ok = false;
    }
  }
  Fix out;
  if (!fix.contains("title") || !fix["title"].is_string() || fix["title"].get<std::string>().empty()) {
    diags.error(at + ": \"title\" must be a non-empty string");
    ok = false;
  } else if (std::string bad = bad_character(fix["title"].get<std::string>(), true); !bad.empty()) {
    diags.error(at + ": \"title\" contains " + bad);
    ok = false;
  } else {
    out.title = fix["title"].get<std::string>();
  }
  const json* replace = fix.contains("replace") ? &fix["replace"] : nullptr;
  if (replace == nullptr || !replace->is_object() || replace->size() != 2 || !replace->contains("from") ||
      !replace->contains("to")) {
    diags.error(at + ": \"replace\" must be an object with exactly \"from\" and \"to\"");
    return std::nullopt;
  }
  for (const char* key : {"from", "to"}) {
    const json& v = (*replace)[key];
    if (!v.is_string() || !is_identifier(v.get<std::string>())) {
      diags.error(at + ": \"replace." + key + "\" must be a C++ identifier (got " + v.dump() + ")");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  out.from = (*replace)["from"].get<std::string>();
  out.to = (*replace)["to"].get<std::string>();
  if (out.from == out.to) {
    diags.error(at + ": \"replace.from\" and \"replace.to\" are both " + in_quotes(out.from));
    return std::nullopt;
  }
  // A fix edits source code at the analyzer's range: runtime-only codes have no such range.
  if (origin == "runtime") {
    diags.error(at + ": only codes fa-check reports (origin \"static\" or \"both\") can have a fix");
    return std::nullopt;
  }
  return out;
}

// Returns a description of the first disallowed character, or an empty string.
std::string bad_character(std::string_view s, bool single_line) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' && single_line) return "a line break (this field must be a single line)";
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(c));
      return std::string("control character ") + buf + " at offset " + std::to_string(i);
    }
  }
  return {};
}

std::vector<Entry> validate(const json& doc, Diagnostics& diags) {
  std::vector<Entry> entries;
  if (!doc.is_object()) {
    diags.error("the top level must be a JSON object with \"version\" and \"codes\"");
    return entries;
  }
  for (const auto& [key, value] : doc.items()) {
    if (key != "version" && key != "codes") {
      diags.error("unknown top-level field " + in_quotes(key) + " (expected only \"version\" and \"codes\")");
    }
  }
  if (!doc.contains("version")) {
    diags.error("missing required top-level field \"version\"");
  } else if (const json& v = doc["version"]; !v.is_string() || v.get_ref<const std::string&>().empty()) {
    diags.error("top-level field \"version\" must be a non-empty string");
  } else if (std::string bad = bad_character(v.get_ref<const std::string&>(), true); !bad.empty()) {
    diags.error("top-level field \"version\" contains " + bad);
  }
  if (!doc.contains("codes")) {
    diags.error("missing required top-level field \"codes\"");
    return entries;
  }
  const json& codes = doc["codes"];
  if (!codes.is_array() || codes.empty()) {
    diags.error("top-level field \"codes\" must be a non-empty array");
    return entries;
  }

  for (std::size_t i = 0; i < codes.size(); ++i) {
    const json& item = codes[i];
    std::string where = "codes[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      diags.error(where + ": entry must be a JSON object");
      continue;
    }
    if (auto it = item.find("code"); it != item.end() && it->is_string()) {
      where += " (" + it->get<std::string>() + ")";
    }

    bool complete = true;
    for (const auto& [key, value] : item.items()) {
      if (!contains(kFields, key) && key != "fix") {
        diags.error(where + ": unknown field " + in_quotes(key) + " (allowed fields: " + one_of(kFields) +
                    ", optional \"fix\")");
        complete = false;
      }
    }
    Entry entry;
    entry.index = i;
    for (std::string_view field : kFields) {
      const std::string key(field);
      auto it = item.find(key);
      if (it == item.end()) {
        diags.error(where + ": missing required field " + in_quotes(field));
        complete = false;
      } else if (!it->is_string()) {
        diags.error(where + ": field " + in_quotes(field) + " must be a string (got " + it->type_name() +
                    ")");
        complete = false;
      } else if (it->get_ref<const std::string&>().empty()) {
        diags.error(where + ": field " + in_quotes(field) + " must not be empty");
        complete = false;
      } else if (std::string bad =
                     bad_character(it->get_ref<const std::string&>(), contains(kSingleLineFields, field));
                 !bad.empty()) {
        diags.error(where + ": field " + in_quotes(field) + " contains " + bad);
        complete = false;
      } else {
        entry.fields.emplace(key, it->get<std::string>());
      }
    }
    if (!complete) continue;

    const std::string& code = entry["code"];
    const std::string& category = entry["category"];
    bool valid = true;
    if (!is_code(code)) {
      diags.error(where +
                  ": field \"code\" must match FA followed by exactly three digits, e.g. \"FA001\" (got " +
                  in_quotes(code) + ")");
      valid = false;
    } else {
      entry.number = std::stoi(code.substr(2));
      if (entry.number == 0) {
        diags.error(where + ": code FA000 is reserved (the value 0 is not a diagnostic)");
        valid = false;
      }
    }
    if (!is_kebab_case(entry["name"])) {
      diags.error(where +
                  ": field \"name\" must be kebab-case (lowercase letters and digits in words joined by "
                  "single '-', starting with a letter), got " +
                  in_quotes(entry["name"]));
      valid = false;
    }
    if (!contains(kCategoryByHundred, category)) {
      diags.error(where + ": field \"category\" must be one of " + one_of(kCategoryByHundred) + " (got " +
                  in_quotes(category) + ")");
      valid = false;
    } else if (entry.number != 0) {
      const auto hundred = static_cast<std::size_t>(entry.number / 100);
      if (kCategoryByHundred[hundred] != category) {
        diags.error(where + ": code " + code + " is in the FA" + std::to_string(hundred) +
                    "xx range, which belongs to category " + in_quotes(kCategoryByHundred[hundred]) +
                    ", but the entry's category is " + in_quotes(category));
        valid = false;
      }
    }
    if (!contains(kSeverities, entry["severity"])) {
      diags.error(where + ": field \"severity\" must be one of " + one_of(kSeverities) + " (got " +
                  in_quotes(entry["severity"]) + ")");
      valid = false;
    }
    if (!contains(kOrigins, entry["origin"])) {
      diags.error(where + ": field \"origin\" must be one of " + one_of(kOrigins) + " (got " +
                  in_quotes(entry["origin"]) + ")");
      valid = false;
    }
    if (auto it = item.find("fix"); it != item.end()) {
      entry.fix = validate_fix(*it, entry["origin"], where, diags);
      if (!entry.fix) valid = false;
    }
    if (valid) entries.push_back(std::move(entry));
  }

  std::map<std::string, std::size_t> seen_codes;
  std::map<std::string, std::size_t> seen_names;
  for (const Entry& e : entries) {
    if (auto [it, inserted] = seen_codes.emplace(e["code"], e.index); !inserted) {
      diags.error("duplicate code " + e["code"] + ": codes[" + std::to_string(it->second) + "] and codes[" +
                  std::to_string(e.index) + "]");
    }
    if (auto [it, inserted] = seen_names.emplace(e["name"], e.index); !inserted) {
      diags.error("duplicate name " + in_quotes(e["name"]) + ": codes[" + std::to_string(it->second) +
                  "] and codes[" + std::to_string(e.index) + "]");
    }
  }
  return entries;
}

// --- code generation -------------------------------------------------------------------

// Escapes one piece of text for use inside a "..." literal. UTF-8 passes through
// unchanged; control characters use 3-digit octal escapes (which cannot absorb a
// following digit, unlike \x escapes); '?' after '?' is escaped so no trigraph-like
// sequence appears (GCC warns about those under -Wall even though C++17 removed them).
std::string escape(std::string_view text) {
  std::string out;
  char prev = '\0';
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '?':
        out += prev == '?' ? "\\?" : "?";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += ch;
        }
    }
    prev = ch;
  }
  return out;
}

// Splits text into pieces to be emitted as adjacent string literals: after every
// line break, and at spaces so that no piece gets much longer than `width` bytes.
std::vector<std::string_view> split_for_literals(std::string_view text, std::size_t width) {
  std::vector<std::string_view> pieces;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    end = end == std::string_view::npos ? text.size() : end + 1;
    if (end > width) {
      // Break after the last space within the width (or the first one after it).
      std::size_t space = text.rfind(' ', width - 1);
      if (space == std::string_view::npos || space == 0) space = text.find(' ', width);
      if (space != std::string_view::npos && space + 1 < end) end = space + 1;
    }
    pieces.push_back(text.substr(0, end));
    text.remove_prefix(end);
  }
  return pieces;
}

void emit_string_field(std::ostream& out, std::string_view member, std::string_view text) {
  const std::vector<std::string_view> pieces = split_for_literals(text, 88);
  if (pieces.size() <= 1) {  // 0 pieces: an empty string
    out << "        ." << member << " = \"" << escape(text) << "\",\n";
    return;
  }
  out << "        ." << member << " =\n";
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    out << "            \"" << escape(pieces[i]) << '"' << (i + 1 == pieces.size() ? ",\n" : "\n");
  }
}

std::string enumerator(std::string_view value) {
  std::string out(value);
  out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string generate(const std::string& version, std::vector<Entry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.number < b.number; });

  std::ostringstream out;
  out << "// Generated by fa-catalog-gen from docs/diagnostics/catalog.json -- DO NOT EDIT.\n"
         "// Change the catalog instead; the build regenerates this header.\n"
         "#pragma once\n"
         "\n"
         "#include <array>\n"
         "#include <cstdint>\n"
         "#include <string_view>\n"
         "\n"
         "#include <framealloc/diagnostic_types.hpp>\n"
         "\n"
         "namespace fa {\n"
         "\n"
         "// The catalog's \"version\" field.\n"
         "inline constexpr std::string_view kCatalogVersion = \""
      << escape(version)
      << "\";\n"
         "\n"
         "// Every FA diagnostic code; the enumerator value is the numeric part of the code.\n"
         "enum class Code : std::uint16_t {\n";
  for (const Entry& e : entries) {
    out << "  " << e["code"] << " = " << e.number << ",  // " << e["name"] << '\n';
  }
  out << "};\n"
         "\n"
         "// All codes, sorted by code.\n"
         "inline constexpr std::array<CodeInfo, "
      << entries.size() << "> kCatalog = {{\n";
  for (const Entry& e : entries) {
    out << "    {\n"
        << "        .code = Code::" << e["code"] << ",\n"
        << "        .id = \"" << e["code"] << "\",\n"
        << "        .name = \"" << e["name"] << "\",\n"
        << "        .category = \"" << e["category"] << "\",\n"
        << "        .default_severity = Severity::" << enumerator(e["severity"]) << ",\n"
        << "        .origin = Origin::" << enumerator(e["origin"]) << ",\n";
    emit_string_field(out, "summary", e["summary"]);
    emit_string_field(out, "description", e["description"]);
    emit_string_field(out, "incorrect_example", e["incorrect"]);
    emit_string_field(out, "correct_example", e["correct"]);
    emit_string_field(out, "help", e["help"]);
    // Always spelled out (empty without a fix): no reliance on omitted designated initializers.
    emit_string_field(out, "fix_title", e.fix ? e.fix->title : "");
    emit_string_field(out, "fix_from", e.fix ? e.fix->from : "");
    emit_string_field(out, "fix_to", e.fix ? e.fix->to : "");
    out << "    },\n";
  }
  out << "}};\n"
         "\n"
         "// Looks a code up by its id (\"FA001\"); nullptr when there is no such code.\n"
         "constexpr const CodeInfo* find_code(std::string_view id) noexcept {\n"
         "  for (const CodeInfo& candidate : kCatalog) {\n"
         "    if (candidate.id == id) return &candidate;\n"
         "  }\n"
         "  return nullptr;\n"
         "}\n"
         "\n"
         "// Metadata of a code. Every enumerator of Code has an entry.\n"
         "constexpr const CodeInfo& info(Code c) noexcept {\n"
         "  switch (c) {\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    out << "    case Code::" << entries[i]["code"] << ":\n"
        << "      return kCatalog[" << i << "];\n";
  }
  out << "  }\n"
         "  // Only reachable for a value that is not an enumerator (forced in with static_cast):\n"
         "  // fall back to the highest code, "
      << entries.back()["code"] << " " << entries.back()["name"]
      << ".\n"
         "  return kCatalog["
      << entries.size() - 1
      << "];\n"
         "}\n"
         "\n"
         "}  // namespace fa\n";
  return std::move(out).str();
}

// Writes `content` to `path` unless the file already holds exactly that content.
// Writes a temporary file next to it and renames it into place, so a reader never
// sees a partially written header.
bool write_if_changed(const fs::path& path, const std::string& content, std::string& error) {
  std::string ignored;
  if (std::optional<std::string> existing = read_file(path, ignored); existing && *existing == content) {
    return true;
  }
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      error = "cannot create directory " + path.parent_path().string() + ": " + ec.message();
      return false;
    }
  }
  fs::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      error = "cannot write " + tmp.string();
      return false;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    error = "cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message();
    fs::remove(tmp, ec);
    return false;
  }
  return true;
}

int run(const std::string& catalog_path, const std::string& output_path) {
  Diagnostics diags;
  const auto fail = [&catalog_path](const Diagnostics& d) {
    for (const std::string& message : d.messages()) {
      std::cerr << "fa-catalog-gen: " << catalog_path << ": " << message << '\n';
    }
    return 1;
  };

  std::string read_error;
  const std::optional<std::string> text = read_file(catalog_path, read_error);
  if (!text) {
    diags.error(read_error);
    return fail(diags);
  }
  const std::optional<json> doc = parse_catalog(*text, diags);
  if (!doc || !diags.empty()) return fail(diags);
  std::vector<Entry> entries = validate(*doc, diags);
  if (!diags.empty()) return fail(diags);

  const std::string header = generate((*doc)["version"].get<std::string>(), std::move(entries));
  std::string write_error;
  if (!write_if_changed(output_path, header, write_error)) {
    diags.error(write_error);
    return fail(diags);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "fa-catalog-gen: usage: fa-catalog-gen <catalog.json> <output-header>\n";
    return 1;
  }
  try {
    return run(argv[1], argv[2]);
  } catch (const std::exception& e) {
    std::cerr << "fa-catalog-gen: " << argv[1] << ": internal error: " << e.what() << '\n';
    return 1;
  }
}
