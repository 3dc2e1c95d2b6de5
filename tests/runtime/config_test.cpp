#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "test_support.hpp"

namespace fa::test {
namespace {

TEST(ConfigTest, PresetsAreValidAndDiffer) {
  EXPECT_EQ(AllocConfig{}.validate(), std::nullopt);
  EXPECT_EQ(AllocConfig::minimal().validate(), std::nullopt);
  EXPECT_EQ(AllocConfig::high_performance().validate(), std::nullopt);
  EXPECT_LT(AllocConfig::minimal().frame_arena_size, AllocConfig::high_performance().frame_arena_size);
  EXPECT_FALSE(AllocConfig::high_performance().debug_checks);
}

TEST(ConfigTest, BuildersSetEveryField) {
  const AllocConfig c = AllocConfig{}
                            .with_frame_arena_size(12345)
                            .with_pool_max_object_size(512)
                            .with_pool_slab_size(1u << 17)
                            .with_pool_reserve_size(1u << 24)
                            .with_debug_checks(false);
  EXPECT_EQ(c.frame_arena_size, 12345u);
  EXPECT_EQ(c.pool_max_object_size, 512u);
  EXPECT_EQ(c.pool_slab_size, 1u << 17);
  EXPECT_EQ(c.pool_reserve_size, 1u << 24);
  EXPECT_FALSE(c.debug_checks);
}

void expect_rejected(const AllocConfig& c, const std::string& fragment) {
  ASSERT_TRUE(c.validate().has_value()) << fragment;
  EXPECT_NE(c.validate()->find(fragment), std::string::npos) << *c.validate();
  try {
    SmartAlloc alloc(c);
    FAIL() << "constructor accepted: " << fragment;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos);
  }
}

TEST(ConfigTest, BadValuesAreRejectedWithAClearMessage) {
  expect_rejected(AllocConfig{}.with_frame_arena_size(0), "frame_arena_size");
  expect_rejected(AllocConfig{}.with_pool_slab_size(100000), "power of two");
  expect_rejected(AllocConfig{}.with_pool_slab_size(8192), "at least four blocks");
  expect_rejected(AllocConfig{}.with_pool_max_object_size(0), "pool_max_object_size");
  expect_rejected(AllocConfig{}.with_pool_max_object_size(5000), "pool_max_object_size");
  expect_rejected(AllocConfig{}.with_pool_reserve_size(1024), "pool_reserve_size");
}

TEST(ConfigTest, ArenaSizeIsTheUsableFrameCapacity) {
  SmartAlloc alloc(AllocConfig::minimal().with_frame_arena_size(3u << 20));
  alloc.begin_frame();
  EXPECT_EQ(alloc.frame_remaining(), 3u << 20);
  EXPECT_NE(alloc.try_frame_alloc_bytes((3u << 20) - 64, 1), nullptr);
  EXPECT_EQ(alloc.try_frame_alloc_bytes(128, 1), nullptr);
  alloc.end_frame();
  EXPECT_EQ(alloc.thread_stats().frame_capacity, 3u << 20);
}

}  // namespace
}  // namespace fa::test
