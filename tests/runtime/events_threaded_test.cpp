// Lifecycle events and call sites across threads (runs under tsan).
#include <gtest/gtest.h>
#include <framealloc/framealloc.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace {

TEST(EventsThreaded, CrossThreadFreeQueuedNamesBothThreads) {
  fa::SmartAlloc alloc(fa::AllocConfig::minimal());
  std::mutex m;
  std::vector<fa::FrameEvent> frees;
  alloc.on_frame_event([&](const fa::FrameEvent& e) {
    if (e.kind != fa::FrameEventKind::CrossThreadFreeQueued) return;
    std::lock_guard lock(m);
    frees.push_back(e);
  });
  std::vector<void*> blocks;
  for (int i = 0; i < 8; ++i) blocks.push_back(alloc.pool_alloc_bytes(64));
  const std::uint32_t owner = alloc.thread_stats().thread_index;
  std::uint32_t freer = 0;
  std::thread([&] {
    for (void* p : blocks) alloc.pool_free_bytes(p);
    freer = alloc.thread_stats().thread_index;
  }).join();
  ASSERT_EQ(frees.size(), 8u);
  EXPECT_EQ(frees[0].thread_index, freer);
  EXPECT_EQ(frees[0].other_thread, owner);
  EXPECT_EQ(frees[0].bytes, 64u);
  EXPECT_EQ(alloc.event_counts().of(fa::FrameEventKind::CrossThreadFreeQueued), 8u);
}

TEST(EventsThreaded, ManyThreadsEmitFramesAndSitesWhileCallbackChanges) {
  fa::SmartAlloc alloc(fa::AllocConfig::minimal().with_call_site_attribution(true));
  std::atomic<std::uint64_t> ends{0};
  alloc.on_frame_event([&](const fa::FrameEvent& e) {
    if (e.kind == fa::FrameEventKind::FrameEnd) ends.fetch_add(1, std::memory_order_relaxed);
  });
  constexpr int kThreads = 4, kFrames = 200;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop.load()) {
      (void)alloc.call_site_stats();
      (void)alloc.frame_history();
      (void)alloc.stats();
      (void)alloc.event_counts();  // per-thread counts summed while their threads add to them
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&] {
      for (int f = 0; f < kFrames; ++f) {
        alloc.begin_frame();
        alloc.frame_alloc_bytes(16);
        alloc.pool_free_bytes(alloc.pool_alloc_bytes(32));
        alloc.end_frame();
      }
    });
  }
  for (auto& w : workers) w.join();
  stop.store(true);
  reader.join();
  EXPECT_EQ(ends.load(), std::uint64_t{kThreads} * kFrames);
  std::uint64_t frame_count = 0, pool_count = 0;
  for (const auto& s : alloc.call_site_stats())
    (s.kind == fa::AllocKind::Frame ? frame_count : pool_count) += s.count;
  EXPECT_EQ(frame_count, std::uint64_t{kThreads} * kFrames);
  EXPECT_EQ(pool_count, std::uint64_t{kThreads} * kFrames);
  EXPECT_EQ(alloc.event_counts().of(fa::FrameEventKind::FrameBegin), std::uint64_t{kThreads} * kFrames);
  EXPECT_EQ(alloc.event_counts().of(fa::FrameEventKind::FrameEnd), std::uint64_t{kThreads} * kFrames);
  // The shared history ring holds the newest frames of all threads, each one whole.
  const auto history = alloc.frame_history();
  ASSERT_EQ(history.size(), alloc.config().frame_history_size);
  std::vector<std::uint64_t> last_seen(kThreads + 1, 0);
  for (const auto& r : history) {
    ASSERT_GE(r.thread_index, 1u);
    ASSERT_LE(r.thread_index, static_cast<std::uint32_t>(kThreads) + 1);
    EXPECT_GT(r.frame_number, last_seen[r.thread_index - 1]);  // oldest first within a thread
    last_seen[r.thread_index - 1] = r.frame_number;
    EXPECT_EQ(r.frame_bytes, 16u);
    EXPECT_EQ(r.frame_allocations, 1u);
  }
}

}  // namespace
