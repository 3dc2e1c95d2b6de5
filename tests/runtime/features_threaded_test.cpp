// The shared frame features (groups, handles, streaming, scratch registry and pools) used
// from several threads at once. Run under TSan (label "threaded").
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace fa::test {
namespace {

constexpr int kThreads = 4;

template <class F>
void run_threads(int n, F&& fn) {
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) threads.emplace_back([&fn, t] { fn(t); });
  for (auto& th : threads) th.join();
}

struct Counted {
  static inline std::atomic<int> live{0};
  std::string text;
  explicit Counted(int v) : text(std::to_string(v)) { live.fetch_add(1); }
  Counted(Counted&& o) noexcept : text(std::move(o.text)) { live.fetch_add(1); }
  ~Counted() { live.fetch_sub(1); }
};

TEST(FeaturesThreadedTest, GroupsFromManyThreads) {
  Harness h;
  Counted::live = 0;
  AllocationGroups& groups = h.alloc.groups();
  GroupId shared = groups.create_group("shared");
  run_threads(kThreads, [&](int t) {
    for (int round = 0; round < 50; ++round) {
      GroupId own = groups.create_group("t" + std::to_string(t));
      for (int i = 0; i < 10; ++i) {
        ASSERT_NE(groups.alloc<Counted>(own, i), nullptr);
        ASSERT_NE(groups.alloc<Counted>(shared, i), nullptr);
      }
      ASSERT_TRUE(groups.free_group(own));
    }
  });
  EXPECT_EQ(groups.stats(shared)->live_objects, static_cast<std::uint64_t>(kThreads * 50 * 10));
  EXPECT_EQ(Counted::live.load(), kThreads * 50 * 10);
  // Freed from a thread that allocated none of it: blocks go back to their owners.
  std::thread([&] { EXPECT_TRUE(groups.free_group(shared)); }).join();
  EXPECT_EQ(Counted::live.load(), 0);
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST(FeaturesThreadedTest, DoubleFreeGroupRaceDestroysOnce) {
  Harness h;
  Counted::live = 0;
  AllocationGroups& groups = h.alloc.groups();
  GroupId g = groups.create_group("raced");
  for (int i = 0; i < 100; ++i) groups.alloc<Counted>(g, i);
  std::atomic<int> wins{0};
  run_threads(kThreads, [&](int) { wins.fetch_add(groups.free_group(g) ? 1 : 0); });
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(Counted::live.load(), 0);
  EXPECT_EQ(h.sink->count(Code::FA403), static_cast<std::size_t>(kThreads - 1));
}

struct Stamp {
  std::uint64_t owner;
  std::uint64_t serial;
  std::uint64_t check;  // owner ^ serial: a torn or misplaced move breaks it
};

TEST(FeaturesThreadedTest, HandlesWithConcurrentDefragment) {
  Harness h;
  HandleAllocator handles(h.alloc, 256 * 1024);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> moved{0};
  std::thread defrag([&] {
    while (!stop.load()) moved.fetch_add(handles.defragment().relocations.size());
  });
  run_threads(kThreads, [&](int t) {
    std::vector<Handle<Stamp>> mine;
    for (std::uint64_t i = 0; i < 2000; ++i) {
      const auto owner = static_cast<std::uint64_t>(t);
      Handle<Stamp> hs = handles.alloc<Stamp>(Stamp{owner, i, owner ^ i});
      ASSERT_FALSE(hs.is_null());
      mine.push_back(hs);
      if (i % 3 == 2) {  // free the oldest, making holes for the compactor
        ASSERT_TRUE(handles.free(mine.front()));
        mine.erase(mine.begin());
      }
      if (i % 100 == 99) moved.fetch_add(handles.defragment().relocations.size());
      if (i % 5 == 0) {
        PinGuard<Stamp> p = handles.pin_guard(mine.back());
        ASSERT_TRUE(p);
        EXPECT_EQ(p->check, p->owner ^ p->serial);
        EXPECT_EQ(p->owner, owner);
      }
    }
    for (auto hs : mine) {
      PinGuard<Stamp> p = handles.pin_guard(hs);
      ASSERT_TRUE(p);
      EXPECT_EQ(p->check, p->owner ^ p->serial);
    }
  });
  stop = true;
  defrag.join();
  EXPECT_GT(moved.load(), 0u);
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST(FeaturesThreadedTest, StreamingWithLoaderThreads) {
  Harness h;
  StreamingAllocator s(h.alloc, 64 * 1024);
  std::atomic<bool> over_budget{false};
  run_threads(kThreads, [&](int t) {
    for (int i = 0; i < 300; ++i) {
      StreamId id =
          s.reserve(1024 + static_cast<std::size_t>(i % 7) * 512, static_cast<StreamPriority>(i % 4));
      if (id.is_null()) continue;
      std::span<std::byte> dst = s.begin_load(id);
      ASSERT_FALSE(dst.empty());
      std::memset(dst.data(), t + 1, dst.size());
      s.report_progress(id, dst.size());
      ASSERT_TRUE(s.finish_load(id));
      if (s.pin(id)) {  // it may already have been evicted by another thread
        std::span<std::byte> data = s.access(id);
        if (!data.empty()) {
          EXPECT_EQ(data.front(), static_cast<std::byte>(t + 1));
          EXPECT_EQ(data.back(), static_cast<std::byte>(t + 1));
        }
        s.unpin(id);
      }
      if (s.stats().used > s.budget()) over_budget = true;
    }
  });
  EXPECT_FALSE(over_budget.load());
  EXPECT_GT(s.stats().evictions, 0u);
}

TEST(FeaturesThreadedTest, ScratchRegistryAndPoolFromManyThreads) {
  Harness h;
  std::vector<ScratchPool*> seen(kThreads);
  std::vector<std::vector<std::uint32_t*>> blocks(kThreads);
  run_threads(kThreads, [&](int t) {
    ScratchPool& pool = h.alloc.scratch_pool("shared", 1 << 20);
    seen[static_cast<std::size_t>(t)] = &pool;
    for (int i = 0; i < 1000; ++i) {
      auto* p = pool.alloc<std::uint32_t>(static_cast<std::uint32_t>(t * 100000 + i));
      blocks[static_cast<std::size_t>(t)].push_back(p);
    }
    h.alloc.scratch().stats();
  });
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(seen[static_cast<std::size_t>(t)], seen[0]);
    for (int i = 0; i < 1000; ++i)
      EXPECT_EQ(*blocks[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)],
                static_cast<std::uint32_t>(t * 100000 + i))
          << "no two threads got overlapping memory";
  }
  EXPECT_EQ(seen[0]->stats().allocations, static_cast<std::uint64_t>(kThreads * 1000));
}

TEST(FeaturesThreadedTest, PromotionCountsFromManyThreadsAddUp) {
  Harness h;
  constexpr int kPromoters = 4;
  constexpr int kPromotingFrames = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kPromoters; ++t) {
    threads.emplace_back([&] {
      for (int f = 0; f < kPromotingFrames; ++f) {
        h.alloc.begin_frame();
        h.alloc.frame_retained<int>(RetentionPolicy::to_pool(), f);
        h.alloc.frame_retained<int>(RetentionPolicy::to_heap(), f);
        h.alloc.frame_retained<int>(RetentionPolicy::to_scratch("none"), f);  // fails
        PromotionResult r = h.alloc.end_frame_with_promotions();
        for (auto& p : r.promoted) p.release(h.alloc);
      }
    });
  }
  for (auto& t : threads) t.join();
  const PromotionStats ps = h.alloc.stats().promotions;
  EXPECT_EQ(ps.to_pool, std::uint64_t{kPromoters * kPromotingFrames});
  EXPECT_EQ(ps.to_heap, std::uint64_t{kPromoters * kPromotingFrames});
  EXPECT_EQ(ps.failed, std::uint64_t{kPromoters * kPromotingFrames});
  EXPECT_EQ(h.alloc.build_snapshot().promotions.to_pool, std::uint64_t{kPromoters * kPromotingFrames});
}

TEST(FeaturesThreadedTest, CheckpointsAndRetentionArePerThread) {
  Harness h;
  Counted::live = 0;
  run_threads(kThreads, [&](int t) {
    for (int frame = 0; frame < 50; ++frame) {
      h.alloc.begin_frame();
      h.alloc.frame_retained<Counted>(RetentionPolicy::to_pool(), t);
      FrameCheckpoint cp = h.alloc.frame_checkpoint();
      h.alloc.frame_retained<Counted>(RetentionPolicy::to_heap(), t);
      FrameVec<int> v = h.alloc.frame_vec<int>(8);
      ASSERT_TRUE(v.push_back(t));
      v = FrameVec<int>{};
      ASSERT_TRUE(h.alloc.rollback_to(cp));
      PromotionResult r = h.alloc.end_frame_with_promotions();
      ASSERT_EQ(r.promoted.size(), 1u);
      EXPECT_EQ(r.promoted[0].as<Counted>()->text, std::to_string(t));
      r.promoted[0].release(h.alloc);
    }
  });
  EXPECT_EQ(Counted::live.load(), 0);
  EXPECT_EQ(h.sink->size(), 0u);
}

}  // namespace
}  // namespace fa::test
