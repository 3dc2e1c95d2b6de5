#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory_resource>
#include <numeric>
#include <vector>

#include "test_support.hpp"

namespace fa::test {
namespace {

TEST(StdIntegration, PmrVectorGrowsInFrameMemory) {
  Harness h;
  h.alloc.begin_frame();
  std::pmr::vector<int> v(&h.alloc.frame_resource());
  for (int i = 0; i < 1000; ++i) v.push_back(i);
  EXPECT_EQ(std::accumulate(v.begin(), v.end(), 0), 999 * 1000 / 2);
  const AllocStats s = h.alloc.stats();
  EXPECT_GE(s.frame.allocations, 10u);  // every growth step came from the arena
  EXPECT_GE(h.alloc.frame_used(), 1000 * sizeof(int));
  h.alloc.end_frame();
}

TEST(StdIntegration, StlAllocatorVector) {
  Harness h;
  h.alloc.begin_frame();
  std::vector<double, frame_allocator<double>> v{frame_allocator<double>(h.alloc)};
  v.assign(500, 2.5);
  EXPECT_EQ(v.size(), 500u);
  EXPECT_GT(h.alloc.frame_used(), 500 * sizeof(double) - 1);
  frame_allocator<int> rebound(v.get_allocator());
  EXPECT_TRUE(rebound == v.get_allocator());
  h.alloc.end_frame();
}

TEST(StdIntegration, PmrMapOnPoolResourceReturnsEverything) {
  Harness h;
  {
    std::pmr::map<int, int> m(&h.alloc.pool_resource());
    for (int i = 0; i < 200; ++i) m[i] = i * i;
    EXPECT_EQ(m.at(12), 144);
    EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 200u);
  }
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
}

TEST(StdIntegration, ResourcesCompareByInstance) {
  Harness a, b;
  EXPECT_TRUE(a.alloc.frame_resource().is_equal(a.alloc.frame_resource()));
  EXPECT_FALSE(a.alloc.frame_resource().is_equal(b.alloc.frame_resource()));
  EXPECT_FALSE(a.alloc.frame_resource().is_equal(a.alloc.pool_resource()));
}

TEST(StdIntegration, FrameResourceOutsideAFrameThrows) {
  Harness h;
  std::pmr::vector<int> v(&h.alloc.frame_resource());
  EXPECT_THROW(v.push_back(1), std::bad_alloc);
  EXPECT_EQ(h.sink->count(Code::FA001), 1u);
}

}  // namespace
}  // namespace fa::test
