#include "documents.hpp"

#include <cstdio>

namespace fa::lsp {

void DocumentStore::open(const std::string& uri, std::string text, long version) {
  Document d;
  d.uri = uri;
  d.path = uri_to_path(uri).value_or("");
  d.text = std::move(text);
  d.version = version;
  docs_[uri] = std::move(d);
}

bool DocumentStore::change(const std::string& uri, std::string text, long version) {
  auto it = docs_.find(uri);
  if (it == docs_.end()) return false;
  it->second.text = std::move(text);
  it->second.version = version;
  return true;
}

void DocumentStore::close(const std::string& uri) {
  docs_.erase(uri);
}

const Document* DocumentStore::find(const std::string& uri) const {
  auto it = docs_.find(uri);
  return it == docs_.end() ? nullptr : &it->second;
}

std::vector<const Document*> DocumentStore::all() const {
  std::vector<const Document*> out;
  for (const auto& [uri, doc] : docs_) out.push_back(&doc);
  return out;
}

namespace {
int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> uri_to_path(std::string_view uri) {
  constexpr std::string_view kScheme = "file://";
  if (uri.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  uri.remove_prefix(kScheme.size());
  const auto slash = uri.find('/');  // skips an authority ("localhost")
  if (slash == std::string_view::npos) return std::nullopt;
  uri.remove_prefix(slash);
  std::string out;
  for (std::size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size() && hex(uri[i + 1]) >= 0 && hex(uri[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(uri[i + 1]) * 16 + hex(uri[i + 2])));
      i += 2;
    } else {
      out.push_back(uri[i]);
    }
  }
  return out;
}

std::string path_to_uri(std::string_view path) {
  std::string out = "file://";
  for (unsigned char c : path) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string_view line_at(std::string_view text, unsigned line0) {
  std::size_t start = 0;
  for (unsigned i = 0; i < line0; ++i) {
    const auto nl = text.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  auto end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  std::string_view line = text.substr(start, end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

unsigned utf16_column(std::string_view line, unsigned bytes) {
  if (bytes > line.size()) bytes = static_cast<unsigned>(line.size());
  unsigned units = 0;
  for (unsigned i = 0; i < bytes;) {
    const auto c = static_cast<unsigned char>(line[i]);
    unsigned len = 1;
    if (c >= 0xF0) {
      len = 4;
    } else if (c >= 0xE0) {
      len = 3;
    } else if (c >= 0xC0) {
      len = 2;
    }
    units += len == 4 ? 2u : 1u;  // astral code points are surrogate pairs
    i += len;
  }
  return units;
}

}  // namespace fa::lsp
