// The .fa.toml project configuration (read with toml++). Every key is honoured; an unknown key
// or a bad value is a ConfigError naming the file, line and key.
#pragma once

#include <framealloc/diagnostic_types.hpp>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace fa::check {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Level a code is reported at; Off drops it.
enum class Level { Off, Hint, Warning, Error };

// A third-party arena whose allocations get the same lifetime checks as frame memory.
struct ArenaApi {
  std::vector<std::string> allocate;  // qualified names, e.g. "std::pmr::monotonic_buffer_resource::allocate"
  std::string reset;                  // qualified name of the function that expires them
};

struct Config {
  std::vector<std::string> exclude;                // globs over file paths
  std::map<std::string, Level> levels;             // per code: "FA530" -> Level::Error
  std::vector<std::string> known_tags;             // with_tag names that exist (empty: no tag checks)
  std::map<std::string, std::string> module_tags;  // path glob -> the tag code there must use
  unsigned hot_loop_depth = 2;                     // loop nesting at which a pool/heap allocation is "hot"
  std::vector<ArenaApi> arenas;
  std::string source;  // the file this came from ("" = defaults)
};

// Parses a .fa.toml text; `path` is used in error messages.
Config parse_config(const std::string& text, const std::string& path);
Config load_config(const std::string& path);

// The commented config `fa-check init` writes; parse_config accepts it unchanged.
std::string default_config_text();

std::optional<Level> parse_level(const std::string& s);
std::string to_string(Level level);

}  // namespace fa::check
