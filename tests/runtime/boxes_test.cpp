#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "test_support.hpp"

namespace fa::test {
namespace {

struct Probe {
  explicit Probe(int* d) : destroyed(d) {}
  ~Probe() { ++*destroyed; }
  int* destroyed;
  int value = 11;
};

TEST(FrameBoxTest, RunsTheDestructorWhenTheBoxDies) {
  Harness h;
  int destroyed = 0;
  h.alloc.begin_frame();
  {
    FrameBox<Probe> box = h.alloc.frame_box<Probe>(&destroyed);
    EXPECT_EQ(box->value, 11);
    FrameBox<Probe> moved = std::move(box);
    EXPECT_FALSE(box);
    EXPECT_TRUE(moved);
  }
  EXPECT_EQ(destroyed, 1);
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST(FrameBoxTest, HoldsNonTrivialTypes) {
  Harness h;
  h.alloc.begin_frame();
  {
    auto s = h.alloc.frame_box<std::string>(100, 'x');  // heap-owning member: ~string must run
    EXPECT_EQ(s->size(), 100u);
  }
  h.alloc.end_frame();
}

TEST(FrameBoxTest, UseAfterItsFrameIsReportedAsFA002InDebugBuilds) {
  Harness h(config_with_checks(true));
  int destroyed = 0;
  h.alloc.begin_frame();
  FrameBox<Probe> box = h.alloc.frame_box<Probe>(&destroyed);
  h.alloc.end_frame();
  EXPECT_TRUE(box.expired());
  (void)box.get();
  EXPECT_EQ(h.sink->count(Code::FA002), 1u);
  box.reset();  // the frame's memory is gone: the destructor is skipped and reported
  EXPECT_EQ(destroyed, 0);
  EXPECT_EQ(h.sink->count(Code::FA002), 2u);
  const auto d = h.sink->diagnostics()[1];
  EXPECT_NE(d.message.find("destroyed after the frame"), std::string::npos);
}

TEST(FrameBoxTest, ExpiredDestructionIsReportedEvenWithoutDebugChecks) {
  Harness h(config_with_checks(false));
  int destroyed = 0;
  h.alloc.begin_frame();
  auto box = h.alloc.frame_box<Probe>(&destroyed);
  h.alloc.end_frame();
  (void)box.get();  // unchecked in release builds
  EXPECT_EQ(h.sink->count(Code::FA002), 0u);
  box.reset();
  EXPECT_EQ(h.sink->count(Code::FA002), 1u);
  EXPECT_EQ(destroyed, 0);
}

TEST(PoolBoxTest, FreesOnDestructionAndMoves) {
  Harness h;
  int destroyed = 0;
  {
    PoolBox<Probe> a = h.alloc.pool_box<Probe>(&destroyed);
    PoolBox<Probe> b;
    b = std::move(a);
    EXPECT_FALSE(a);
    EXPECT_EQ(b->value, 11);
    EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 1u);
  }
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
}

TEST(HeapBoxTest, FreesOnDestruction) {
  Harness h;
  int destroyed = 0;
  {
    HeapBox<Probe> a = h.alloc.heap_box<Probe>(&destroyed);
    EXPECT_EQ(h.alloc.stats().heap.live_allocations(), 1u);
  }
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(h.alloc.stats().heap.live_allocations(), 0u);
}

}  // namespace
}  // namespace fa::test
