#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

#include "test_support.hpp"

namespace fa::test {
namespace {

TEST(ScratchPoolTest, PersistsAcrossFramesUntilReset) {
  Harness h;
  ScratchPool& nav = h.alloc.scratch_pool("pathfinding", 4096);
  h.alloc.begin_frame();
  int* node = nav.alloc<int>(42);
  h.alloc.end_frame();
  h.alloc.begin_frame();
  h.alloc.frame_alloc_bytes(4096);  // a new frame does not touch scratch memory
  EXPECT_EQ(*node, 42);
  h.alloc.end_frame();
  EXPECT_GE(nav.used(), sizeof(int));
  nav.reset();
  EXPECT_EQ(nav.used(), 0u);
  EXPECT_EQ(nav.alloc<int>(1), node) << "reset hands the space out again";
}

TEST(ScratchPoolTest, SameNameIsTheSamePool) {
  Harness h;
  ScratchPool& a = h.alloc.scratch_pool("ai", 1024);
  ScratchPool& b = h.alloc.scratch_pool("ai", 999999);
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(b.capacity(), 1024u) << "the first call decides the capacity";
  EXPECT_EQ(h.alloc.scratch().find("ai"), &a);
  EXPECT_EQ(h.alloc.scratch().find("nope"), nullptr);
}

TEST(ScratchPoolTest, FullPoolThrowsWithFA303AndTryReturnsNull) {
  Harness h;
  ScratchPool& pool = h.alloc.scratch_pool("small", 64);
  EXPECT_NE(pool.try_alloc_bytes(48, 16), nullptr);
  const std::size_t used = pool.used();
  EXPECT_EQ(pool.try_alloc_bytes(32, 16), nullptr);
  EXPECT_EQ(h.sink->size(), 0u) << "try_ is silent on exhaustion";
  try {
    pool.alloc_bytes(32, 16);
    FAIL() << "expected AllocError";
  } catch (const AllocError& e) {
    EXPECT_EQ(e.code(), Code::FA303);
  }
  EXPECT_EQ(h.sink->count(Code::FA303), 1u);
  EXPECT_EQ(pool.used(), used) << "a failed request takes nothing";
  EXPECT_EQ(pool.stats().failed, 2u);
}

TEST(ScratchPoolTest, AlignmentIsHonouredAndBadAlignmentIsFA542) {
  Harness h;
  ScratchPool& pool = h.alloc.scratch_pool("aligned", 8192);
  for (std::size_t align = 1; align <= 1024; align *= 2) {
    pool.alloc_bytes(1, 1);
    auto p = reinterpret_cast<std::uintptr_t>(pool.alloc_bytes(8, align));
    EXPECT_EQ(p % align, 0u);
  }
  EXPECT_THROW(pool.alloc_bytes(8, 3), AllocError);
  EXPECT_EQ(pool.try_alloc_bytes(8, 0), nullptr);
  EXPECT_EQ(h.sink->count(Code::FA542), 2u);
}

TEST(ScratchPoolTest, BadNameOrCapacityIsRejected) {
  Harness h;
  EXPECT_THROW(h.alloc.scratch_pool("", 64), std::invalid_argument);
  EXPECT_THROW(h.alloc.scratch_pool("zero", 0), std::invalid_argument);
  EXPECT_EQ(h.alloc.scratch().size(), 0u) << "nothing was registered";
}

TEST(ScratchPoolTest, RegistryStatsAndResetAll) {
  Harness h;
  ScratchPool& a = h.alloc.scratch_pool("a", 1024);
  ScratchPool& b = h.alloc.scratch_pool("b", 2048);
  a.alloc_bytes(100, 4);
  b.alloc_bytes(200, 4);
  b.alloc_bytes(10, 4);
  auto stats = h.alloc.scratch().stats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].name, "a");
  EXPECT_EQ(stats[0].capacity, 1024u);
  EXPECT_EQ(stats[0].allocations, 1u);
  EXPECT_EQ(stats[1].name, "b");
  EXPECT_EQ(stats[1].allocations, 2u);
  EXPECT_GE(stats[1].used, 210u);
  h.alloc.scratch().reset_all();
  for (const auto& s : h.alloc.scratch().stats()) {
    EXPECT_EQ(s.used, 0u);
    EXPECT_EQ(s.resets, 1u);
    EXPECT_GT(s.peak, 0u) << "the peak survives a reset";
  }
}

TEST(ScratchPoolTest, PoolMemoryIsTrackedOnTheHeapPathAndReturned) {
  AllocStats during;
  {
    Harness h;
    const AllocStats before = h.alloc.stats();
    h.alloc.scratch_pool("tracked", 1 << 16);
    during = h.alloc.stats();
    EXPECT_EQ(during.heap.allocations, before.heap.allocations + 1);
    EXPECT_GE(during.heap.bytes_allocated - before.heap.bytes_allocated, std::size_t{1} << 16);
  }
}

}  // namespace
}  // namespace fa::test
