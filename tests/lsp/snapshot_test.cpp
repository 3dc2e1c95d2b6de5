// The snapshot feed: shape checks, bad files skipped with a log line, the bounded ring, deltas,
// history, diff, notifications only for clients that asked, and the request file.
#include "server_harness.hpp"
#include "site_lenses.hpp"
#include "snapshot_feed.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using fa::lsp::testing::error_code_of;
using fa::lsp::testing::Harness;
using nlohmann::json;

json example() {
  static const json parsed = [] {
    std::ifstream in(FA_SNAPSHOT_EXAMPLE);
    return json::parse(in);
  }();
  return parsed;
}

json frame(std::uint64_t n, std::uint64_t pool_bytes) {
  json s = example();
  s["frame"] = n;
  s["summary"]["pool_bytes"] = pool_bytes;
  return s;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() /
                  ("fa_lsp_snap_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

TEST(SnapshotSchema, TheSchemaExampleIsAcceptedAndDamageIsNamed) {
  using fa::lsp::snapshot_schema_error;
  EXPECT_EQ(snapshot_schema_error(example()), "");
  json s = example();
  s["version"] = 2;
  EXPECT_EQ(snapshot_schema_error(s), "/version: must be equal to 1");
  s = example();
  s["summary"].erase("pool_bytes");
  EXPECT_EQ(snapshot_schema_error(s), "/summary: missing required property \"pool_bytes\"");
  s = example();
  s["summary"]["heap_bytes"] = -1;
  EXPECT_EQ(snapshot_schema_error(s), "/summary/heap_bytes: must be >= 0");
  s = example();
  s["tags"] = json::object();
  EXPECT_EQ(snapshot_schema_error(s), "/tags: must be of type array");
  s = example();
  s["timestamp"] = "2025-02-30T10:00:00Z";  // matches the pattern, but there is no 30 February
  EXPECT_EQ(snapshot_schema_error(s), "/timestamp: must be an RFC 3339 date-time");
  s = example();
  s["extra"] = 1;
  EXPECT_EQ(snapshot_schema_error(s), "/: property \"extra\" is not allowed");
  EXPECT_EQ(snapshot_schema_error(json::array()), "/: must be of type object");
}

TEST(SnapshotFile, PartialOversizedAndMissingFilesAreErrorsNotThrows) {
  TempDir dir;
  const std::string good = dir.write("snapshot_0000000000000001.json", example().dump());
  EXPECT_TRUE(fa::lsp::load_snapshot_file(good, 1 << 20).snapshot.has_value());
  const std::string text = example().dump();
  const std::string partial = dir.write("snapshot_0000000000000002.json", text.substr(0, text.size() / 2));
  EXPECT_NE(fa::lsp::load_snapshot_file(partial, 1 << 20).error.find("not valid JSON"), std::string::npos);
  EXPECT_NE(fa::lsp::load_snapshot_file(good, 16).error.find("exceeds the limit"), std::string::npos);
  EXPECT_NE(fa::lsp::load_snapshot_file((dir.path / "nope.json").string(), 1 << 20).error, "");
}

TEST(SnapshotRing, BoundedWithDeltasHistoryAndDiff) {
  fa::lsp::SnapshotRing ring(3);
  EXPECT_TRUE(ring.push(frame(10, 100)).at("delta").is_null());
  json n = ring.push(frame(11, 164));
  EXPECT_EQ(n.at("delta").at("summary").at("pool_bytes"), 64);
  EXPECT_EQ(n.at("delta").at("frames"), 1);
  ring.push(frame(12, 100));
  ring.push(frame(13, 50));
  EXPECT_EQ(ring.size(), 3u);  // frame 10 dropped
  EXPECT_EQ(ring.latest()->at("frame"), 13);
  EXPECT_EQ(ring.history(0, 100, 1).size(), 3u);
  json sampled = ring.history(0, 100, 2);  // 11, 13 (newest always kept)
  ASSERT_EQ(sampled.size(), 2u);
  EXPECT_EQ(sampled[0].at("frame"), 11);
  EXPECT_EQ(sampled[1].at("frame"), 13);
  EXPECT_EQ(ring.history(12, 12, 1).size(), 1u);
  auto d = ring.diff(11, 13);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->at("summary").at("pool_bytes"), -114);
  EXPECT_TRUE(d->at("tags").is_object());
  EXPECT_FALSE(d->at("tags").empty());
  EXPECT_FALSE(ring.diff(10, 13).has_value());
}

TEST(SnapshotRing, DiffPerTagReportsRemovedTagsAsDecreases) {
  fa::lsp::SnapshotRing ring(4);
  json a = frame(1, 0);
  json b = frame(2, 0);
  ASSERT_FALSE(a.at("tags").empty());
  const std::string gone = a.at("tags")[0].at("path");
  b["tags"].erase(0);
  ring.push(a);
  ring.push(b);
  json d = *ring.diff(1, 2);
  const json& usage = a.at("tags")[0].at("pool");
  for (auto it = usage.begin(); it != usage.end(); ++it) {
    if (it->is_number_integer()) {
      EXPECT_EQ(d.at("tags").at(gone).at("pool").at(it.key()), -it->get<std::int64_t>());
    }
  }
}

TEST(SnapshotFeed, NotificationsOnlyWhenAskedAndBadFilesLogged) {
  TempDir dir;
  Harness quiet;
  quiet.initialize({{"snapshotDir", dir.path.string()}});
  quiet.sent.clear();
  quiet.server.snapshot_file(dir.write("snapshot_0000000000000005.json", frame(5, 1).dump()));
  EXPECT_TRUE(quiet.sent.empty());
  EXPECT_EQ(quiet.server.snapshots_held(), 1u);

  Harness h;
  h.initialize({{"snapshotDir", dir.path.string()}, {"snapshotNotifications", true}});
  ASSERT_FALSE(h.watched.empty());
  EXPECT_EQ(h.watched.back(), dir.path.string());
  h.sent.clear();
  h.server.snapshot_file(dir.write("snapshot_0000000000000005.json", frame(5, 1).dump()));
  h.server.snapshot_file(dir.write("snapshot_0000000000000006.json", "{\"version\": 1, \"fra"));
  h.server.snapshot_file(dir.write("snapshot.request", ""));  // not a snapshot: silently ignored
  h.server.snapshot_file(dir.write("snapshot_0000000000000007.json", frame(7, 9).dump()));
  ASSERT_EQ(h.sent.size(), 2u);
  EXPECT_EQ(h.sent[0].at("method"), "framealloc/snapshot");
  EXPECT_EQ(h.sent[1].at("params").at("delta").at("summary").at("pool_bytes"), 8);
  ASSERT_EQ(h.logs.size(), 1u);
  EXPECT_NE(h.logs[0].find("snapshot_0000000000000006.json"), std::string::npos);

  json hist = h.request(40, "framealloc/history", {{"from", 6}});
  ASSERT_EQ(hist.at("result").at("frames").size(), 1u);
  EXPECT_EQ(hist.at("result").at("frames")[0].at("frame"), 7);
  EXPECT_EQ(
      h.request(41, "framealloc/diff", {{"a", 5}, {"b", 7}}).at("result").at("summary").at("pool_bytes"), 8);
  EXPECT_EQ(error_code_of(h.request(42, "framealloc/diff", {{"a", 1}, {"b", 7}})), -32602);
  EXPECT_EQ(h.request(43, "framealloc/latest").at("result").at("frame"), 7);
}

TEST(SnapshotFeed, RequestSnapshotCreatesTheRequestFile) {
  TempDir dir;
  Harness h;
  h.initialize({{"snapshotDir", (dir.path / "sub").string()}});
  json r = h.request(50, "framealloc/requestSnapshot");
  ASSERT_EQ(error_code_of(r), 0) << r.dump();
  EXPECT_TRUE(fs::exists(dir.path / "sub" / "snapshot.request"));
}

TEST(SiteLenses, PathsMatchOnWholeComponents) {
  EXPECT_TRUE(fa::lsp::site_matches("src/ai/pathfinding.cpp", "/ws/src/ai/pathfinding.cpp"));
  EXPECT_TRUE(fa::lsp::site_matches("/ws/a.cpp", "/ws/a.cpp"));
  EXPECT_FALSE(fa::lsp::site_matches("draw_list.cpp", "/ws/my_draw_list.cpp"));
  EXPECT_FALSE(fa::lsp::site_matches("", "/ws/a.cpp"));
}

TEST(SiteLenses, CodeLensShowsBytesCountAndTrendAtTheAllocatingLine) {
  TempDir dir;
  Harness h;
  h.initialize({{"snapshotDir", dir.path.string()}});
  const std::string uri = "file:///ws/src/ai/pathfinding.cpp";
  h.notify("textDocument/didOpen", {{"textDocument", {{"uri", uri}, {"version", 1}, {"text", "\n"}}}});
  EXPECT_TRUE(
      h.request(60, "textDocument/codeLens", {{"textDocument", {{"uri", uri}}}}).at("result").empty());
  json a = frame(1, 0);
  json b = frame(2, 0);
  b["sites"][0]["bytes"] = a["sites"][0]["bytes"].get<std::int64_t>() + 2048;
  h.server.snapshot_file(dir.write("snapshot_0000000000000001.json", a.dump()));
  h.server.snapshot_file(dir.write("snapshot_0000000000000002.json", b.dump()));
  json lenses = h.request(61, "textDocument/codeLens", {{"textDocument", {{"uri", uri}}}}).at("result");
  ASSERT_EQ(lenses.size(), 1u) << lenses.dump();
  EXPECT_EQ(lenses[0].at("range").at("start").at("line"), 141);  // site line 142, 0-based
  const std::string title = lenses[0].at("command").at("title");
  EXPECT_NE(title.find("frame: 770.0 KiB in 1024 allocations (frame 2), +2.0 KiB"), std::string::npos)
      << title;
  EXPECT_NE(title.find("[ai::pathfinding]"), std::string::npos) << title;
}

TEST(BudgetPressure, OverBudgetTagIsAWarningAtItsWithTagSiteUntilItRecovers) {
  TempDir dir;
  Harness h;
  h.initialize({{"snapshotDir", dir.path.string()}});
  const std::string uri = "file:///ws/src/ai/search.cpp";
  const std::string text =
      "void f(fa::SmartAlloc& a) {\n  a.with_tag(\"pathfinding\", [&] { step(); });\n}\n";
  h.notify("textDocument/didOpen", {{"textDocument", {{"uri", uri}, {"version", 4}, {"text", text}}}});
  json over = frame(1, 0);
  over["budgets"]["tags"] =
      json::array({{{"tag", "ai::pathfinding"}, {"limit", 1000}, {"used", 1200}, {"peak", 1300}}});
  h.sent.clear();
  h.server.snapshot_file(dir.write("snapshot_0000000000000001.json", over.dump()));
  ASSERT_EQ(h.sent.size(), 1u);
  const json& p = h.sent[0].at("params");
  EXPECT_EQ(p.at("uri"), uri);
  ASSERT_EQ(p.at("diagnostics").size(), 1u);
  const json& d = p.at("diagnostics")[0];
  EXPECT_EQ(d.at("code"), "FA302");
  EXPECT_EQ(d.at("severity"), 2);
  EXPECT_EQ(d.at("range").at("start"), json({{"line", 1}, {"character", 13}}));
  EXPECT_NE(d.at("message").get<std::string>().find("limit 1000 B"), std::string::npos);

  h.sent.clear();  // same pressure again: nothing new to publish
  over["frame"] = 2;
  h.server.snapshot_file(dir.write("snapshot_0000000000000002.json", over.dump()));
  EXPECT_TRUE(h.sent.empty());

  json fine = frame(3, 0);
  fine["budgets"]["tags"] =
      json::array({{{"tag", "ai::pathfinding"}, {"limit", 1000}, {"used", 10}, {"peak", 900}}});
  h.server.snapshot_file(dir.write("snapshot_0000000000000003.json", fine.dump()));
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_TRUE(h.sent[0].at("params").at("diagnostics").empty());
}

TEST(SnapshotFeed, RingStaysBoundedOverThousandsOfSnapshots) {
  fa::lsp::SnapshotRing ring(64);
  for (std::uint64_t i = 0; i < 2000; ++i) ring.push(frame(i, i));
  EXPECT_EQ(ring.size(), 64u);
  EXPECT_EQ(ring.history(0, 20000, 1).front().at("frame"), 2000 - 64);
}

}  // namespace
