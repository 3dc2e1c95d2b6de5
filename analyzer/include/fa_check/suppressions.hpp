// In-source suppressions: `// fa-check: allow(FA601) reason` on the finding's line or the line above.
#pragma once

#include <string_view>

namespace fa::check {

// True when `line` or `line_above` carries an allow(...) comment listing `code`
// (several codes may be listed, separated by commas).
bool is_suppressed(std::string_view code, std::string_view line, std::string_view line_above);

}  // namespace fa::check
