// Tags and budgets shared by several threads: totals stay consistent and a hard limit is
// never exceeded by a successful allocation.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

using fa::test::config_with_checks;
using fa::test::Harness;

class ThreadedTags : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Paths, ThreadedTags, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "DebugChecks" : "FastPath"; });

TEST_P(ThreadedTags, PerTagSumsEqualTheGlobalTotalsAcrossThreads) {
  Harness h(config_with_checks(GetParam()));
  constexpr int kThreads = 6, kFrames = 40;
  const char* names[] = {"ai", "physics", "render"};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int f = 0; f < kFrames; ++f) {
        h.alloc.begin_frame();
        h.alloc.with_tag(names[t % 3], [&] {
          h.alloc.frame_alloc_bytes(static_cast<std::size_t>(16 * (t + 1)));
          h.alloc.with_tag("sub", [&] { h.alloc.pool_free_bytes(h.alloc.pool_alloc_bytes(64)); });
          if (f % 10 == 0) h.alloc.heap_free_bytes(h.alloc.heap_alloc_bytes(8192));
        });
        h.alloc.frame_alloc_bytes(8);  // untagged
        h.alloc.end_frame();
      }
    });
  }
  for (auto& th : threads) th.join();
  const fa::AllocStats s = h.alloc.stats();
  std::uint64_t frame = 0, frame_bytes = 0, pool = 0, heap = 0, heap_bytes = 0;
  for (const auto& tag : s.tags) {
    frame += tag.frame.allocations;
    frame_bytes += tag.frame.bytes;
    pool += tag.pool.allocations;
    heap += tag.heap.allocations;
    heap_bytes += tag.heap.bytes;
  }
  EXPECT_EQ(frame, s.frame.allocations);
  EXPECT_EQ(frame, std::uint64_t{kThreads} * kFrames * 2);
  EXPECT_EQ(frame_bytes, s.frame.bytes_allocated);
  EXPECT_EQ(pool, s.pool.allocations);
  EXPECT_EQ(heap, s.heap.allocations);
  EXPECT_EQ(heap_bytes, s.heap.bytes_allocated);
  std::size_t sub_tags = 0;
  for (const auto& tag : s.tags) sub_tags += tag.name == "sub";
  EXPECT_EQ(sub_tags, 3u);  // ai::sub, physics::sub, render::sub
}

TEST_P(ThreadedTags, AHardBudgetIsNeverExceededBySuccessfulAllocations) {
  Harness h(config_with_checks(GetParam()));
  constexpr std::int64_t kHard = 64 * 1024;
  h.alloc.set_tag_budget("streaming", {.soft = kHard / 2, .hard = kHard});
  std::atomic<std::int64_t> live{0}, max_live{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      fa::TagScope tag(h.alloc, "streaming");
      std::vector<void*> mine;
      for (int i = 0; i < 400; ++i) {
        try {
          mine.push_back(h.alloc.pool_alloc_bytes(1024));
          const std::int64_t now = live.fetch_add(1024) + 1024;
          std::int64_t seen = max_live.load();
          while (now > seen && !max_live.compare_exchange_weak(seen, now)) {
          }
        } catch (const fa::AllocError& e) {
          EXPECT_EQ(e.code(), fa::Code::FA302);
          refused.fetch_add(1);
        }
        if (i % 3 == 2 && !mine.empty()) {
          live.fetch_sub(1024);
          h.alloc.pool_free_bytes(mine.back());
          mine.pop_back();
        }
      }
      for (void* p : mine) {
        live.fetch_sub(1024);
        h.alloc.pool_free_bytes(p);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_GT(refused.load(), 0);  // the limit was actually reached
  EXPECT_LE(max_live.load(), kHard);
  const auto budgets = h.alloc.budget_stats();
  ASSERT_EQ(budgets.size(), 1u);
  EXPECT_LE(budgets[0].peak, static_cast<std::uint64_t>(kHard));
  EXPECT_EQ(budgets[0].used, 0u);  // every block was freed and refunded
  EXPECT_EQ(budgets[0].refusals, static_cast<std::uint64_t>(refused.load()));
}

}  // namespace
