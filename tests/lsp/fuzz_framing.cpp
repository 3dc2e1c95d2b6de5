// libFuzzer target: arbitrary bytes through the framing and JSON message parsing. Every frame that
// parses must survive encode -> read -> parse unchanged; nothing may crash, hang or leak.
#include "documents.hpp"
#include "transport.hpp"

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  for (int frames = 0; frames < 64; ++frames) {
    fa::lsp::ReadResult r = fa::lsp::read_frame(in, 1u << 16);
    if (r.kind == fa::lsp::ReadResult::Kind::Eof) break;
    if (r.kind == fa::lsp::ReadResult::Kind::Error) {
      if (r.recoverable) continue;
      break;
    }
    (void)fa::lsp::uri_to_path(r.body);
    (void)fa::lsp::utf16_column(r.body, static_cast<unsigned>(r.body.size()));
    nlohmann::json j = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) continue;
    std::istringstream again(fa::lsp::encode_frame(j));
    fa::lsp::ReadResult back = fa::lsp::read_frame(again, std::size_t{1} << 30);
    if (back.kind != fa::lsp::ReadResult::Kind::Message) std::abort();
    nlohmann::json k = nlohmann::json::parse(back.body, nullptr, false);
    // Invalid UTF-8 inside strings is replaced on output, so only compare when the dump was exact.
    if (k.is_discarded()) std::abort();
    if (j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) != back.body) std::abort();
  }
  return 0;
}
