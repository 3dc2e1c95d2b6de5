// Open text documents (the client's unsaved buffers) and the conversions LSP needs:
// file:// URIs <-> paths, and byte columns <-> UTF-16 code-unit columns.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fa::lsp {

struct Document {
  std::string uri;
  std::string path;
  std::string text;
  long version = 0;
};

class DocumentStore {
 public:
  void open(const std::string& uri, std::string text, long version);
  // Full-text sync only (the server announces TextDocumentSyncKind.Full).
  bool change(const std::string& uri, std::string text, long version);
  void close(const std::string& uri);
  const Document* find(const std::string& uri) const;
  std::vector<const Document*> all() const;

 private:
  std::map<std::string, Document> docs_;
};

// file:///a%20b/c.cpp -> /a b/c.cpp; nullopt for other schemes.
std::optional<std::string> uri_to_path(std::string_view uri);
std::string path_to_uri(std::string_view path);

// Line `line0` (0-based) of `text` without its line terminator ("" past the end).
std::string_view line_at(std::string_view text, unsigned line0);

// UTF-16 code units in the first `bytes` bytes of `line` (clamped to the line).
unsigned utf16_column(std::string_view line, unsigned bytes);

}  // namespace fa::lsp
