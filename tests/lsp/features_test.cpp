// Transcripts for diagnostics (debounced jobs, UTF-16 ranges, related information, parse failures,
// clearing on close), hover and code actions.
#include "documents.hpp"
#include "server_harness.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <framealloc/diagnostic_codes.hpp>

#include <filesystem>
#include <fstream>

namespace {

using fa::lsp::Clock;
using fa::lsp::testing::error_code_of;
using fa::lsp::testing::Harness;
using nlohmann::json;

const std::string kUri = "file:///tmp/fa-lsp-ws/src/game%20loop.cpp";
const std::string kPath = "/tmp/fa-lsp-ws/src/game loop.cpp";
// Line 3 starts with a two-byte character before the use, so byte and UTF-16 columns differ.
const std::string kText = "void f() {\n  alloc.end_frame();\n  /*\xC3\xA9*/ p->x = 2.0f;\n}\n";

fa::check::Report report_with_fa601() {
  fa::check::Finding f;
  f.code = "FA601";
  f.severity = fa::Severity::Error;
  f.message = "frame memory used after end_frame()";
  f.location = {kPath, 3, 10, 3, 13};  // bytes: "p->x" starts at byte 10 (1-based)
  // Built member by member: a braced temporary trips GCC 12's -O3 -Wmaybe-uninitialized.
  fa::check::Note note;
  note.location = {kPath, 2, 3, 2, 17};
  note.message = "the frame ends here";
  f.notes.push_back(std::move(note));
  f.help = "allocate with pool_alloc";
  fa::check::Report r;
  r.findings.push_back(f);
  return r;
}

Harness opened(json options = {{"debounceMs", 0}}) {
  Harness h;
  h.initialize(std::move(options));
  h.notify("textDocument/didOpen",
           {{"textDocument", {{"uri", kUri}, {"languageId", "cpp"}, {"version", 3}, {"text", kText}}}});
  return h;
}

json publish_params(const std::vector<json>& sent) {
  for (const json& m : sent)
    if (m.value("method", "") == "textDocument/publishDiagnostics") return m.at("params");
  return nullptr;
}

TEST(Diagnostics, OpenIsDebouncedSaveIsAnalysedAtOnceAsOneJobWithTheBufferAsOverlay) {
  Harness h = opened({{"debounceMs", 5000}, {"fallbackFlags", {"-std=c++20", "-Iinc"}}});
  ASSERT_TRUE(h.server.next_deadline().has_value());
  h.server.tick(Clock::now());
  EXPECT_TRUE(h.jobs.empty());  // the open is not due yet
  h.notify("textDocument/didSave", {{"textDocument", {{"uri", kUri}}}});
  h.server.tick(Clock::now());
  ASSERT_EQ(h.jobs.size(), 1u);  // the save does not wait for the debounce; the open rides along
  h.server.tick(Clock::now() + std::chrono::seconds(6));
  ASSERT_EQ(h.jobs.size(), 1u);  // nothing left pending
  const auto& job = h.jobs[0];
  EXPECT_EQ(job.request.files, std::vector<std::string>{kPath});
  EXPECT_EQ(job.request.extra_args, (std::vector<std::string>{"-std=c++20", "-Iinc"}));
  ASSERT_EQ(job.request.overlays.size(), 1u);
  EXPECT_EQ(job.request.overlays[0].second, kText);
  EXPECT_FALSE(h.server.next_deadline().has_value());
}

TEST(Diagnostics, FindingsArePublishedWithUtf16RangesCodeLinkAndRelatedInformation) {
  Harness h = opened();
  h.server.tick(Clock::now());
  ASSERT_EQ(h.jobs.size(), 1u);
  h.sent.clear();
  h.server.analysis_done({kUri, 3, kText, report_with_fa601(), "", "", false, h.jobs.back().serial});
  json p = publish_params(h.sent);
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p.at("uri"), kUri);
  EXPECT_EQ(p.at("version"), 3);
  ASSERT_EQ(p.at("diagnostics").size(), 1u);
  const json& d = p.at("diagnostics")[0];
  EXPECT_EQ(d.at("code"), "FA601");
  EXPECT_EQ(d.at("source"), "fa-check");
  EXPECT_EQ(d.at("severity"), 1);
  EXPECT_EQ(d.at("range").at("start"), json({{"line", 2}, {"character", 8}}));  // 9 bytes = 8 UTF-16 units
  EXPECT_EQ(d.at("range").at("end"), json({{"line", 2}, {"character", 12}}));
  const std::string href = d.at("codeDescription").at("href");
  EXPECT_EQ(href.substr(href.size() - 15), "/codes/FA601.md");
  const json& rel = d.at("relatedInformation")[0];
  EXPECT_EQ(rel.at("message"), "the frame ends here");
  EXPECT_EQ(rel.at("location").at("uri"), kUri);
  EXPECT_EQ(rel.at("location").at("range").at("start"), json({{"line", 1}, {"character", 2}}));
}

TEST(Diagnostics, AFileThatFailsToParseIsShownNotClean) {
  Harness h = opened();
  h.server.tick(Clock::now());
  fa::check::Report r;
  r.errors.push_back({kPath, "failed to parse: unknown type name 'Particle'"});
  h.sent.clear();
  h.server.analysis_done({kUri, 3, kText, r, "", "", false, h.jobs.back().serial});
  json p = publish_params(h.sent);
  ASSERT_EQ(p.at("diagnostics").size(), 1u);
  EXPECT_EQ(p.at("diagnostics")[0].at("severity"), 1);
  EXPECT_NE(p.at("diagnostics")[0].at("message").get<std::string>().find("unknown type name"),
            std::string::npos);

  h.sent.clear();  // a request error (no database) is shown too
  h.server.analysis_done(
      {kUri, 3, kText, std::nullopt, "cannot load compilation database", "", false, h.jobs.back().serial});
  EXPECT_NE(publish_params(h.sent).at("diagnostics")[0].at("message").get<std::string>().find(
                "compilation database"),
            std::string::npos);
}

TEST(Diagnostics, CloseClearsAndLateResultsAreDropped) {
  Harness h = opened();
  h.server.tick(Clock::now());
  h.sent.clear();
  h.notify("textDocument/didClose", {{"textDocument", {{"uri", kUri}}}});
  json p = publish_params(h.sent);
  ASSERT_FALSE(p.is_null());
  EXPECT_TRUE(p.at("diagnostics").empty());
  h.sent.clear();
  h.server.analysis_done({kUri, 3, kText, report_with_fa601(), "", "", false, h.jobs.back().serial});
  EXPECT_TRUE(h.sent.empty());
}

TEST(Diagnostics, BadConfigFileIsShownAsADiagnostic) {
  Harness h = opened({{"debounceMs", 0}, {"configFile", "/nonexistent/.fa.toml"}});
  h.sent.clear();
  h.server.tick(Clock::now());
  EXPECT_TRUE(h.jobs.empty());
  json p = publish_params(h.sent);
  ASSERT_FALSE(p.is_null());
  EXPECT_NE(p.at("diagnostics")[0].at("message").get<std::string>().find("configuration"), std::string::npos);
}

TEST(Hover, DiagnosticUnderTheCursorShowsTheCatalogExplanation) {
  Harness h = opened();
  h.server.tick(Clock::now());
  h.server.analysis_done({kUri, 3, kText, report_with_fa601(), "", "", false, h.jobs.back().serial});
  json r = h.request(20, "textDocument/hover",
                     {{"textDocument", {{"uri", kUri}}}, {"position", {{"line", 2}, {"character", 9}}}});
  const std::string md = r.at("result").at("contents").at("value");
  EXPECT_NE(md.find("FA601"), std::string::npos);
  EXPECT_NE(md.find("use-after-end-frame"), std::string::npos);
  EXPECT_NE(md.find("Incorrect:"), std::string::npos);
  json outside =
      h.request(21, "textDocument/hover",
                {{"textDocument", {{"uri", kUri}}}, {"position", {{"line", 0}, {"character", 0}}}});
  EXPECT_TRUE(outside.at("result").is_null());
}

TEST(Hover, AllocationCallExplainsFrameLifetime) {
  Harness h;
  h.initialize();
  h.notify(
      "textDocument/didOpen",
      {{"textDocument", {{"uri", kUri}, {"version", 1}, {"text", "auto* p = alloc.frame_alloc<int>();\n"}}}});
  json r = h.request(22, "textDocument/hover",
                     {{"textDocument", {{"uri", kUri}}}, {"position", {{"line", 0}, {"character", 20}}}});
  const std::string md = r.at("result").at("contents").at("value");
  EXPECT_NE(md.find("`frame_alloc`"), std::string::npos);
  EXPECT_NE(md.find("end_frame"), std::string::npos);
}

TEST(CodeAction, SuppressionCommentIsInsertedAboveWithTheLineIndent) {
  Harness h = opened();
  h.server.tick(Clock::now());
  h.sent.clear();
  h.server.analysis_done({kUri, 3, kText, report_with_fa601(), "", "", false, h.jobs.back().serial});
  const json published = publish_params(h.sent).at("diagnostics");
  json r = h.request(30, "textDocument/codeAction",
                     {{"textDocument", {{"uri", kUri}}},
                      {"range", published[0].at("range")},
                      {"context", {{"diagnostics", published}}}});
  ASSERT_EQ(r.at("result").size(), 1u);
  const json& action = r.at("result")[0];
  EXPECT_EQ(action.at("kind"), "quickfix");
  const json& edit = action.at("edit").at("changes").at(kUri)[0];
  EXPECT_EQ(edit.at("newText"), "  // fa-check: allow(FA601) reason\n");
  EXPECT_EQ(edit.at("range").at("start"), json({{"line", 2}, {"character", 0}}));
  // Diagnostics from other tools get no fa-check action.
  json other = published;
  other[0]["source"] = "clangd";
  json none = h.request(31, "textDocument/codeAction",
                        {{"textDocument", {{"uri", kUri}}},
                         {"range", published[0].at("range")},
                         {"context", {{"diagnostics", other}}}});
  EXPECT_TRUE(none.at("result").empty());
}

// A finding of `code` at line 2 (1-based), byte columns [col, end_col] (inclusive end).
fa::check::Report report_with(const std::string& code, unsigned col, unsigned end_col) {
  fa::check::Finding f;
  f.code = code;
  f.severity = fa::Severity::Warning;
  f.message = "finding";
  f.location = {kPath, 2, col, 2, end_col};
  fa::check::Report r;
  r.findings.push_back(f);
  return r;
}

// Opens `text`, publishes `report` and asks for the code actions of what was published.
json actions_for(const std::string& text, const fa::check::Report& report) {
  Harness h;
  h.initialize({{"debounceMs", 0}});
  h.notify("textDocument/didOpen",
           {{"textDocument", {{"uri", kUri}, {"languageId", "cpp"}, {"version", 1}, {"text", text}}}});
  h.server.tick(Clock::now());
  h.sent.clear();
  h.server.analysis_done({kUri, 1, text, report, "", "", false, h.jobs.back().serial});
  const json published = publish_params(h.sent).at("diagnostics");
  return h
      .request(40, "textDocument/codeAction",
               {{"textDocument", {{"uri", kUri}}},
                {"range", published[0].at("range")},
                {"context", {{"diagnostics", published}}}})
      .at("result");
}

// "é" before the call: byte and UTF-16 columns differ, the edit must use UTF-16.
const std::string kCoroutineText =
    "Task t(fa::SmartAlloc& alloc) {\n  /*\xC3\xA9*/ auto box = alloc.frame_box<Path>();\n  co_await "
    "next_frame();\n}\n";

TEST(CodeAction, CatalogFixReplacesFrameBoxWithPoolBoxForFA602) {
  // The finding covers `alloc.frame_box<Path>()`: bytes 21..43 (1-based, inclusive).
  const json actions = actions_for(kCoroutineText, report_with("FA602", 21, 43));
  ASSERT_EQ(actions.size(), 2u) << actions.dump();
  const json& fix = actions[0];
  EXPECT_EQ(fix.at("title"), std::string(fa::find_code("FA602")->fix_title));
  EXPECT_EQ(fix.at("kind"), "quickfix");
  EXPECT_EQ(fix.at("isPreferred"), true);
  EXPECT_EQ(fix.at("diagnostics")[0].at("code"), "FA602");
  const json& edits = fix.at("edit").at("changes").at(kUri);
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].at("newText"), "pool_box");
  // "frame_box" starts at byte 26 (0-based) = UTF-16 column 25 after the two-byte "é".
  EXPECT_EQ(edits[0].at("range"),
            json({{"start", {{"line", 1}, {"character", 25}}}, {"end", {{"line", 1}, {"character", 34}}}}));
  // Applying the edit gives the catalog's correct spelling.
  std::string line(fa::lsp::line_at(kCoroutineText, 1));
  line.replace(26, 9, edits[0].at("newText").get<std::string>());
  EXPECT_EQ(line, "  /*\xC3\xA9*/ auto box = alloc.pool_box<Path>();");
  EXPECT_EQ(actions[1].at("title"), "Suppress FA602 on this line");  // the suppression stays available
}

TEST(CodeAction, CatalogFixIsOfferedOnlyWhenTheTextAtTheRangeMatches) {
  // FA602 on a frame_alloc call: the catalog fix (frame_box -> pool_box) does not apply.
  const std::string alloc_text = "void f() {\n  auto* p = alloc.frame_alloc<Path>();\n}\n";
  json actions = actions_for(alloc_text, report_with("FA602", 13, 36));
  ASSERT_EQ(actions.size(), 1u) << actions.dump();
  EXPECT_EQ(actions[0].at("title"), "Suppress FA602 on this line");
  // frame_box outside the diagnostic's range is not touched.
  const std::string outside = "void f() {\n  use(p); auto b = alloc.frame_box<Path>();\n}\n";
  actions = actions_for(outside, report_with("FA602", 3, 8));
  ASSERT_EQ(actions.size(), 1u) << actions.dump();
  // Only whole identifiers match: my_frame_box_helper is not frame_box.
  const std::string longer = "void f() {\n  auto b = my_frame_box_helper();\n}\n";
  actions = actions_for(longer, report_with("FA602", 12, 32));
  ASSERT_EQ(actions.size(), 1u) << actions.dump();
  // Two candidates in the range: ambiguous, no edit is guessed.
  const std::string twice = "void f() {\n  pair(alloc.frame_box<A>(), alloc.frame_box<B>());\n}\n";
  actions = actions_for(twice, report_with("FA602", 3, 52));
  ASSERT_EQ(actions.size(), 1u) << actions.dump();
  // A code without a catalog fix gets only the suppression.
  actions = actions_for(kCoroutineText, report_with("FA601", 21, 43));
  ASSERT_EQ(actions.size(), 1u) << actions.dump();
  EXPECT_EQ(actions[0].at("title"), "Suppress FA601 on this line");
}

TEST(CodeAction, CatalogFixAlsoServesFA001) {
  const std::string text = "int main() {\n  auto b = alloc.frame_box<Path>();\n}\n";
  const json actions = actions_for(text, report_with("FA001", 12, 34));
  ASSERT_EQ(actions.size(), 2u) << actions.dump();
  EXPECT_EQ(actions[0].at("edit").at("changes").at(kUri)[0].at("newText"), "pool_box");
}

TEST(Documents, UriPathRoundTripAndUtf16Columns) {
  EXPECT_EQ(fa::lsp::uri_to_path(kUri).value(), kPath);
  EXPECT_EQ(fa::lsp::path_to_uri(kPath), kUri);
  EXPECT_FALSE(fa::lsp::uri_to_path("untitled:Untitled-1").has_value());
  EXPECT_EQ(fa::lsp::utf16_column("a\xF0\x9F\x98\x80"
                                  "b",
                                  5),
            3u);  // emoji = surrogate pair
  EXPECT_EQ(fa::lsp::utf16_column("abc", 99), 3u);
  EXPECT_EQ(fa::lsp::line_at("a\r\nb\n", 0), "a");
  EXPECT_EQ(fa::lsp::line_at("a\r\nb\n", 5), "");
}

}  // namespace

namespace {

TEST(AnalyzeWorkspace, RunsWithProgressAndPublishesEveryFileWithFindings) {
  // Per process: ctest runs each test in its own process, two at a time.
  const auto ws =
      std::filesystem::temp_directory_path() / ("fa_lsp_ws_analyze_" + std::to_string(::getpid()));
  std::filesystem::create_directories(ws);
  std::ofstream(ws / "compile_commands.json") << "[]";
  Harness h;
  h.request(1, "initialize",
            {{"rootUri", "file://" + ws.string()},
             {"capabilities", {{"window", {{"workDoneProgress", true}}}}},
             {"initializationOptions", {{"debounceMs", 0}}}});
  h.notify("initialized");
  h.sent.clear();
  h.server.handle({{"jsonrpc", "2.0"},
                   {"id", 70},
                   {"method", "workspace/executeCommand"},
                   {"params", {{"command", "framealloc.analyzeWorkspace"}}}});
  ASSERT_EQ(h.jobs.size(), 1u);
  EXPECT_TRUE(h.jobs[0].uri.empty());
  EXPECT_TRUE(h.jobs[0].request.files.empty());  // every TU in the database
  EXPECT_EQ(h.jobs[0].request.build_dir, ws.string());
  const std::string token = h.jobs[0].progress_token;
  ASSERT_FALSE(token.empty());
  ASSERT_EQ(h.sent.size(), 2u);  // create, begin; the request is answered when the analysis ends
  EXPECT_EQ(h.sent[0].at("method"), "window/workDoneProgress/create");
  EXPECT_EQ(h.sent[1].at("params").at("value").at("kind"), "begin");
  // A second run while the first is going is refused.
  EXPECT_EQ(
      error_code_of(h.request(71, "workspace/executeCommand", {{"command", "framealloc.analyzeWorkspace"}})),
      -32602);

  h.sent.clear();
  h.server.analysis_progress(token, 1, 2, "/x/a.cpp");
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].at("params").at("value").at("percentage"), 50);

  h.sent.clear();
  fa::check::Report r = report_with_fa601();  // a finding in a file that is not open
  r.files = {kPath};
  fa::lsp::AnalysisResult done;
  done.report = r;
  done.progress_token = token;
  done.serial = h.jobs[0].serial;
  h.server.analysis_done(done);
  json p = publish_params(h.sent);
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p.at("uri"), kUri);
  EXPECT_EQ(p.at("diagnostics")[0].at("code"), "FA601");
  ASSERT_GE(h.sent.size(), 2u);
  const json& end = h.sent[h.sent.size() - 2];
  EXPECT_EQ(end.at("params").at("value").at("kind"), "end");
  EXPECT_EQ(end.at("params").at("value").at("message"), "1 finding(s), 0 tool error(s) in 1 file(s)");
  EXPECT_EQ(h.sent.back().at("id"), 70);
  EXPECT_EQ(h.sent.back().at("result").at("findings"), 1);
  EXPECT_EQ(h.sent.back().at("result").at("progressToken"), token);
  EXPECT_EQ(error_code_of(h.request(72, "workspace/executeCommand", {{"command", "nope"}})), -32602);
  std::filesystem::remove_all(ws);
}

// A harness whose workspace has an (empty) compilation database and a client with progress.
struct WorkspaceHarness {
  // Per process: ctest runs each test in its own process, two at a time, and one test's
  // destructor must not remove the directory another test is using.
  std::filesystem::path ws =
      std::filesystem::temp_directory_path() / ("fa_lsp_ws_cancel_" + std::to_string(::getpid()));
  Harness h;
  WorkspaceHarness() {
    std::filesystem::create_directories(ws);
    std::ofstream(ws / "compile_commands.json") << "[]";
    h.request(1, "initialize",
              {{"rootUri", "file://" + ws.string()},
               {"capabilities", {{"window", {{"workDoneProgress", true}}}}},
               {"initializationOptions", {{"debounceMs", 0}}}});
    h.notify("initialized");
  }
  ~WorkspaceHarness() { std::filesystem::remove_all(ws); }
};

TEST(AnalyzeWorkspace, CancelRequestAnswers32800AtOnceAndStopsTheWork) {
  WorkspaceHarness w;
  Harness& h = w.h;
  h.request(90, "workspace/executeCommand", {{"command", "framealloc.analyzeWorkspace"}});
  ASSERT_EQ(h.jobs.size(), 1u);
  const fa::lsp::AnalysisJob& job = h.jobs[0];
  EXPECT_FALSE(job.cancel->load());
  h.notify("$/cancelRequest", {{"id", 90}});
  // The progress ends and the request is answered -32800 right away, before the worker reacts.
  ASSERT_EQ(h.sent.size(), 2u);
  EXPECT_EQ(h.sent[0].at("params").at("value"), json({{"kind", "end"}, {"message", "cancelled"}}));
  EXPECT_EQ(h.sent[1].at("id"), 90);
  EXPECT_EQ(error_code_of(h.sent[1]), -32800);
  EXPECT_TRUE(job.cancel->load());  // the worker stops the analysis (and kills its processes)
  // What the worker reports afterwards is dropped: no second answer, no diagnostics.
  fa::lsp::AnalysisResult stopped;
  stopped.cancelled = true;
  stopped.serial = job.serial;
  h.sent.clear();
  h.server.analysis_done(stopped);
  h.server.analysis_progress(job.progress_token, 1, 2, "/x/a.cpp");
  EXPECT_TRUE(h.sent.empty());
  // Cancelling an id that is not running (or twice) does nothing.
  h.notify("$/cancelRequest", {{"id", 90}});
  h.notify("$/cancelRequest", {{"id", "other"}});
  EXPECT_TRUE(h.sent.empty());

  // A new analysis can start at once; the client's progress cancel button stops it the same way.
  h.request(91, "workspace/executeCommand", {{"command", "framealloc.analyzeWorkspace"}});
  ASSERT_EQ(h.jobs.size(), 2u);
  h.sent.clear();
  h.notify("window/workDoneProgress/cancel", {{"token", h.jobs[1].progress_token}});
  ASSERT_EQ(h.sent.size(), 2u);
  EXPECT_EQ(h.sent[1].at("id"), 91);
  EXPECT_EQ(error_code_of(h.sent[1]), -32800);
  EXPECT_TRUE(h.jobs[1].cancel->load());
  // A late, complete result of the cancelled run publishes nothing either.
  fa::lsp::AnalysisResult late;
  late.report = report_with_fa601();
  late.serial = h.jobs[1].serial;
  h.sent.clear();
  h.server.analysis_done(late);
  EXPECT_TRUE(h.sent.empty());
}

TEST(AnalyzeWorkspace, ShutdownCancelsTheRunningAnalysis) {
  WorkspaceHarness w;
  w.h.request(92, "workspace/executeCommand", {{"command", "framealloc.analyzeWorkspace"}});
  ASSERT_EQ(w.h.jobs.size(), 1u);
  w.h.send({{"jsonrpc", "2.0"}, {"id", 93}, {"method", "shutdown"}});
  EXPECT_TRUE(w.h.jobs[0].cancel->load());
  ASSERT_EQ(w.h.sent.size(), 3u);  // progress end, -32800 for 92, the shutdown reply
  EXPECT_EQ(error_code_of(w.h.sent[1]), -32800);
  EXPECT_EQ(w.h.sent[2].at("id"), 93);
}

TEST(Diagnostics, ANewerSaveCancelsTheStaleAnalysisOfTheSameBuffer) {
  Harness h = opened();
  h.server.tick(Clock::now());
  ASSERT_EQ(h.jobs.size(), 1u);
  h.notify("textDocument/didSave", {{"textDocument", {{"uri", kUri}}}});
  h.server.tick(Clock::now());
  ASSERT_EQ(h.jobs.size(), 2u);
  EXPECT_TRUE(h.jobs[0].cancel->load());
  EXPECT_FALSE(h.jobs[1].cancel->load());
  h.sent.clear();
  // The stale run finished before it noticed: its result is not published...
  h.server.analysis_done({kUri, 3, kText, report_with_fa601(), "", "", false, h.jobs[0].serial});
  EXPECT_TRUE(h.sent.empty());
  // ...the newer one is.
  h.server.analysis_done({kUri, 3, kText, report_with_fa601(), "", "", false, h.jobs[1].serial});
  EXPECT_FALSE(publish_params(h.sent).is_null());
  // Closing the buffer cancels its analysis in flight.
  h.notify("textDocument/didSave", {{"textDocument", {{"uri", kUri}}}});
  h.server.tick(Clock::now());
  ASSERT_EQ(h.jobs.size(), 3u);
  h.notify("textDocument/didClose", {{"textDocument", {{"uri", kUri}}}});
  EXPECT_TRUE(h.jobs[2].cancel->load());
}

TEST(AnalyzeWorkspace, WithoutADatabaseIsAClearError) {
  Harness h;
  h.initialize({}, "/nonexistent/fa-lsp-ws");
  json r = h.request(80, "workspace/executeCommand", {{"command", "framealloc.analyzeWorkspace"}});
  EXPECT_EQ(error_code_of(r), -32602);
  EXPECT_NE(r.at("error").at("message").get<std::string>().find("compile_commands.json"), std::string::npos);
  EXPECT_TRUE(h.jobs.empty());
}

}  // namespace
