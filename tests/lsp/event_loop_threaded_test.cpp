// The server's real threads (reader, main loop, analysis worker, writer, snapshot watcher) over
// pipes, with a stand-in analyzer: a session from initialize to the end of input, including
// diagnostics from the worker and a cancelled workspace analysis. Label threaded: run under TSan
// and ASan (no LLVM involved).
#include "event_loop.hpp"
#include "transport.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <ext/stdio_filebuf.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <istream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Reads frames from the server's output until one matches `pred` (the others are skipped).
json read_until(std::istream& from_server, const std::function<bool(const json&)>& pred) {
  for (;;) {
    const fa::lsp::ReadResult r = fa::lsp::read_frame(from_server);
    if (r.kind != fa::lsp::ReadResult::Kind::Message) return json{{"no_more_output", r.error}};
    json m = json::parse(r.body);
    if (pred(m)) return m;
  }
}

TEST(EventLoopThreaded, ASessionOverPipesWithDiagnosticsAndACancelledWorkspaceAnalysis) {
  const fs::path ws = fs::temp_directory_path() / ("fa_lsp_loop_" + std::to_string(::getpid()));
  fs::create_directories(ws);
  std::ofstream(ws / "compile_commands.json") << "[]";
  const std::string file = (ws / "a.cpp").string();
  const std::string uri = "file://" + file;

  // The stand-in analyzer: one FA601 per file; the workspace run waits until it is cancelled.
  std::atomic<int> file_runs{0};
  std::atomic<bool> workspace_started{false};
  std::atomic<bool> workspace_saw_cancel{false};
  auto analyze = [&](const fa::check::Request& request) {
    if (request.files.empty()) {
      workspace_started = true;
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (!request.cancelled() && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      workspace_saw_cancel = request.cancelled();
      throw fa::check::Cancelled("analysis cancelled");
    }
    ++file_runs;
    fa::check::Report report;
    report.files = request.files;
    fa::check::Finding f;
    f.code = "FA601";
    f.severity = fa::Severity::Error;
    f.message = "frame memory used after end_frame()";
    f.location = {request.files[0], 2, 3, 2, 6};
    report.findings.push_back(f);
    return report;
  };

  int to_server[2];
  int from_server[2];
  ASSERT_EQ(::pipe(to_server), 0);
  ASSERT_EQ(::pipe(from_server), 0);
  std::FILE* server_out = ::fdopen(from_server[1], "w");
  ASSERT_NE(server_out, nullptr);
  __gnu_cxx::stdio_filebuf<char> server_in_buf(to_server[0], std::ios::in);
  std::istream server_in(&server_in_buf);
  std::future<int> exit_code =
      std::async(std::launch::async, [&] { return fa::lsp::run_server(server_in, server_out, analyze); });

  __gnu_cxx::stdio_filebuf<char> client_in_buf(from_server[0], std::ios::in);
  std::istream client_in(&client_in_buf);
  auto send = [&](json m) {
    m["jsonrpc"] = "2.0";
    const std::string frame = fa::lsp::encode_frame(m);
    ASSERT_EQ(::write(to_server[1], frame.data(), frame.size()), static_cast<ssize_t>(frame.size()));
  };
  auto reply_to = [](int id) { return [id](const json& m) { return m.value("id", json()) == id; }; };

  send({{"id", 1},
        {"method", "initialize"},
        {"params",
         {{"processId", ::getpid()},
          {"rootUri", "file://" + ws.string()},
          {"capabilities", {{"window", {{"workDoneProgress", true}}}}},
          {"initializationOptions", {{"debounceMs", 0}}}}}});
  EXPECT_TRUE(read_until(client_in, reply_to(1)).contains("result"));
  send({{"method", "initialized"}, {"params", json::object()}});

  // didOpen -> the worker thread analyses -> the main loop publishes through the writer thread.
  send(
      {{"method", "textDocument/didOpen"},
       {"params",
        {{"textDocument", {{"uri", uri}, {"languageId", "cpp"}, {"version", 1}, {"text", "a\nbcdefg\n"}}}}}});
  json published = read_until(
      client_in, [](const json& m) { return m.value("method", "") == "textDocument/publishDiagnostics"; });
  // (EXPECT, not ASSERT, until the session is over: returning early would leave the server running.)
  const json diagnostics = published.value("params", json::object()).value("diagnostics", json::array());
  EXPECT_EQ(diagnostics.size(), 1u) << published.dump();
  if (diagnostics.size() == 1) {
    EXPECT_EQ(diagnostics[0].at("code"), "FA601");
    EXPECT_EQ(diagnostics[0].at("range").at("start").at("line"), 1);
  }

  // A running workspace analysis, cancelled: -32800 from the main loop, the worker stops.
  send({{"id", 2},
        {"method", "workspace/executeCommand"},
        {"params", {{"command", "framealloc.analyzeWorkspace"}}}});
  read_until(client_in, [](const json& m) {
    return m.value("method", "") == "$/progress" && m.at("params").at("value").at("kind") == "begin";
  });
  // Cancel once the worker is inside the analysis (a job cancelled while queued is never started).
  const auto started_by = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!workspace_started && std::chrono::steady_clock::now() < started_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_TRUE(workspace_started.load());
  send({{"method", "$/cancelRequest"}, {"params", {{"id", 2}}}});
  const json cancelled = read_until(client_in, reply_to(2));
  EXPECT_EQ(cancelled.value("error", json::object()).value("code", 0), -32800) << cancelled.dump();

  send({{"id", 3}, {"method", "shutdown"}});
  EXPECT_TRUE(read_until(client_in, reply_to(3)).contains("result"));
  ::close(to_server[1]);  // end of input after shutdown: exit code 0
  ASSERT_EQ(exit_code.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(exit_code.get(), 0);
  EXPECT_TRUE(workspace_saw_cancel.load());
  EXPECT_EQ(file_runs.load(), 1);
  std::fclose(server_out);  // the client sees the end of the output
  EXPECT_TRUE(read_until(client_in, [](const json&) { return false; }).contains("no_more_output"));
  fs::remove_all(ws);
}

}  // namespace
