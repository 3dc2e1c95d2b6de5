// LSP base protocol framing: `Content-Length` headers (in bytes, names case-insensitive, unknown
// headers ignored), exact body reads, a size cap. Reads from any std::istream so tests can feed bytes.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <iosfwd>
#include <string>

namespace fa::lsp {

struct ReadResult {
  enum class Kind { Message, Eof, Error };
  Kind kind = Kind::Eof;
  std::string body;   // the raw JSON text (Kind::Message)
  std::string error;  // why the frame was rejected (Kind::Error)
  // After an Error the stream is still positioned at a frame boundary when `recoverable`.
  bool recoverable = false;
};

inline constexpr std::size_t kDefaultMaxMessageBytes = 64u << 20;

// Reads one frame. EOF before any header byte is Eof; EOF mid-frame is an unrecoverable Error.
ReadResult read_frame(std::istream& in, std::size_t max_bytes = kDefaultMaxMessageBytes);

// `Content-Length: N\r\n\r\n<json>`; invalid UTF-8 in strings is replaced (U+FFFD), never thrown.
std::string encode_frame(const nlohmann::json& message);

}  // namespace fa::lsp
