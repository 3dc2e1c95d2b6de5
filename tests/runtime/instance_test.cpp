#include <gtest/gtest.h>

#include <barrier>
#include <memory>
#include <thread>

#include "test_support.hpp"

namespace fa::test {
namespace {

TEST(InstanceTest, TwoInstancesNeverShareArenasOrPools) {
  Harness a, b;
  a.alloc.begin_frame();
  b.alloc.begin_frame();
  int* x = a.alloc.frame_alloc<int>(1);
  int* y = b.alloc.frame_alloc<int>(2);
  EXPECT_EQ(*x, 1);
  EXPECT_EQ(*y, 2);
  a.alloc.end_frame();  // b's frame is unaffected
  EXPECT_TRUE(b.alloc.frame_active());
  EXPECT_EQ(*y, 2);
  b.alloc.end_frame();
  EXPECT_EQ(a.alloc.stats().frame.allocations, 1u);
  EXPECT_EQ(b.alloc.stats().frame.allocations, 1u);
  EXPECT_EQ(a.alloc.frame_number(), 1u);
}

TEST(InstanceTest, AlternatingInstancesOnOneThreadKeepTheirOwnState) {
  Harness a, b;
  for (int i = 0; i < 100; ++i) {
    a.alloc.begin_frame();
    b.alloc.begin_frame();
    a.alloc.frame_alloc_bytes(8);
    b.alloc.frame_alloc_bytes(8);
    b.alloc.end_frame();
    a.alloc.end_frame();
  }
  EXPECT_EQ(a.alloc.frame_number(), 100u);
  EXPECT_EQ(b.alloc.frame_number(), 100u);
  EXPECT_EQ(a.alloc.stats().threads.size(), 1u);
}

TEST(InstanceTest, ANewInstanceAtTheSameAddressStartsFresh) {
  alignas(SmartAlloc) unsigned char storage[sizeof(SmartAlloc)];
  auto* first = new (storage) SmartAlloc(AllocConfig::minimal());
  first->begin_frame();
  first->frame_alloc_bytes(100);
  first->end_frame();
  first->~SmartAlloc();
  auto* second = new (storage) SmartAlloc(AllocConfig::minimal());
  EXPECT_EQ(second->frame_number(), 0u);  // the thread's cached state of the old one is not reused
  EXPECT_EQ(second->stats().frame.allocations, 0u);
  second->~SmartAlloc();
}

// The TLS cache is keyed by the SmartAlloc's address: destroying one must clear the cache
// of every live thread that used it, not only the destroying thread's.
TEST(InstanceTest, ANewInstanceAtTheSameAddressStartsFreshOnOtherThreadsToo) {
  alignas(SmartAlloc) unsigned char storage[sizeof(SmartAlloc)];
  auto* first = new (storage) SmartAlloc(AllocConfig::minimal());
  // Threads that used the first instance and exited before it died: it must skip their
  // (freed) TLS.
  for (int i = 0; i < 4; ++i)
    std::thread([&] { first->pool_free_bytes(first->pool_alloc_bytes(32)); }).join();
  std::barrier sync(2);
  SmartAlloc* second = nullptr;
  std::thread worker([&] {
    first->begin_frame();
    first->frame_alloc_bytes(100);
    sync.arrive_and_wait();  // main replaces the instance now
    sync.arrive_and_wait();
    second->begin_frame();
    second->frame_alloc_bytes(8, 8);
    second->frame_alloc_bytes(8, 8);
    EXPECT_EQ(second->frame_number(), 0u);
    EXPECT_EQ(second->frame_used(), 16u);
    second->end_frame();
  });
  sync.arrive_and_wait();
  first->~SmartAlloc();
  second = new (storage) SmartAlloc(AllocConfig::minimal());
  sync.arrive_and_wait();
  worker.join();
  const AllocStats s = second->stats();
  ASSERT_EQ(s.threads.size(), 1u);  // the worker attached to the new instance
  EXPECT_EQ(s.frame.allocations, 2u);
  EXPECT_EQ(s.frame.frees, 2u);
  second->~SmartAlloc();
}

TEST(InstanceTest, ThreadExitReturnsItsPoolToOtherThreads) {
  Harness h(AllocConfig::minimal().with_pool_reserve_size(64u << 10));  // two slabs in total
  std::thread([&] {
    void* p = h.alloc.pool_alloc_bytes(16);
    void* q = h.alloc.pool_alloc_bytes(32);
    h.alloc.pool_free_bytes(p);
    h.alloc.pool_free_bytes(q);
    EXPECT_EQ(h.alloc.stats().pool_slabs_in_use, 2u);
  }).join();
  EXPECT_EQ(h.alloc.stats().pool_slabs_in_use, 0u);
  // Both slabs are available again to this thread.
  void* a = h.alloc.pool_alloc_bytes(64);
  void* b = h.alloc.pool_alloc_bytes(128);
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.pool.allocations, 4u);
  EXPECT_EQ(s.heap.allocations, 0u);
  h.alloc.pool_free_bytes(a);
  h.alloc.pool_free_bytes(b);
}

TEST(InstanceTest, BlocksOutlivingTheirThreadCanStillBeFreed) {
  Harness h;
  int* survivor = nullptr;
  std::thread([&] { survivor = h.alloc.pool_alloc<int>(77); }).join();
  EXPECT_EQ(*survivor, 77);
  h.alloc.pool_free(survivor);
  EXPECT_EQ(h.sink->size(), 0u);
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.pool.frees, 1u);
  EXPECT_TRUE(s.threads[0].exited);
}

TEST(InstanceTest, FrameBoxOfAnExitedThreadIsExpired) {
  Harness h(config_with_checks(true));
  FrameBox<int> box;
  std::thread([&] {
    h.alloc.begin_frame();
    box = h.alloc.frame_box<int>(1);
    // the thread exits without ending its frame: its arena is returned anyway
  }).join();
  EXPECT_TRUE(box.expired());
  box.reset();
  EXPECT_EQ(h.sink->count(Code::FA002), 1u);
}

TEST(InstanceTest, InstanceDestroyedBeforeItsThreadsExit) {
  auto alloc = std::make_unique<SmartAlloc>(AllocConfig::minimal());
  std::barrier sync(2);
  std::thread worker([&] {
    alloc->begin_frame();
    alloc->frame_alloc_bytes(64);
    alloc->end_frame();
    sync.arrive_and_wait();  // main destroys the instance now
    sync.arrive_and_wait();
    // The thread's registry still lists the dead instance: a new one must start clean,
    // and thread exit must skip the dead one (ASan would see a use after free).
    SmartAlloc fresh(AllocConfig::minimal());
    EXPECT_EQ(fresh.frame_number(), 0u);
    EXPECT_EQ(fresh.stats().threads.size(), 1u);
  });
  sync.arrive_and_wait();
  alloc.reset();
  sync.arrive_and_wait();
  worker.join();
}

}  // namespace
}  // namespace fa::test
