#include "settings.hpp"

#include "documents.hpp"

#include <filesystem>
#include <stdexcept>

namespace fa::lsp {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

template <typename T>
void take(const json& options, const char* key, T& out) {
  if (!options.contains(key) || options.at(key).is_null()) return;
  try {
    out = options.at(key).get<T>();
  } catch (const json::exception&) {
    throw std::invalid_argument(std::string("setting '") + key + "' has the wrong type");
  }
}

}  // namespace

std::string default_docs_base_uri() {
  return path_to_uri(FA_LSP_DOCS_DIR);
}

void apply_settings(Settings& s, const json& options) {
  if (!options.is_object()) return;
  take(options, "compileCommandsDir", s.compile_commands_dir);
  take(options, "fallbackFlags", s.fallback_flags);
  take(options, "configFile", s.config_file);
  take(options, "snapshotDir", s.snapshot_dir);
  take(options, "docsBaseUri", s.docs_base_uri);
  take(options, "debounceMs", s.debounce_ms);
  take(options, "snapshotRing", s.snapshot_ring);
  take(options, "maxSnapshotBytes", s.max_snapshot_bytes);
}

std::string resolve_compile_commands_dir(const Settings& s) {
  if (!s.compile_commands_dir.empty()) return s.compile_commands_dir;
  if (s.workspace_root.empty()) return {};
  for (const fs::path& dir : {fs::path(s.workspace_root), fs::path(s.workspace_root) / "build"}) {
    if (fs::exists(dir / "compile_commands.json")) return dir.string();
  }
  return {};
}

std::string resolve_snapshot_dir(const Settings& s) {
  if (!s.snapshot_dir.empty()) {
    const fs::path p(s.snapshot_dir);
    return p.is_absolute() || s.workspace_root.empty() ? p.string()
                                                       : (fs::path(s.workspace_root) / p).string();
  }
  if (s.workspace_root.empty()) return {};
  return (fs::path(s.workspace_root) / "target" / "framealloc").string();
}

std::string resolve_config_file(const Settings& s) {
  if (!s.config_file.empty()) return s.config_file;
  if (s.workspace_root.empty()) return {};
  const fs::path p = fs::path(s.workspace_root) / ".fa.toml";
  return fs::exists(p) ? p.string() : std::string();
}

}  // namespace fa::lsp
