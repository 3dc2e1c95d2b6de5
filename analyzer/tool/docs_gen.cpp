// fa-docs-gen: writes one Markdown page per FA code, plus an index, from the compiled catalog
// (which is generated from docs/diagnostics/catalog.json). Usage: fa-docs-gen <output dir>
#include <framealloc/diagnostic_codes.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

namespace {

std::string page(const fa::CodeInfo& c) {
  std::string s = "# " + std::string(c.id) + ": " + std::string(c.name) + "\n\n";
  s += "| Category | Default severity | Reported by |\n|---|---|---|\n";
  std::string origin = c.origin == fa::Origin::Runtime  ? "runtime"
                       : c.origin == fa::Origin::Static ? "fa-check"
                                                        : "runtime and fa-check";
  s += "| " + std::string(c.category) + " | " + std::string(fa::to_string(c.default_severity)) + " | " +
       origin + " |\n\n";
  s += "**" + std::string(c.summary) + "**\n\n" + std::string(c.description) + "\n\n";
  s += "## Incorrect\n\n```cpp\n" + std::string(c.incorrect_example) + "\n```\n\n";
  s += "## Correct\n\n```cpp\n" + std::string(c.correct_example) + "\n```\n\n";
  s += "## Help\n\n" + std::string(c.help) + "\n\n";
  if (!c.fix_from.empty()) {
    s += "Quick fix in editors (fa-lsp): **" + std::string(c.fix_title) + "** replaces `" +
         std::string(c.fix_from) + "` with `" + std::string(c.fix_to) + "` at the reported call.\n\n";
  }
  if (c.origin != fa::Origin::Runtime) {
    s += "Suppress one occurrence with `// fa-check: allow(" + std::string(c.id) +
         ") reason`, or set its level in `.fa.toml` (`[levels] " + std::string(c.id) + " = \"off\"`).\n\n";
  }
  s += "_Generated from docs/diagnostics/catalog.json by fa-docs-gen; do not edit._\n";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fa-docs-gen <output dir>\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  std::string index =
      "# FA diagnostic codes\n\n| Code | Name | Category | Severity | Summary |\n|---|---|---|---|---|\n";
  for (const fa::CodeInfo& c : fa::kCatalog) {
    std::ofstream(dir / (std::string(c.id) + ".md")) << page(c);
    index += "| [" + std::string(c.id) + "](" + std::string(c.id) + ".md) | " + std::string(c.name) + " | " +
             std::string(c.category) + " | " + std::string(fa::to_string(c.default_severity)) + " | " +
             std::string(c.summary) + " |\n";
  }
  index += "\n_Generated from docs/diagnostics/catalog.json by fa-docs-gen; do not edit._\n";
  std::ofstream out(dir / "README.md");
  out << index;
  if (!out) {
    std::cerr << "fa-docs-gen: cannot write " << (dir / "README.md") << "\n";
    return 1;
  }
  return 0;
}
