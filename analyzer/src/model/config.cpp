#include "fa_check/config.hpp"

#include <framealloc/diagnostic_codes.hpp>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace fa::check {
namespace {

[[noreturn]] void fail(const std::string& path, const toml::source_region& where, const std::string& key,
                       const std::string& what) {
  throw ConfigError(path + ":" + std::to_string(where.begin.line) + ": key '" + key + "': " + what);
}

void only_keys(const std::string& path, const toml::table& t, const std::string& prefix,
               const std::set<std::string>& allowed) {
  for (const auto& [k, v] : t) {
    if (!allowed.count(std::string(k.str()))) {
      fail(path, k.source(), prefix + std::string(k.str()), "unknown key");
    }
  }
}

std::string string_of(const std::string& path, const toml::node& n, const std::string& key) {
  if (auto s = n.value<std::string>()) return *s;
  fail(path, n.source(), key, "expected a string");
}

std::vector<std::string> strings_of(const std::string& path, const toml::node& n, const std::string& key) {
  const toml::array* arr = n.as_array();
  if (arr == nullptr) fail(path, n.source(), key, "expected an array of strings");
  std::vector<std::string> out;
  for (const toml::node& item : *arr) out.push_back(string_of(path, item, key));
  return out;
}

const toml::table& table_of(const std::string& path, const toml::node& n, const std::string& key) {
  if (const toml::table* t = n.as_table()) return *t;
  fail(path, n.source(), key, "expected a table");
}

}  // namespace

std::optional<Level> parse_level(const std::string& s) {
  if (s == "off" || s == "allow") return Level::Off;
  if (s == "hint") return Level::Hint;
  if (s == "warning" || s == "warn") return Level::Warning;
  if (s == "error" || s == "deny") return Level::Error;
  return std::nullopt;
}

std::string to_string(Level level) {
  switch (level) {
    case Level::Off:
      return "off";
    case Level::Hint:
      return "hint";
    case Level::Warning:
      return "warning";
    case Level::Error:
      return "error";
  }
  return "off";
}

Config parse_config(const std::string& text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw ConfigError(path + ":" + std::to_string(e.source().begin.line) + ": " +
                      std::string(e.description()));
  }
  Config c;
  c.source = path;
  only_keys(path, root, "", {"analyzer", "levels", "tags", "arenas"});
  if (const toml::node* n = root.get("analyzer")) {
    const toml::table& t = table_of(path, *n, "analyzer");
    only_keys(path, t, "analyzer.", {"exclude", "hot_loop_depth"});
    if (const toml::node* e = t.get("exclude")) c.exclude = strings_of(path, *e, "analyzer.exclude");
    if (const toml::node* d = t.get("hot_loop_depth")) {
      auto v = d->value<int64_t>();
      if (!v || *v < 1 || *v > 16)
        fail(path, d->source(), "analyzer.hot_loop_depth", "expected an integer 1..16");
      c.hot_loop_depth = static_cast<unsigned>(*v);
    }
  }
  if (const toml::node* n = root.get("levels")) {
    for (const auto& [k, v] : table_of(path, *n, "levels")) {
      const std::string code(k.str());
      if (find_code(code) == nullptr) fail(path, k.source(), "levels." + code, "unknown FA code");
      auto level = parse_level(string_of(path, v, "levels." + code));
      if (!level) fail(path, v.source(), "levels." + code, "expected one of off, hint, warning, error");
      c.levels[code] = *level;
    }
  }
  if (const toml::node* n = root.get("tags")) {
    const toml::table& t = table_of(path, *n, "tags");
    only_keys(path, t, "tags.", {"known", "modules"});
    if (const toml::node* k = t.get("known")) c.known_tags = strings_of(path, *k, "tags.known");
    if (const toml::node* m = t.get("modules")) {
      for (const auto& [glob, tag] : table_of(path, *m, "tags.modules")) {
        c.module_tags[std::string(glob.str())] =
            string_of(path, tag, "tags.modules." + std::string(glob.str()));
      }
    }
  }
  if (const toml::node* n = root.get("arenas")) {
    const toml::array* arr = n->as_array();
    if (arr == nullptr) fail(path, n->source(), "arenas", "expected an array of tables ([[arenas]])");
    for (const toml::node& item : *arr) {
      const toml::table& t = table_of(path, item, "arenas");
      only_keys(path, t, "arenas.", {"allocate", "reset"});
      ArenaApi a;
      const toml::node* alloc = t.get("allocate");
      const toml::node* reset = t.get("reset");
      if (alloc == nullptr || reset == nullptr)
        fail(path, t.source(), "arenas", "needs both 'allocate' and 'reset'");
      a.allocate = strings_of(path, *alloc, "arenas.allocate");
      a.reset = string_of(path, *reset, "arenas.reset");
      c.arenas.push_back(std::move(a));
    }
  }
  return c;
}

Config load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read the configuration file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path);
}

std::string default_config_text() {
  return R"(# fa-check configuration (see docs/analyzer/cli.md). Every key is optional.

[analyzer]
# Globs of files that are not analysed (matched against absolute paths, or anywhere below for relative ones).
exclude = ["third_party/*", "build/*"]
# Loop nesting depth at which a pool or heap allocation counts as "in a hot loop" (FA530).
hot_loop_depth = 2

# Per-code levels: off, hint, warning or error.
[levels]
# FA530 = "error"

# Tags used with fa::with_tag, and which tag each module is expected to use.
[tags]
known = []

[tags.modules]
# "src/physics/*" = "physics"

# Other arenas checked like frame memory: allocation functions and the reset that frees them all.
[[arenas]]
allocate = ["std::pmr::monotonic_buffer_resource::allocate"]
reset = "std::pmr::monotonic_buffer_resource::release"
)";
}

}  // namespace fa::check
