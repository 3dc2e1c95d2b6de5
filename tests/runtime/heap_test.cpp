#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "test_support.hpp"

namespace fa::test {
namespace {

TEST(HeapTest, AllocatesTracksAndFrees) {
  Harness h;
  auto* big = h.alloc.heap_alloc<std::array<std::uint8_t, 8192>>();
  (*big)[8191] = 9;
  AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.heap.allocations, 1u);
  EXPECT_EQ(s.heap.live_bytes(), 8192u);
  EXPECT_EQ(s.heap.peak_bytes, 8192u);
  h.alloc.heap_free(big);
  s = h.alloc.stats();
  EXPECT_EQ(s.heap.frees, 1u);
  EXPECT_EQ(s.heap.live_bytes(), 0u);
  EXPECT_EQ(s.heap.peak_bytes, 8192u);
}

TEST(HeapTest, HonoursLargeAlignments) {
  Harness h;
  for (std::size_t align : {32u, 64u, 4096u, 65536u}) {
    void* p = h.alloc.heap_alloc_bytes(100, align);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % align, 0u) << align;
    h.alloc.heap_free_bytes(p);
  }
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST(HeapTest, DoubleFreeIsReportedEvenWithoutDebugChecks) {
  Harness h(config_with_checks(false));
  void* p = h.alloc.heap_alloc_bytes(64);
  h.alloc.heap_free_bytes(p);
  h.alloc.heap_free_bytes(p);
  EXPECT_EQ(h.sink->count(Code::FA540), 1u);
  EXPECT_EQ(h.alloc.stats().heap.frees, 1u);
}

TEST(HeapTest, ForeignPointerIsReported) {
  Harness h;
  int x = 0;
  h.alloc.heap_free(&x);
  EXPECT_EQ(h.sink->count(Code::FA541), 1u);
  ASSERT_EQ(h.sink->size(), 1u);
  EXPECT_NE(h.sink->diagnostics()[0].message.find("heap_free("), std::string::npos);
}

TEST(HeapTest, DestructorRunsOnceAndNotForForeignPointers) {
  struct Counted {
    explicit Counted(int* c) : count(c) {}
    ~Counted() { ++*count; }
    int* count;
  };
  Harness h;
  int destroyed = 0;
  Counted* c = h.alloc.heap_alloc<Counted>(&destroyed);
  h.alloc.heap_free(c);
  EXPECT_EQ(destroyed, 1);
  Counted local(&destroyed);
  h.alloc.heap_free(&local);
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(h.sink->count(Code::FA541), 1u);
}

TEST(HeapTest, BadAlignmentIsRejected) {
  Harness h;
  EXPECT_THROW(h.alloc.heap_alloc_bytes(8, 0), AllocError);
  EXPECT_THROW(h.alloc.heap_alloc_bytes(8, 12), AllocError);
  EXPECT_EQ(h.sink->count(Code::FA542), 2u);
}

}  // namespace
}  // namespace fa::test
