#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>
#include <string>

#include "test_support.hpp"

namespace fa::test {
namespace {

// Counts live instances so tests can see destructors run.
struct Tracked {
  static inline int live = 0;
  int value;
  explicit Tracked(int v) : value(v) { ++live; }
  Tracked(const Tracked& o) : value(o.value) { ++live; }
  ~Tracked() { --live; }
};

class FrameCollectionsTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { Tracked::live = 0; }
  Harness h{config_with_checks(GetParam())};
};

TEST_P(FrameCollectionsTest, VecHoldsExactlyItsCapacityAndReportsFull) {
  h.alloc.begin_frame();
  {
    FrameVec<int> v = h.alloc.frame_vec<int>(3);
    EXPECT_EQ(v.capacity(), 3u);
    EXPECT_TRUE(v.push_back(1));
    EXPECT_TRUE(v.push_back(2));
    EXPECT_TRUE(v.push_back(3));
    EXPECT_TRUE(v.full());
    const std::size_t used = h.alloc.frame_used();
    EXPECT_FALSE(v.push_back(4)) << "full: no silent growth";
    EXPECT_EQ(v.emplace_back(5), nullptr);
    EXPECT_EQ(h.alloc.frame_used(), used);
    EXPECT_EQ(v.size(), 3u);
    EXPECT_EQ(std::accumulate(v.begin(), v.end(), 0), 6);
    EXPECT_EQ(v[1], 2);
    EXPECT_THROW(v.at(3), std::out_of_range);
  }
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(FrameCollectionsTest, VecRunsElementDestructors) {
  h.alloc.begin_frame();
  {
    FrameVec<Tracked> v = h.alloc.frame_vec<Tracked>(4);
    v.emplace_back(1);
    v.emplace_back(2);
    v.emplace_back(3);
    EXPECT_EQ(Tracked::live, 3);
    v.pop_back();
    EXPECT_EQ(Tracked::live, 2);
  }
  EXPECT_EQ(Tracked::live, 0);
  h.alloc.end_frame();
}

TEST_P(FrameCollectionsTest, ZeroCapacityIsRejected) {
  h.alloc.begin_frame();
  const std::size_t used = h.alloc.frame_used();
  EXPECT_THROW(h.alloc.frame_vec<int>(0), std::invalid_argument);
  EXPECT_THROW((h.alloc.frame_map<int, int>(0)), std::invalid_argument);
  EXPECT_EQ(h.alloc.frame_used(), used);
  h.alloc.end_frame();
}

TEST_P(FrameCollectionsTest, VecOutsideAFrameFailsLikeAnyFrameAllocation) {
  EXPECT_THROW(h.alloc.frame_vec<int>(4), AllocError);
  EXPECT_EQ(h.sink->count(Code::FA001), 1u);
}

TEST_P(FrameCollectionsTest, VecThatOutlivesItsFrameReportsFA002AndLeavesMemoryAlone) {
  h.alloc.begin_frame();
  FrameVec<Tracked> v = h.alloc.frame_vec<Tracked>(2);
  v.emplace_back(1);
  h.alloc.end_frame();
  EXPECT_TRUE(v.expired());
  if (GetParam()) {
    (void)v.size();  // size() is bookkeeping, not frame memory
    (void)v.begin();
    EXPECT_EQ(h.sink->count(Code::FA002), 1u) << "use after the frame is reported in debug builds";
  }
  const std::size_t before = h.sink->count(Code::FA002);
  v = FrameVec<Tracked>{};  // destroying it after the frame: reported, destructors not run on reset memory
  EXPECT_EQ(h.sink->count(Code::FA002), before + 1);
  EXPECT_EQ(Tracked::live, 1);
  Tracked::live = 0;
}

TEST_P(FrameCollectionsTest, MapInsertsFindsAndReportsFull) {
  h.alloc.begin_frame();
  {
    FrameMap<int, std::string> m = h.alloc.frame_map<int, std::string>(3);
    EXPECT_TRUE(m.try_emplace(10, "ten").second);
    EXPECT_TRUE(m.try_emplace(20, "twenty").second);
    auto [existing, inserted] = m.try_emplace(10, "again");
    EXPECT_FALSE(inserted);
    ASSERT_NE(existing, nullptr);
    EXPECT_EQ(*existing, "ten");
    EXPECT_TRUE(m.insert_or_assign(30, std::string("thirty")));
    EXPECT_TRUE(m.full());
    EXPECT_EQ(m.try_emplace(40, "forty").first, nullptr) << "full";
    EXPECT_FALSE(m.insert_or_assign(40, std::string("forty")));
    EXPECT_TRUE(m.insert_or_assign(20, std::string("TWENTY"))) << "assigning an existing key needs no room";
    ASSERT_NE(m.find(20), nullptr);
    EXPECT_EQ(*m.find(20), "TWENTY");
    EXPECT_EQ(m.find(40), nullptr);
    EXPECT_TRUE(m.contains(30));
    int keys = 0;
    for (const auto& [k, val] : m) keys += k;
    EXPECT_EQ(keys, 60) << "iteration in insertion order over all entries";
  }
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(FrameCollectionsTest, MapHandlesCollidingKeys) {
  h.alloc.begin_frame();
  FrameMap<std::size_t, int> m = h.alloc.frame_map<std::size_t, int>(64);
  // std::hash<size_t> is the identity: multiples of 1024 all land in the same slot.
  for (std::size_t i = 0; i < 64; ++i) ASSERT_TRUE(m.try_emplace(i * 1024, static_cast<int>(i)).second);
  for (std::size_t i = 0; i < 64; ++i) {
    ASSERT_NE(m.find(i * 1024), nullptr);
    EXPECT_EQ(*m.find(i * 1024), static_cast<int>(i));
  }
  EXPECT_EQ(m.find(1), nullptr);
  h.alloc.end_frame();
}

TEST_P(FrameCollectionsTest, MapRunsValueDestructors) {
  h.alloc.begin_frame();
  {
    FrameMap<int, Tracked> m = h.alloc.frame_map<int, Tracked>(4);
    m.try_emplace(1, 1);
    m.try_emplace(2, 2);
    EXPECT_EQ(Tracked::live, 2);
  }
  EXPECT_EQ(Tracked::live, 0);
  h.alloc.end_frame();
}

INSTANTIATE_TEST_SUITE_P(DebugAndRelease, FrameCollectionsTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "Checked" : "Unchecked";
                         });

}  // namespace
}  // namespace fa::test
