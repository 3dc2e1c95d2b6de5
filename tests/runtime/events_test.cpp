// Lifecycle events, profiler hooks, frame history and call-site attribution on one thread.
#include <gtest/gtest.h>
#include <framealloc/framealloc.hpp>

#include <algorithm>
#include <source_location>
#include <string>
#include <vector>

namespace {

struct Recorder {
  std::vector<fa::FrameEvent> events;
  fa::FrameEventCallback callback() {
    return [this](const fa::FrameEvent& e) { events.push_back(e); };
  }
  std::vector<fa::FrameEvent> of(fa::FrameEventKind k) const {
    std::vector<fa::FrameEvent> out;
    std::copy_if(events.begin(), events.end(), std::back_inserter(out),
                 [k](const fa::FrameEvent& e) { return e.kind == k; });
    return out;
  }
};

fa::AllocConfig small(bool debug) {
  return fa::AllocConfig::minimal().with_debug_checks(debug);
}

class EventsTest : public ::testing::TestWithParam<bool> {};  // debug checks on/off

TEST_P(EventsTest, FrameBeginAndEndCarryDurationBytesAndPeak) {
  fa::SmartAlloc alloc(small(GetParam()));
  Recorder rec;
  alloc.on_frame_event(rec.callback());
  alloc.begin_frame();
  alloc.frame_alloc_bytes(1000, 8);
  alloc.end_frame();
  alloc.begin_frame();
  alloc.frame_alloc_bytes(200, 8);
  alloc.end_frame();
  const auto begins = rec.of(fa::FrameEventKind::FrameBegin);
  const auto ends = rec.of(fa::FrameEventKind::FrameEnd);
  ASSERT_EQ(begins.size(), 2u);
  ASSERT_EQ(ends.size(), 2u);
  EXPECT_EQ(ends[0].bytes, 1000u);
  EXPECT_EQ(ends[0].frame_number, 0u);
  EXPECT_EQ(ends[1].bytes, 200u);
  EXPECT_EQ(ends[1].peak_bytes, 1000u);  // the thread's largest frame so far
  EXPECT_GT(ends[0].duration_ns, 0u);
  EXPECT_EQ(ends[0].thread_index, alloc.thread_stats().thread_index);
  const fa::ThreadStats ts = alloc.thread_stats();
  EXPECT_EQ(ts.last_frame_bytes, 200u);
  EXPECT_EQ(ts.last_frame_duration_ns, ends[1].duration_ns);
  EXPECT_EQ(alloc.event_counts().of(fa::FrameEventKind::FrameEnd), 2u);
}

TEST_P(EventsTest, NoCallbackMeansNoCallsButEventsAreStillCounted) {
  fa::SmartAlloc alloc(small(GetParam()));
  Recorder rec;
  alloc.on_frame_event(rec.callback());
  alloc.on_frame_event({});  // off again
  alloc.begin_frame();
  alloc.end_frame();
  EXPECT_TRUE(rec.events.empty());
  EXPECT_EQ(alloc.event_counts().of(fa::FrameEventKind::FrameBegin), 1u);
  EXPECT_EQ(alloc.build_snapshot().events, alloc.event_counts().total());
}

TEST_P(EventsTest, MemoryPressureWhenFrameCrossesTheFraction) {
  fa::SmartAlloc alloc(small(GetParam()).with_frame_arena_size(64 << 10).with_memory_pressure_fraction(0.5));
  Recorder rec;
  alloc.on_frame_event(rec.callback());
  alloc.begin_frame();
  alloc.frame_alloc_bytes(20 << 10, 8);  // below half: no pressure
  alloc.end_frame();
  EXPECT_TRUE(rec.of(fa::FrameEventKind::MemoryPressure).empty());
  alloc.begin_frame();
  alloc.frame_alloc_bytes(40 << 10, 8);
  const auto p = rec.of(fa::FrameEventKind::MemoryPressure);  // before end_frame()
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].bytes, 40u << 10);
  EXPECT_EQ(p[0].limit, 32u << 10);
  alloc.end_frame();
  EXPECT_EQ(rec.of(fa::FrameEventKind::MemoryPressure).size(), 1u);  // none added at end_frame()
}

TEST_P(EventsTest, MemoryPressureArrivesAtTheCrossingOncePerFrameFromSmallAllocations) {
  fa::SmartAlloc alloc(small(GetParam()).with_frame_arena_size(64 << 10).with_memory_pressure_fraction(0.5));
  Recorder rec;
  alloc.on_frame_event(rec.callback());
  for (int frame = 1; frame <= 3; ++frame) {
    alloc.begin_frame();
    // 512 x 64 B reach exactly the 32 KiB threshold: a near miss, nothing raised.
    for (int i = 0; i < 512; ++i) alloc.frame_alloc_bytes(64, 8);
    ASSERT_EQ(alloc.frame_used(), 32u << 10);
    EXPECT_EQ(rec.of(fa::FrameEventKind::MemoryPressure).size(), static_cast<std::size_t>(frame - 1));
    alloc.frame_alloc_bytes(64, 8);  // the crossing
    const auto p = rec.of(fa::FrameEventKind::MemoryPressure);
    ASSERT_EQ(p.size(), static_cast<std::size_t>(frame));
    EXPECT_EQ(p.back().bytes, (32u << 10) + 64u);
    EXPECT_EQ(p.back().limit, 32u << 10);
    EXPECT_EQ(p.back().thread_index, alloc.thread_stats().thread_index);
    for (int i = 0; i < 256; ++i) alloc.frame_alloc_bytes(64, 8);  // further above: no repeat
    EXPECT_EQ(rec.of(fa::FrameEventKind::MemoryPressure).size(), static_cast<std::size_t>(frame));
    alloc.end_frame();
  }
  EXPECT_EQ(rec.of(fa::FrameEventKind::MemoryPressure).size(), 3u);
  EXPECT_EQ(alloc.event_counts().of(fa::FrameEventKind::MemoryPressure), 3u);
}

TEST_P(EventsTest, MemoryPressureIsCountedWithoutACallback) {
  fa::SmartAlloc alloc(small(GetParam()).with_frame_arena_size(64 << 10).with_memory_pressure_fraction(0.25));
  alloc.begin_frame();
  for (int i = 0; i < 300; ++i) alloc.frame_alloc_bytes(64, 8);  // 18.75 KiB > 16 KiB
  EXPECT_EQ(alloc.event_counts().of(fa::FrameEventKind::MemoryPressure), 1u);
  alloc.end_frame();
  EXPECT_EQ(alloc.event_counts().of(fa::FrameEventKind::MemoryPressure), 1u);
  EXPECT_EQ(alloc.thread_stats().frame.allocations, 300u);
}

TEST_P(EventsTest, BudgetSoftLimitIsPressureAndHardLimitIsExceeded) {
  fa::SmartAlloc alloc(small(GetParam()));
  alloc.set_diagnostic_sink(std::make_shared<fa::CollectingSink>());
  Recorder rec;
  alloc.on_frame_event(rec.callback());
  alloc.set_tag_budget("ai", {.soft = 100, .hard = 300});
  alloc.push_tag("ai");
  void* a = alloc.pool_alloc_bytes(128);
  EXPECT_THROW(alloc.pool_alloc_bytes(256), fa::AllocError);
  alloc.pool_free_bytes(a);
  alloc.pop_tag();
  const auto pressure = rec.of(fa::FrameEventKind::MemoryPressure);
  const auto exceeded = rec.of(fa::FrameEventKind::BudgetExceeded);
  ASSERT_EQ(pressure.size(), 1u);
  EXPECT_EQ(pressure[0].tag_path, "ai");
  EXPECT_EQ(pressure[0].limit, 100u);
  ASSERT_EQ(exceeded.size(), 1u);
  EXPECT_EQ(exceeded[0].limit, 300u);
  EXPECT_EQ(alloc.event_counts().of(fa::FrameEventKind::BudgetExceeded), 1u);
}

TEST_P(EventsTest, TransferInitiatedAndCompleted) {
  fa::SmartAlloc alloc(small(GetParam()));
  Recorder rec;
  alloc.on_frame_event(rec.callback());
  auto handle = alloc.frame_box_for_transfer(std::string("payload"));
  EXPECT_EQ(rec.of(fa::FrameEventKind::TransferInitiated).size(), 1u);
  EXPECT_TRUE(rec.of(fa::FrameEventKind::TransferCompleted).empty());
  EXPECT_EQ(handle.receive(), "payload");
  EXPECT_EQ(rec.of(fa::FrameEventKind::TransferCompleted).size(), 1u);
}

TEST_P(EventsTest, ProfilerHooksSeeAllocsFreesAndFramesWithTagPath) {
  fa::SmartAlloc alloc(small(GetParam()));
  std::vector<std::string> log;
  fa::ProfilerHooks hooks;
  hooks.on_alloc = [&](const fa::ProfilerAllocEvent& e) {
    log.push_back(std::string("alloc ") + fa::to_string(e.kind) + " " + std::to_string(e.bytes) + " " +
                  std::string(e.tag_path));
  };
  hooks.on_free = [&](const fa::ProfilerAllocEvent& e) {
    log.push_back(std::string("free ") + fa::to_string(e.kind) + " " + std::string(e.tag_path));
  };
  hooks.on_frame = [&](const fa::FrameRecord& r) { log.push_back("frame " + std::to_string(r.frame_bytes)); };
  alloc.set_profiler_hooks(std::move(hooks));
  alloc.begin_frame();
  alloc.push_tag("render");
  alloc.frame_alloc_bytes(48, 16);
  void* p = alloc.pool_alloc_bytes(24);
  alloc.pool_free_bytes(p);
  void* h = alloc.heap_alloc_bytes(10000);
  alloc.heap_free_bytes(h);
  alloc.pop_tag();
  alloc.end_frame();
  const std::vector<std::string> want = {"alloc frame 48 render", "alloc pool 24 render",
                                         "free pool render",      "alloc heap 10000 render",
                                         "free heap render",      "frame 48"};
  EXPECT_EQ(log, want);
  alloc.set_profiler_hooks({});
  alloc.begin_frame();
  alloc.frame_alloc_bytes(8);
  alloc.end_frame();
  EXPECT_EQ(log.size(), want.size());  // off again
}

TEST_P(EventsTest, HistoryRingIsBoundedAndFeedsTheGraph) {
  fa::SmartAlloc alloc(small(GetParam()).with_frame_history_size(4));
  for (std::size_t i = 1; i <= 6; ++i) {
    alloc.begin_frame();
    alloc.frame_alloc_bytes(i * 64, 64);
    alloc.end_frame();
  }
  const auto h = alloc.frame_history();
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h.front().frame_number, 3u);
  EXPECT_EQ(h.back().frame_number, 6u);
  EXPECT_EQ(h.back().frame_bytes, 6u * 64);
  EXPECT_EQ(h.back().frame_allocations, 1u);
  const fa::FrameGraph g = alloc.frame_graph(alloc.thread_stats().thread_index);
  EXPECT_EQ(g.frame_numbers, (std::vector<std::uint64_t>{3, 4, 5, 6}));
  EXPECT_EQ(g.frame_bytes, (std::vector<std::uint64_t>{192, 256, 320, 384}));
  EXPECT_EQ(g.duration_ms.size(), 4u);
  EXPECT_TRUE(alloc.frame_graph(999).frame_numbers.empty());
}

const fa::CallSiteStats* find_site(const std::vector<fa::CallSiteStats>& sites, std::uint32_t line,
                                   fa::AllocKind kind) {
  for (const auto& s : sites)
    if (s.line == line && s.kind == kind) return &s;
  return nullptr;
}

TEST_P(EventsTest, CallSitesAggregatePerLineTagAndKind) {
  fa::SmartAlloc alloc(small(GetParam()));
  alloc.set_call_site_attribution(true);
  alloc.begin_frame();
  alloc.push_tag("physics");
  std::uint32_t frame_line = 0;
  for (int i = 0; i < 3; ++i) {
    frame_line = std::source_location::current().line() + 1;
    alloc.frame_alloc_bytes(32);
  }
  const std::uint32_t typed_line = std::source_location::current().line() + 1;
  alloc.frame_alloc<double>(fa::here(), 1.5);
  alloc.pop_tag();
  const std::uint32_t pool_line = std::source_location::current().line() + 1;
  alloc.pool_free(alloc.pool_alloc<int>(fa::here(), 7));
  alloc.end_frame();
  const auto sites = alloc.call_site_stats();
  const fa::CallSiteStats* f = find_site(sites, frame_line, fa::AllocKind::Frame);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->count, 3u);
  EXPECT_EQ(f->bytes, 96u);
  EXPECT_EQ(f->tag, "physics");
  EXPECT_NE(f->file.find("events_test.cpp"), std::string::npos);
  EXPECT_NE(f->function.find("CallSitesAggregate"), std::string::npos);
  const fa::CallSiteStats* t = find_site(sites, typed_line, fa::AllocKind::Frame);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->bytes, sizeof(double));
  const fa::CallSiteStats* p = find_site(sites, pool_line, fa::AllocKind::Pool);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->tag, "");
  EXPECT_EQ(p->bytes, sizeof(int));
  // The last frame's view matches, and the snapshot carries the same rows.
  EXPECT_EQ(alloc.last_frame_call_site_stats().size(), sites.size());
  EXPECT_EQ(alloc.build_snapshot().sites.size(), sites.size());
  alloc.begin_frame();
  alloc.end_frame();
  EXPECT_TRUE(alloc.last_frame_call_site_stats().empty());
  EXPECT_EQ(alloc.call_site_stats().size(), sites.size());  // cumulative rows stay
}

// An observed thread's requests all reach the observer, the zero-byte ones too: the fast path
// must not serve them silently.
TEST_P(EventsTest, ZeroByteFrameRequestsAreAttributedToo) {
  fa::SmartAlloc alloc(small(GetParam()));
  alloc.set_call_site_attribution(true);
  alloc.begin_frame();
  const std::uint64_t before = alloc.stats().frame.allocations;
  const std::uint32_t line = std::source_location::current().line() + 1;
  for (int i = 0; i < 4; ++i) alloc.frame_alloc_bytes(0, 8);
  EXPECT_EQ(alloc.stats().frame.allocations - before, 4u);
  alloc.end_frame();
  const auto sites = alloc.call_site_stats();
  const fa::CallSiteStats* s = find_site(sites, line, fa::AllocKind::Frame);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->count, 4u);
  EXPECT_EQ(s->bytes, 0u);
}

TEST_P(EventsTest, AttributionOffRecordsNothingAndUntaggedVariadicIsUnknown) {
  fa::SmartAlloc alloc(small(GetParam()));
  alloc.begin_frame();
  alloc.frame_alloc_bytes(32);
  alloc.end_frame();
  EXPECT_TRUE(alloc.call_site_stats().empty());
  alloc.set_call_site_attribution(true);
  EXPECT_TRUE(alloc.call_site_attribution());
  alloc.begin_frame();
  alloc.frame_alloc<int>(5);
  alloc.end_frame();
  const auto sites = alloc.call_site_stats();
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[0].file, "<unknown>");
  EXPECT_EQ(sites[0].line, 1u);
}

TEST_P(EventsTest, AttributionFromConfig) {
  fa::SmartAlloc alloc(small(GetParam()).with_call_site_attribution(true));
  alloc.begin_frame();
  alloc.frame_box<int>(fa::here(), 3);
  alloc.end_frame();
  EXPECT_EQ(alloc.call_site_stats().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(DebugChecks, EventsTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "on" : "off"; });

TEST(EventsConfig, RejectsBadPressureFractionAndHistorySize) {
  EXPECT_THROW(fa::SmartAlloc(fa::AllocConfig::minimal().with_memory_pressure_fraction(0.0)),
               std::invalid_argument);
  EXPECT_THROW(fa::SmartAlloc(fa::AllocConfig::minimal().with_memory_pressure_fraction(1.5)),
               std::invalid_argument);
  EXPECT_THROW(fa::SmartAlloc(fa::AllocConfig::minimal().with_frame_history_size(std::size_t{1} << 30)),
               std::invalid_argument);
  EXPECT_STREQ(fa::to_string(fa::FrameEventKind::CrossThreadFreeQueued), "CrossThreadFreeQueued");
}

}  // namespace
