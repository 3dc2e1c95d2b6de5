// Behavior filter fed from several threads at once: counters are per (thread, tag) and each
// finding is reported once per (code, tag) even when threads cross the limit together.
#include <gtest/gtest.h>
#include <framealloc/framealloc.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

TEST(BehaviorThreaded, EachThreadsPatternIsFoundOncePerTag) {
  fa::SmartAlloc alloc{fa::AllocConfig::minimal()};
  auto sink = std::make_shared<fa::CollectingSink>();
  alloc.set_diagnostic_sink(sink);
  alloc.enable_behavior_filter();
  std::vector<std::thread> threads;
  std::atomic<int*> handoff{nullptr};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      // Two threads share the "render" tag, the others use "vis".
      const std::string tag = t < 2 ? "render" : "vis";
      for (int f = 0; f < 40; ++f) {
        alloc.begin_frame();
        alloc.push_tag(tag);
        if (t < 2) {
          std::vector<int*> v;
          for (int i = 0; i < 20; ++i) v.push_back(alloc.heap_alloc<int>());
          for (int* p : v) alloc.heap_free(p);
        } else {
          for (int i = 0; i < 4; ++i) alloc.pool_free(alloc.pool_alloc<int>());
          // A block freed by another thread is never "same frame" for its allocator.
          if (int* mine = alloc.pool_alloc<int>(); (mine = handoff.exchange(mine)) != nullptr)
            alloc.pool_free(mine);
        }
        alloc.pop_tag();
        alloc.end_frame();
      }
    });
  }
  for (auto& th : threads) th.join();
  if (int* last = handoff.exchange(nullptr)) alloc.pool_free(last);
  EXPECT_EQ(sink->count(fa::Code::FA530), 1u);
  EXPECT_EQ(sink->count(fa::Code::FA510), 1u);
  int render = 0, vis = 0;
  for (const fa::BehaviorIssue& i : alloc.behavior_report()) {
    render += i.tag == "render" && i.code == fa::Code::FA530;
    vis += i.tag == "vis" && i.code == fa::Code::FA510;
  }
  EXPECT_EQ(render, 1);
  EXPECT_EQ(vis, 1);
}

}  // namespace
