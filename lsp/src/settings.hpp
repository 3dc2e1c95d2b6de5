// fa-lsp settings: `initializationOptions` or `workspace/didChangeConfiguration` {settings: {framealloc:
// {...}}}.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace fa::lsp {

// file:// URI of the docs/codes pages of this source tree.
std::string default_docs_base_uri();

struct Settings {
  std::string workspace_root;        // from rootUri / workspaceFolders
  std::string compile_commands_dir;  // "" = the root or root/build, whichever has compile_commands.json
  std::vector<std::string> fallback_flags = {"-std=c++20"};  // when there is no database
  std::string config_file;                                   // .fa.toml ("" = root/.fa.toml when it exists)
  std::string snapshot_dir;                                  // "" = root/target/framealloc
  std::string docs_base_uri = default_docs_base_uri();       // codeDescription.href base
  unsigned debounce_ms = 300;
  std::size_t snapshot_ring = 600;  // frames kept for history/diff
  std::size_t max_snapshot_bytes = 16u << 20;
};

// Applies the members present in `options` (unknown members ignored); throws std::invalid_argument
// naming the member when one has the wrong type.
void apply_settings(Settings& settings, const nlohmann::json& options);

// The database directory to use ("" = none: analyse with fallback_flags).
std::string resolve_compile_commands_dir(const Settings& settings);
std::string resolve_snapshot_dir(const Settings& settings);
std::string resolve_config_file(const Settings& settings);

}  // namespace fa::lsp
