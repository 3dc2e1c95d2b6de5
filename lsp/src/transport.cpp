#include "transport.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <istream>
#include <optional>

namespace fa::lsp {
namespace {

// Header lines longer than this are not LSP headers; stop before buffering garbage forever.
constexpr std::size_t kMaxHeaderLine = 4096;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// Reads one CRLF-terminated line (a bare LF is accepted too). nullopt on EOF before any byte.
std::optional<std::string> read_line(std::istream& in, bool& eof_mid, bool& too_long) {
  std::string line;
  int c = 0;
  bool any = false;
  while ((c = in.get()) != std::char_traits<char>::eof()) {
    any = true;
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    line.push_back(static_cast<char>(c));
    if (line.size() > kMaxHeaderLine) {
      too_long = true;
      return line;
    }
  }
  if (any) eof_mid = true;
  return std::nullopt;
}

ReadResult error(std::string why, bool recoverable) {
  ReadResult r;
  r.kind = ReadResult::Kind::Error;
  r.error = std::move(why);
  r.recoverable = recoverable;
  return r;
}

}  // namespace

ReadResult read_frame(std::istream& in, std::size_t max_bytes) {
  std::optional<std::size_t> length;
  bool first = true;
  bool bad_length = false;
  for (;;) {
    bool eof_mid = false;
    bool too_long = false;
    auto line = read_line(in, eof_mid, too_long);
    if (!line) {
      if (first && !eof_mid) return ReadResult{};  // clean EOF between frames
      return error("end of input inside a message header", false);
    }
    if (too_long) return error("header line longer than 4096 bytes", false);
    first = false;
    if (line->empty()) break;  // end of headers
    const auto colon = line->find(':');
    if (colon == std::string::npos) continue;  // not a header: ignored like unknown headers
    if (lower(trim(line->substr(0, colon))) != "content-length") continue;
    const std::string value = trim(line->substr(colon + 1));
    std::size_t n = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc{} || ptr != value.data() + value.size() || value.empty()) {
      bad_length = true;
    } else {
      length = n;
    }
  }
  if (bad_length || !length) return error("missing or invalid Content-Length header", false);
  if (*length > max_bytes) {
    // Skip the body so the stream stays framed; it is never buffered.
    in.ignore(static_cast<std::streamsize>(*length));
    if (static_cast<std::size_t>(in.gcount()) != *length)
      return error("end of input inside a message body", false);
    return error(
        "message of " + std::to_string(*length) + " bytes exceeds the limit of " + std::to_string(max_bytes),
        true);
  }
  ReadResult r;
  r.body.resize(*length);
  in.read(r.body.data(), static_cast<std::streamsize>(*length));
  if (static_cast<std::size_t>(in.gcount()) != *length)
    return error("end of input inside a message body", false);
  r.kind = ReadResult::Kind::Message;
  return r;
}

std::string encode_frame(const nlohmann::json& message) {
  const std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out = "Content-Length: ";
  out += std::to_string(body.size());
  out += "\r\n\r\n";
  out += body;
  return out;
}

}  // namespace fa::lsp
