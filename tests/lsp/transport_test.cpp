// Framing: the abuse cases a client (or a broken pipe) can produce.
#include "transport.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace {

using fa::lsp::read_frame;
using fa::lsp::ReadResult;
using Kind = fa::lsp::ReadResult::Kind;

TEST(Transport, ReadsOneFrameExactly) {
  std::istringstream in("Content-Length: 7\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n[]");
  ReadResult a = read_frame(in);
  ASSERT_EQ(a.kind, Kind::Message);
  EXPECT_EQ(a.body, "{\"a\":1}");
  ReadResult b = read_frame(in);  // several frames in one buffer
  ASSERT_EQ(b.kind, Kind::Message);
  EXPECT_EQ(b.body, "[]");
  EXPECT_EQ(read_frame(in).kind, Kind::Eof);
}

TEST(Transport, HeaderNamesAreCaseInsensitiveAndUnknownHeadersIgnored) {
  std::istringstream in(
      "content-type: application/vscode-jsonrpc; charset=utf-8\r\nCONTENT-LENGTH:  2 \r\nX-Other: "
      "9\r\n\r\n{}");
  ReadResult r = read_frame(in);
  ASSERT_EQ(r.kind, Kind::Message);
  EXPECT_EQ(r.body, "{}");
}

TEST(Transport, LengthCountsBytesNotCharacters) {
  const std::string body = "{\"s\":\"\xC3\xA9\xF0\x9F\x98\x80\"}";  // é and an emoji: 6 bytes, 3 UTF-16 units
  std::istringstream in("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body + "X");
  ReadResult r = read_frame(in);
  ASSERT_EQ(r.kind, Kind::Message);
  EXPECT_EQ(r.body, body);
  EXPECT_EQ(in.get(), 'X');  // nothing after the body was consumed
}

TEST(Transport, MissingOrMalformedLengthIsAnError) {
  for (const char* bad : {"\r\n{}", "Content-Length: abc\r\n\r\n{}", "Content-Length: -2\r\n\r\n{}",
                          "Content-Length: 2x\r\n\r\n{}"}) {
    std::istringstream in(bad);
    ReadResult r = read_frame(in);
    EXPECT_EQ(r.kind, Kind::Error) << bad;
    EXPECT_FALSE(r.recoverable) << bad;
  }
}

TEST(Transport, OversizedBodyIsSkippedAndTheNextFrameStillReads) {
  std::istringstream in("Content-Length: 10\r\n\r\n0123456789Content-Length: 2\r\n\r\n{}");
  ReadResult big = read_frame(in, 8);
  ASSERT_EQ(big.kind, Kind::Error);
  EXPECT_TRUE(big.recoverable);
  EXPECT_NE(big.error.find("exceeds the limit"), std::string::npos);
  ReadResult next = read_frame(in, 8);
  ASSERT_EQ(next.kind, Kind::Message);
  EXPECT_EQ(next.body, "{}");
}

TEST(Transport, HugeDeclaredLengthDoesNotAllocate) {
  std::istringstream in("Content-Length: 99999999999999\r\n\r\n{}");
  ReadResult r = read_frame(in, 1024);
  EXPECT_EQ(r.kind, Kind::Error);  // rejected by the cap, then EOF inside the skipped body
}

TEST(Transport, EofInsideHeaderOrBodyIsAnErrorNotAMessage) {
  std::istringstream header("Content-Len");
  EXPECT_EQ(read_frame(header).kind, Kind::Error);
  std::istringstream body("Content-Length: 10\r\n\r\n{\"a\"");
  ReadResult r = read_frame(body);
  EXPECT_EQ(r.kind, Kind::Error);
  EXPECT_NE(r.error.find("end of input"), std::string::npos);
}

TEST(Transport, SplitWritesAreReassembled) {
  // A stringbuf delivers what was written so far; write the frame in pieces between reads.
  std::stringstream io;
  io << "Content-";
  io << "Length: 2\r";
  io << "\n\r\n{";
  io << "}";
  ReadResult r = read_frame(io);
  ASSERT_EQ(r.kind, Kind::Message);
  EXPECT_EQ(r.body, "{}");
}

TEST(Transport, EncodeReplacesInvalidUtf8AndCountsBytes) {
  nlohmann::json m = {{"message", std::string("bad \xFF byte \xC3\xA9")}};
  const std::string frame = fa::lsp::encode_frame(m);
  const auto sep = frame.find("\r\n\r\n");
  ASSERT_NE(sep, std::string::npos);
  const std::string body = frame.substr(sep + 4);
  EXPECT_EQ(frame.substr(0, sep), "Content-Length: " + std::to_string(body.size()));
  EXPECT_NE(body.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
  EXPECT_EQ(nlohmann::json::parse(body).at("message"), "bad \xEF\xBF\xBD byte \xC3\xA9");
}

}  // namespace
