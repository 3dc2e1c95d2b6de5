#include "fa_check/suppressions.hpp"

namespace fa::check {
namespace {

bool allows(std::string_view code, std::string_view line) {
  constexpr std::string_view kMarker = "fa-check: allow(";
  std::size_t comment = line.find("//");
  if (comment == std::string_view::npos) return false;
  std::size_t at = line.find(kMarker, comment);
  if (at == std::string_view::npos) return false;
  std::size_t open = at + kMarker.size();
  std::size_t close = line.find(')', open);
  if (close == std::string_view::npos) return false;
  std::string_view list = line.substr(open, close - open);
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == code) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool is_suppressed(std::string_view code, std::string_view line, std::string_view line_above) {
  return allows(code, line) || allows(code, line_above);
}

}  // namespace fa::check
