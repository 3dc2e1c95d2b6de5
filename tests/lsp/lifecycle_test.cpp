// Transcripts for the LSP 3.17 lifecycle and the JSON-RPC error codes.
#include "server_harness.hpp"

#include <gtest/gtest.h>

namespace {

using fa::lsp::testing::error_code_of;
using fa::lsp::testing::Harness;
using nlohmann::json;

TEST(Lifecycle, RequestsBeforeInitializeGetServerNotInitialized) {
  Harness h;
  EXPECT_EQ(error_code_of(h.request(5, "textDocument/hover")), -32002);
  EXPECT_EQ(error_code_of(h.request(6, "shutdown")), -32002);
  EXPECT_EQ(h.request(6, "shutdown").at("id"), 6);
  h.notify("textDocument/didOpen", {{"textDocument", {{"uri", "file:///a.cpp"}, {"text", ""}}}});
  EXPECT_TRUE(h.sent.empty());  // notifications before initialize are dropped
}

TEST(Lifecycle, InitializeAnnouncesCapabilitiesAndExperimentalProtocol) {
  Harness h;
  json r = h.initialize();
  ASSERT_EQ(error_code_of(r), 0) << r.dump();
  const json& caps = r.at("result").at("capabilities");
  EXPECT_EQ(caps.at("textDocumentSync").at("change"), 1);
  EXPECT_EQ(caps.at("hoverProvider"), true);
  EXPECT_EQ(caps.at("experimental").at("framealloc").at("snapshotNotification"), "framealloc/snapshot");
  EXPECT_EQ(r.at("result").at("serverInfo").at("name"), "fa-lsp");
  EXPECT_EQ(h.server.settings().workspace_root, "/tmp/fa-lsp-ws");
  EXPECT_EQ(error_code_of(h.request(2, "initialize", {{"capabilities", json::object()}})), -32600);
}

TEST(Lifecycle, UnknownRequestsAndNotifications) {
  Harness h;
  h.initialize();
  json r = h.request(7, "workspace/noSuchThing");
  EXPECT_EQ(error_code_of(r), -32601);
  EXPECT_EQ(r.at("id"), 7);
  EXPECT_TRUE(h.send({{"jsonrpc", "2.0"}, {"method", "$/noSuchNotification"}}).empty());
  EXPECT_TRUE(h.send({{"jsonrpc", "2.0"}, {"method", "$/setTrace"}, {"params", {{"value", "off"}}}}).empty());
}

TEST(Lifecycle, ShutdownThenExitIsCodeZero) {
  Harness h;
  h.initialize();
  json r = h.request(9, "shutdown");
  EXPECT_TRUE(r.contains("result"));
  EXPECT_TRUE(r.at("result").is_null());
  EXPECT_EQ(error_code_of(h.request(10, "textDocument/hover")), -32600);  // after shutdown
  EXPECT_FALSE(h.server.exit_requested());
  h.notify("exit");
  EXPECT_TRUE(h.server.exit_requested());
  EXPECT_EQ(h.server.exit_code(), 0);
}

TEST(Lifecycle, ExitWithoutShutdownIsCodeOne) {
  Harness h;
  h.initialize();
  h.notify("exit");
  EXPECT_TRUE(h.server.exit_requested());
  EXPECT_EQ(h.server.exit_code(), 1);
}

TEST(Lifecycle, ParentProcessIdIsRemembered) {
  Harness h;
  h.request(1, "initialize", {{"processId", 4242}, {"capabilities", json::object()}});
  ASSERT_TRUE(h.server.parent_pid().has_value());
  EXPECT_EQ(*h.server.parent_pid(), 4242);
}

TEST(Lifecycle, CancelledRequestInTheSameBatchGetsRequestCancelled) {
  Harness h;
  h.initialize();
  h.sent.clear();
  h.server.handle_batch({{{"jsonrpc", "2.0"}, {"id", 11}, {"method", "framealloc/latest"}},
                         {{"jsonrpc", "2.0"}, {"id", 12}, {"method", "framealloc/latest"}},
                         {{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", 11}}}}});
  ASSERT_EQ(h.sent.size(), 2u);
  EXPECT_EQ(h.sent[0].at("id"), 11);
  EXPECT_EQ(error_code_of(h.sent[0]), -32800);
  EXPECT_EQ(h.sent[1].at("id"), 12);
  EXPECT_TRUE(h.sent[1].contains("result"));
}

TEST(Lifecycle, MalformedMessagesGetInvalidRequestOrParseError) {
  Harness h;
  h.initialize();
  auto out = h.send(json::array({1, 2}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_code_of(out[0]), -32600);
  EXPECT_TRUE(out[0].at("id").is_null());
  out = h.send({{"jsonrpc", "2.0"}, {"id", 3}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_code_of(out[0]), -32600);
  out = h.send({{"jsonrpc", "2.0"}, {"id", 3}, {"method", 17}});
  EXPECT_EQ(error_code_of(out[0]), -32600);
  EXPECT_TRUE(h.send({{"jsonrpc", "2.0"}, {"id", 3}, {"result", nullptr}}).empty());  // a response: ignored
  h.sent.clear();
  h.server.parse_error("not JSON");
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(error_code_of(h.sent[0]), -32700);
}

TEST(Lifecycle, InvalidParamsAreReportedAndTheServerGoesOn) {
  Harness h;
  h.initialize();
  EXPECT_EQ(error_code_of(h.request(4, "textDocument/hover", {{"position", 1}})), -32602);
  EXPECT_EQ(error_code_of(h.request(5, "framealloc/diff", {{"a", "x"}, {"b", 2}})), -32602);
  EXPECT_EQ(error_code_of(h.request(6, "framealloc/latest")), 0);
}

TEST(Lifecycle, AThrowingHandlerAnswersInternalErrorAndTheServerGoesOn) {
  Harness h;
  // A snapshot directory that cannot be created: requestSnapshot's filesystem call throws.
  h.initialize({{"snapshotDir", "/proc/fa-lsp-cannot-create/here"}});
  json r = h.request(8, "framealloc/requestSnapshot");
  EXPECT_EQ(error_code_of(r), -32603) << r.dump();
  EXPECT_FALSE(h.logs.empty());
  EXPECT_EQ(error_code_of(h.request(9, "framealloc/latest")), 0);
  EXPECT_EQ(error_code_of(h.request(10, "shutdown")), 0);
}

TEST(Lifecycle, BadSettingTypeFailsInitializeWithInvalidParams) {
  Harness h;
  json r = h.request(1, "initialize",
                     {{"capabilities", json::object()}, {"initializationOptions", {{"debounceMs", "soon"}}}});
  EXPECT_EQ(error_code_of(r), -32602);
  EXPECT_NE(r.at("error").at("message").get<std::string>().find("debounceMs"), std::string::npos);
  EXPECT_EQ(error_code_of(h.request(2, "framealloc/latest")), -32002);  // still not initialized
}

}  // namespace
