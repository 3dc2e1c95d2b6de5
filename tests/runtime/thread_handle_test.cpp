// fa::ThreadHandle: the same frame and pool behaviour as SmartAlloc with the thread lookup
// hoisted, and another thread's use reported (FA201) on instrumented threads.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace fa::test {
namespace {

class ThreadHandleTest : public ::testing::TestWithParam<bool> {
 protected:
  Harness h{config_with_checks(GetParam())};
};
INSTANTIATE_TEST_SUITE_P(DebugAndRelease, ThreadHandleTest, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "debug_checks" : "fast_path"; });

TEST_P(ThreadHandleTest, FrameRequestsAreAlignedCountedAndReleasedByEndFrame) {
  ThreadHandle th(h.alloc);
  h.alloc.begin_frame();
  for (std::size_t align : {1u, 8u, 16u, 64u, 4096u}) {
    void* p = th.frame_alloc_bytes(24, align);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % align, 0u);
  }
  EXPECT_EQ(h.alloc.thread_stats().frame.allocations, 5u);
  h.alloc.end_frame();
  const ThreadStats t = h.alloc.thread_stats();
  EXPECT_EQ(t.frame.frees, 5u);
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(ThreadHandleTest, BadRequestsFailLikeTheAllocatorAndChangeNothing) {
  ThreadHandle th(h.alloc);
  EXPECT_THROW(th.frame_alloc_bytes(16), AllocError);  // no frame: FA001
  EXPECT_EQ(h.sink->count(Code::FA001), 1u);
  h.alloc.begin_frame();
  EXPECT_THROW(th.frame_alloc_bytes(16, 3), AllocError);  // FA542
  EXPECT_THROW(th.frame_alloc_bytes(16, 0), AllocError);
  EXPECT_EQ(h.sink->count(Code::FA542), 2u);
  EXPECT_EQ(th.try_frame_alloc_bytes(h.alloc.config().frame_arena_size + 1), nullptr);  // exhausted
  EXPECT_EQ(h.alloc.frame_used(), 0u);
  void* zero = th.frame_alloc_bytes(0);
  EXPECT_NE(zero, nullptr);
  h.alloc.end_frame();
  EXPECT_THROW(th.pool_alloc_bytes(32, 24), AllocError);  // FA542 on the pool path too
  EXPECT_EQ(h.sink->count(Code::FA542), 3u);
}

TEST_P(ThreadHandleTest, PoolBlocksRoundTripThroughHandleAndAllocator) {
  ThreadHandle th(h.alloc);
  std::vector<void*> blocks;
  for (int i = 0; i < 100; ++i) blocks.push_back(th.pool_alloc_bytes(48));
  for (int i = 0; i < 50; ++i) th.pool_free_bytes(blocks[static_cast<std::size_t>(i)]);
  for (int i = 50; i < 100; ++i) h.alloc.pool_free_bytes(blocks[static_cast<std::size_t>(i)]);
  void* again = th.pool_alloc_bytes(48);  // the last block freed comes back first
  EXPECT_EQ(again, blocks[99]);
  th.pool_free_bytes(again);
  void* big = th.pool_alloc_bytes(1 << 20);  // beyond the pool: heap path
  th.pool_free_bytes(big);
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.pool.allocations, 101u);
  EXPECT_EQ(s.pool.live_allocations(), 0u);
  EXPECT_EQ(s.heap.live_allocations(), 0u);
  int on_stack = 0;
  th.pool_free_bytes(&on_stack);  // not ours: reported, left alone
  EXPECT_EQ(h.sink->count(Code::FA541), 1u);
}

// Debug checks make every request take the slow path, which notices the wrong thread.
TEST(ThreadHandleThreaded, UseOnAnotherThreadIsReportedAndServedFromThatThread) {
  Harness h(config_with_checks(true));
  ThreadHandle th(h.alloc);
  std::uint64_t their_frame_allocs = 0;
  std::thread([&] {
    h.alloc.begin_frame();
    void* p = th.frame_alloc_bytes(32);
    EXPECT_NE(p, nullptr);
    void* q = th.pool_alloc_bytes(32);
    th.pool_free_bytes(q);
    their_frame_allocs = h.alloc.thread_stats().frame.allocations;
    h.alloc.end_frame();
  }).join();
  EXPECT_EQ(their_frame_allocs, 1u);
  EXPECT_EQ(h.sink->count(Code::FA201), 3u);
  EXPECT_EQ(h.alloc.thread_stats().frame.allocations, 0u);  // the creator's arena was untouched
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
}

}  // namespace
}  // namespace fa::test
