// fa::Snapshot and SmartAlloc::build_snapshot(): live state in, schema-v1 JSON out.
#include <framealloc/framealloc.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>

namespace fa::test {
namespace {

using nlohmann::json;

struct Live {
  Live() : alloc(AllocConfig::minimal().with_debug_checks(true)), sink(std::make_shared<CollectingSink>()) {
    alloc.set_diagnostic_sink(sink);
  }
  SmartAlloc alloc;
  std::shared_ptr<CollectingSink> sink;
};

TEST(Snapshot, BuildReflectsLiveThreadsBytesTransfersAndDiagnostics) {
  Live l;
  std::thread([&] {
    l.alloc.begin_frame();
    (void)l.alloc.frame_alloc_bytes(1000);
    l.alloc.end_frame();
  }).join();
  for (int f = 0; f < 3; ++f) {
    l.alloc.begin_frame();
    l.alloc.end_frame();
  }
  l.alloc.begin_frame();
  (void)l.alloc.frame_alloc_bytes(256);
  void* p = l.alloc.pool_alloc_bytes(64);
  auto pending = l.alloc.frame_box_for_transfer(1);
  auto received = l.alloc.frame_box_for_transfer(2);
  EXPECT_EQ(received.receive(), 2);
  { auto dropped = l.alloc.frame_box_for_transfer(3); }  // FA211
  l.alloc.end_frame();
  l.alloc.end_frame();  // FA004 (no frame)
  l.alloc.end_frame();  // FA004 again

  const Snapshot s = l.alloc.build_snapshot();
  EXPECT_EQ(s.frame, 4u);  // frames completed by this thread
  ASSERT_EQ(s.threads.size(), 2u);
  EXPECT_TRUE(s.threads[0].exited);
  EXPECT_EQ(s.threads[0].frames_completed, 1u);
  EXPECT_GE(s.threads[0].frame_peak_bytes, 1000u);
  EXPECT_FALSE(s.threads[1].exited);
  EXPECT_EQ(s.threads[1].pool_bytes, 64u + 16u);  // p + the pending int's block (16-byte class)
  EXPECT_EQ(s.summary.thread_count, 2u);
  EXPECT_EQ(s.summary.pool_bytes, s.threads[1].pool_bytes);
  EXPECT_EQ(s.summary.total_bytes, s.summary.frame_bytes + s.summary.pool_bytes + s.summary.heap_bytes);
  EXPECT_EQ(s.transfers.initiated, 3u);
  EXPECT_EQ(s.transfers.completed, 1u);
  EXPECT_EQ(s.transfers.dropped, 1u);
  EXPECT_EQ(s.transfers.pending, 1u);
  EXPECT_EQ(s.transfers.completed_this_frame, 1u);
  ASSERT_EQ(s.diagnostics.size(), 2u);  // by code, in code order
  EXPECT_EQ(s.diagnostics[0].code, "FA004");
  EXPECT_EQ(s.diagnostics[0].count, 2u);
  EXPECT_EQ(s.diagnostics[0].severity, "warning");
  EXPECT_EQ(s.diagnostics[1].code, "FA211");
  EXPECT_NE(s.diagnostics[1].last_message.find("without being received"), std::string::npos);
  EXPECT_EQ(s.summary.diagnostics_reported, 3u);

  // completed_this_frame counts from the previous snapshot on.
  EXPECT_EQ(l.alloc.build_snapshot().transfers.completed_this_frame, 0u);
  EXPECT_EQ(pending.receive(), 1);
  EXPECT_EQ(l.alloc.build_snapshot().transfers.completed_this_frame, 1u);
  l.alloc.pool_free_bytes(p);
}

TEST(Snapshot, JsonHasEverySectionWithTheSchemaNames) {
  Live l;
  Snapshot s = l.alloc.build_snapshot();
  s.tags.push_back({"ai::pathfinding", {100, 2}, {64, 1}, {0, 0}});
  s.sites.push_back({"a.cpp", 12, "f()", "", SnapshotKind::Heap, 1, 4096});
  s.phases.push_back({"physics", 10, 1, 0});
  const json j = json::parse(s.to_json());
  for (const char* key :
       {"version", "frame", "timestamp", "duration_us", "summary", "threads", "tags", "promotions",
        "transfers", "deferred", "diagnostics", "phases", "budgets", "sites", "events"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j.size(), 15u);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["tags"][0]["path"], "ai::pathfinding");
  EXPECT_EQ(j["tags"][0]["frame"]["bytes"], 100);
  EXPECT_EQ(j["sites"][0]["kind"], "heap");
  EXPECT_FALSE(j["phases"][0].contains("duration_us"));  // optional, omitted when unknown
  EXPECT_TRUE(j["budgets"]["tags"].is_array());
  EXPECT_TRUE(j["deferred"].contains("queue_depth"));
  EXPECT_EQ(j["events"]["count"], 0);
  EXPECT_EQ(s.to_json(-1).find('\n'), std::string::npos);
}

TEST(Snapshot, InvalidUtf8InAMessageIsReplacedNotThrown) {
  Snapshot s;
  s.diagnostics.push_back({"FA901", "error", 1, std::string("bad \xff byte"), 0, 0});
  json j;
  ASSERT_NO_THROW(j = json::parse(s.to_json()));
  EXPECT_NE(j["diagnostics"][0]["last_message"].get<std::string>().find("bad "), std::string::npos);
}

TEST(Snapshot, TimestampIsIso8601UtcWithMilliseconds) {
  using namespace std::chrono;
  const system_clock::time_point t =
      sys_days{year{2025} / 6 / 1} + hours{10} + minutes{15} + seconds{30} + milliseconds{250};
  EXPECT_EQ(format_utc_timestamp(t), "2025-06-01T10:15:30.250Z");
  EXPECT_EQ(format_utc_timestamp(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
  const std::string now = format_utc_timestamp(system_clock::now());
  EXPECT_TRUE(std::regex_match(now, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)"))) << now;
}

}  // namespace
}  // namespace fa::test

namespace {

TEST(SnapshotBuild, TagsBudgetsAndPhasesComeFromLiveStats) {
  fa::SmartAlloc alloc(fa::AllocConfig::minimal());
  alloc.set_diagnostic_sink(std::make_shared<fa::CollectingSink>());
  alloc.set_global_budget({.soft = 0, .hard = 1 << 20});
  alloc.set_tag_budget("ai", {.soft = 0, .hard = 1 << 16});
  alloc.set_thread_frame_budget({.limit = 1 << 18});
  alloc.begin_frame();
  alloc.with_tag("ai", [&] {
    auto phase = alloc.phase_scope("think");
    fa::TagScope path(alloc, "pathfinding");
    alloc.frame_alloc_bytes(512);
  });
  alloc.end_frame();
  const fa::Snapshot s = alloc.build_snapshot();
  bool found = false;
  for (const auto& t : s.tags) {
    if (t.path != "ai::pathfinding") continue;
    found = true;
    EXPECT_EQ(t.frame.count, 1u);
    EXPECT_EQ(t.frame.bytes, 512u);
  }
  EXPECT_TRUE(found);
  ASSERT_EQ(s.phases.size(), 1u);
  EXPECT_EQ(s.phases[0].name, "think");
  EXPECT_EQ(s.phases[0].bytes, 512u);
  ASSERT_TRUE(s.budgets.global.has_value());
  EXPECT_EQ(s.budgets.global->limit, 1u << 20);
  ASSERT_EQ(s.budgets.tags.size(), 1u);
  EXPECT_EQ(s.budgets.tags[0].tag, "ai");
  EXPECT_GE(s.budgets.tags[0].peak, 512u);
  ASSERT_EQ(s.budgets.threads.size(), 1u);
  EXPECT_EQ(s.budgets.threads[0].limit, 1u << 18);
  const std::string json = s.to_json();
  EXPECT_NE(json.find("\"global\""), std::string::npos);
  EXPECT_NE(json.find("ai::pathfinding"), std::string::npos);
}

}  // namespace
