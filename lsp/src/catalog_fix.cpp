#include "catalog_fix.hpp"

#include "documents.hpp"

#include <framealloc/diagnostic_codes.hpp>

#include <string_view>
#include <vector>

namespace fa::lsp {

using nlohmann::json;

namespace {

// Byte offset in `line` of UTF-16 column `units` (clamped to the line).
std::size_t byte_of_utf16(std::string_view line, unsigned units) {
  std::size_t i = 0;
  unsigned seen = 0;
  while (i < line.size() && seen < units) {
    const auto c = static_cast<unsigned char>(line[i]);
    const std::size_t len = c < 0x80           ? 1
                            : (c >> 5) == 0x6  ? 2
                            : (c >> 4) == 0xE  ? 3
                            : (c >> 3) == 0x1E ? 4
                                               : 1;
    seen += len == 4 ? 2u : 1u;  // outside the BMP: a surrogate pair
    i += len;
  }
  return i < line.size() ? i : line.size();
}

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct Hit {
  unsigned line;
  std::size_t byte;
};

// Whole-word occurrences of `word` in the range [start, end) of `text`.
std::vector<Hit> find_word(const std::string& text, const json& range, std::string_view word) {
  const auto l0 = range.at("start").at("line").get<unsigned>();
  const auto l1 = range.at("end").at("line").get<unsigned>();
  std::vector<Hit> hits;
  for (unsigned l = l0; l <= l1 && l - l0 < 1000; ++l) {
    const std::string_view line = line_at(text, l);
    const std::size_t from =
        l == l0 ? byte_of_utf16(line, range.at("start").at("character").get<unsigned>()) : 0;
    const std::size_t to =
        l == l1 ? byte_of_utf16(line, range.at("end").at("character").get<unsigned>()) : line.size();
    for (std::size_t at = line.find(word, from); at != std::string_view::npos && at + word.size() <= to;
         at = line.find(word, at + 1)) {
      const bool starts = at == 0 || !ident_char(line[at - 1]);
      const bool ends = at + word.size() == line.size() || !ident_char(line[at + word.size()]);
      if (starts && ends) hits.push_back({l, at});
    }
  }
  return hits;
}

}  // namespace

std::optional<json> catalog_fix_action(const std::string& uri, const std::string& text,
                                       const json& diagnostic) {
  if (!diagnostic.contains("code") || !diagnostic.at("code").is_string() || !diagnostic.contains("range"))
    return std::nullopt;
  const fa::CodeInfo* info = fa::find_code(diagnostic.at("code").get<std::string>());
  if (info == nullptr || info->fix_from.empty()) return std::nullopt;
  const std::vector<Hit> hits = find_word(text, diagnostic.at("range"), info->fix_from);
  if (hits.size() != 1) return std::nullopt;  // absent or ambiguous: no guessing
  const std::string_view line = line_at(text, hits[0].line);
  const auto begin = static_cast<unsigned>(hits[0].byte);
  const auto end = static_cast<unsigned>(hits[0].byte + info->fix_from.size());
  const json edit = {{"range",
                      {{"start", {{"line", hits[0].line}, {"character", utf16_column(line, begin)}}},
                       {"end", {{"line", hits[0].line}, {"character", utf16_column(line, end)}}}}},
                     {"newText", std::string(info->fix_to)}};
  return json{{"title", std::string(info->fix_title)},
              {"kind", "quickfix"},
              {"isPreferred", true},
              {"diagnostics", json::array({diagnostic})},
              {"edit", {{"changes", {{uri, json::array({edit})}}}}}};
}

}  // namespace fa::lsp
