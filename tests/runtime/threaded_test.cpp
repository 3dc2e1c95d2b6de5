// Multi-threaded behaviour; also run under the asan and tsan presets (label "threaded").
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace fa::test {
namespace {

class ThreadedTest : public ::testing::TestWithParam<int> {};

TEST_P(ThreadedTest, EachThreadHasItsOwnArenaAndFrames) {
  Harness h;
  const int n = GetParam();
  std::vector<std::thread> threads;
  std::mutex m;
  std::vector<std::uintptr_t> first_addresses;
  std::barrier all_alive(n);  // arenas are compared while every thread still holds its own
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      for (int frame = 0; frame < 50; ++frame) {
        h.alloc.begin_frame();
        auto* v = h.alloc.frame_alloc_batch<int>(256).data();
        for (int i = 0; i < 256; ++i) v[i] = t;
        for (int i = 0; i < 256; ++i) ASSERT_EQ(v[i], t);  // no other thread wrote here
        if (frame == 0) {
          std::lock_guard lock(m);
          first_addresses.push_back(reinterpret_cast<std::uintptr_t>(v));
        }
        h.alloc.end_frame();
        if (frame == 0) all_alive.arrive_and_wait();
      }
      EXPECT_EQ(h.alloc.frame_number(), 50u);
    });
  }
  for (auto& th : threads) th.join();
  std::sort(first_addresses.begin(), first_addresses.end());
  EXPECT_EQ(std::unique(first_addresses.begin(), first_addresses.end()), first_addresses.end());
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.threads.size(), static_cast<std::size_t>(n));
  EXPECT_EQ(s.frame.allocations, static_cast<std::uint64_t>(n) * 50u);
  EXPECT_EQ(s.frame.frees, s.frame.allocations);
  for (const auto& t : s.threads) {
    EXPECT_EQ(t.frames_completed, 50u);
    EXPECT_TRUE(t.exited);
  }
  EXPECT_EQ(h.sink->size(), 0u);
}

// Producers allocate, consumers free: every block goes back to its owner and the counts balance.
TEST_P(ThreadedTest, CrossThreadFreesReturnToTheOwnerAndCountsBalance) {
  for (bool checks : {false, true}) {
    Harness h(config_with_checks(checks));
    const int n = GetParam();
    constexpr int kPerThread = 4000;
    std::vector<std::vector<std::uint64_t*>> produced(static_cast<std::size_t>(n));
    std::barrier sync(n);
    std::vector<std::thread> threads;
    for (int t = 0; t < n; ++t) {
      threads.emplace_back([&, t] {
        auto& mine = produced[static_cast<std::size_t>(t)];
        for (int i = 0; i < kPerThread; ++i) {
          auto* p = h.alloc.pool_alloc<std::uint64_t>(static_cast<std::uint64_t>(t) << 32 |
                                                      static_cast<std::uint64_t>(i));
          mine.push_back(p);
        }
        sync.arrive_and_wait();
        // Free the next thread's blocks, checking their contents survived.
        auto& theirs = produced[static_cast<std::size_t>((t + 1) % n)];
        const auto owner = static_cast<std::uint64_t>((t + 1) % n);
        for (int i = 0; i < kPerThread; ++i) {
          ASSERT_EQ(*theirs[static_cast<std::size_t>(i)] >> 32, owner);
          h.alloc.pool_free(theirs[static_cast<std::size_t>(i)]);
        }
        sync.arrive_and_wait();
        // Owners take the blocks back: allocate again and stay within the slabs we had.
        const auto slabs_before = h.alloc.stats().pool_slabs_in_use;
        h.alloc.begin_frame();  // frame boundaries collect remote frees
        h.alloc.end_frame();
        std::vector<std::uint64_t*> again;
        for (int i = 0; i < kPerThread; ++i) again.push_back(h.alloc.pool_alloc<std::uint64_t>(1u));
        sync.arrive_and_wait();
        EXPECT_EQ(h.alloc.stats().pool_slabs_in_use, slabs_before);
        sync.arrive_and_wait();  // nobody exits (and hands slabs back) before all have checked
        for (auto* p : again) h.alloc.pool_free(p);
      });
    }
    for (auto& th : threads) th.join();
    const AllocStats s = h.alloc.stats();
    EXPECT_EQ(s.pool.allocations, static_cast<std::uint64_t>(n) * kPerThread * 2);
    EXPECT_EQ(s.pool.frees, s.pool.allocations);
    EXPECT_EQ(s.pool.live_bytes(), 0u);
    std::uint64_t remote = 0;
    for (const auto& t : s.threads) remote += t.pool_remote_frees;
    EXPECT_EQ(remote, n == 1 ? 0u : static_cast<std::uint64_t>(n) * kPerThread);
    EXPECT_EQ(h.sink->size(), 0u);
  }
}

TEST_P(ThreadedTest, ConcurrentHeapAndStatsReaders) {
  Harness h;
  const int n = GetParam();
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done.load()) {
      const AllocStats s = h.alloc.stats();
      ASSERT_GE(s.heap.allocations, s.heap.frees);
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        void* p = h.alloc.heap_alloc_bytes(10000);
        h.alloc.begin_frame();
        h.alloc.frame_alloc_bytes(100);
        h.alloc.end_frame();
        h.alloc.heap_free_bytes(p);
      }
    });
  }
  for (auto& th : threads) th.join();
  done = true;
  reader.join();
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.heap.allocations, static_cast<std::uint64_t>(n) * 500u);
  EXPECT_EQ(s.heap.live_bytes(), 0u);
  EXPECT_LE(s.heap.peak_bytes, static_cast<std::uint64_t>(n) * 10000u);
  EXPECT_GE(s.heap.peak_bytes, 10000u);
}

TEST(ThreadedFrameBox, DestroyedOnAnotherThreadAfterItsFrameIsReported) {
  Harness h(config_with_checks(true));
  h.alloc.begin_frame();
  auto box = h.alloc.frame_box<int>(3);
  h.alloc.end_frame();
  std::thread([&] { box.reset(); }).join();
  EXPECT_EQ(h.sink->count(Code::FA002), 1u);
}

TEST(ThreadedFree, FreeingAnotherThreadsFrameMemoryIsFA201) {
  Harness h;
  std::atomic<int*> theirs{nullptr};
  std::barrier sync(2);
  std::thread owner([&] {
    h.alloc.begin_frame();
    theirs = h.alloc.frame_alloc<int>(5);
    sync.arrive_and_wait();
    sync.arrive_and_wait();
    h.alloc.end_frame();
  });
  sync.arrive_and_wait();
  h.alloc.pool_free(theirs.load());
  sync.arrive_and_wait();
  owner.join();
  EXPECT_EQ(h.sink->count(Code::FA201), 1u);
}

INSTANTIATE_TEST_SUITE_P(Threads, ThreadedTest, ::testing::Values(1, 2, 4, 8));

}  // namespace
}  // namespace fa::test
