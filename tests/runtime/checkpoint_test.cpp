#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <thread>

#include "test_support.hpp"

namespace fa::test {
namespace {

class CheckpointTest : public ::testing::TestWithParam<bool> {
 protected:
  Harness h{config_with_checks(GetParam())};
};

TEST_P(CheckpointTest, RollbackReleasesEverythingAllocatedAfterTheCheckpoint) {
  h.alloc.begin_frame();
  int* keep = h.alloc.frame_alloc<int>(7);
  const std::size_t used = h.alloc.frame_used();
  FrameCheckpoint cp = h.alloc.frame_checkpoint();
  void* speculative = h.alloc.frame_alloc_bytes(256, 16);
  EXPECT_GT(h.alloc.frame_used(), used);
  ASSERT_TRUE(h.alloc.rollback_to(cp));
  EXPECT_EQ(h.alloc.frame_used(), used);
  EXPECT_EQ(*keep, 7);
  // The space is handed out again.
  EXPECT_EQ(h.alloc.frame_alloc_bytes(256, 16), speculative);
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(CheckpointTest, GuardRollsBackUnlessCommitted) {
  h.alloc.begin_frame();
  const std::size_t start = h.alloc.frame_used();
  {
    CheckpointGuard guard = h.alloc.checkpoint_guard();
    h.alloc.frame_alloc_bytes(128);
  }
  EXPECT_EQ(h.alloc.frame_used(), start) << "an uncommitted guard rolls back";
  {
    CheckpointGuard guard = h.alloc.checkpoint_guard();
    h.alloc.frame_alloc_bytes(128);
    guard.commit();
  }
  EXPECT_GE(h.alloc.frame_used(), start + 128) << "a committed guard keeps the allocations";
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(CheckpointTest, SpeculativeKeepsSuccessAndRollsBackFailure) {
  h.alloc.begin_frame();
  const std::size_t start = h.alloc.frame_used();
  std::optional<int*> ok =
      h.alloc.speculative([&]() -> std::optional<int*> { return h.alloc.frame_alloc<int>(1); });
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(**ok, 1);
  const std::size_t after_ok = h.alloc.frame_used();
  EXPECT_GT(after_ok, start);

  const bool failed = h.alloc.speculative([&] {
    h.alloc.frame_alloc_bytes(512);
    return false;
  });
  EXPECT_FALSE(failed);
  EXPECT_EQ(h.alloc.frame_used(), after_ok);

  int* null_result = h.alloc.speculative([&]() -> int* {
    h.alloc.frame_alloc_bytes(64);
    return nullptr;
  });
  EXPECT_EQ(null_result, nullptr);
  EXPECT_EQ(h.alloc.frame_used(), after_ok);
  h.alloc.end_frame();
}

TEST_P(CheckpointTest, SpeculativeRollsBackWhenFnThrows) {
  h.alloc.begin_frame();
  const std::size_t start = h.alloc.frame_used();
  EXPECT_THROW(h.alloc.speculative([&]() -> bool {
    h.alloc.frame_alloc_bytes(300);
    throw std::runtime_error("solver diverged");
  }),
               std::runtime_error);
  EXPECT_EQ(h.alloc.frame_used(), start);
  h.alloc.end_frame();
}

TEST_P(CheckpointTest, RollbackToACheckpointOfAnotherFrameIsFA010AndChangesNothing) {
  h.alloc.begin_frame();
  FrameCheckpoint old = h.alloc.frame_checkpoint();
  h.alloc.end_frame();
  h.alloc.begin_frame();
  h.alloc.frame_alloc_bytes(64);
  const std::size_t used = h.alloc.frame_used();
  EXPECT_FALSE(h.alloc.rollback_to(old));
  EXPECT_EQ(h.alloc.frame_used(), used);
  ASSERT_EQ(h.sink->count(Code::FA010), 1u);
  EXPECT_NE(h.sink->diagnostics()[0].notes[0].find("earlier frame"), std::string::npos);
  h.alloc.end_frame();
}

TEST_P(CheckpointTest, RollbackAfterEndFrameIsFA010) {
  h.alloc.begin_frame();
  FrameCheckpoint cp = h.alloc.frame_checkpoint();
  h.alloc.end_frame();
  EXPECT_FALSE(h.alloc.rollback_to(cp));
  EXPECT_EQ(h.sink->count(Code::FA010), 1u);
}

TEST_P(CheckpointTest, CheckpointOutsideAFrameIsFA010AndItsGuardIsInert) {
  FrameCheckpoint cp = h.alloc.frame_checkpoint();
  EXPECT_EQ(cp.owner, nullptr);
  EXPECT_EQ(h.sink->count(Code::FA010), 1u);
  EXPECT_FALSE(h.alloc.rollback_to(cp));
  EXPECT_EQ(h.sink->count(Code::FA010), 2u);
}

TEST_P(CheckpointTest, RollbackToACheckpointOfAnotherThreadIsFA010) {
  h.alloc.begin_frame();
  FrameCheckpoint mine = h.alloc.frame_checkpoint();
  bool other_result = true;
  std::thread([&] {
    h.alloc.begin_frame();
    other_result = h.alloc.rollback_to(mine);
    h.alloc.end_frame();
  }).join();
  EXPECT_FALSE(other_result);
  EXPECT_EQ(h.sink->count(Code::FA010), 1u);
  EXPECT_TRUE(h.alloc.rollback_to(mine));
  h.alloc.end_frame();
}

TEST_P(CheckpointTest, RollingBackPastACheckpointInvalidatesIt) {
  h.alloc.begin_frame();
  FrameCheckpoint outer = h.alloc.frame_checkpoint();
  h.alloc.frame_alloc_bytes(64);
  FrameCheckpoint inner = h.alloc.frame_checkpoint();
  ASSERT_TRUE(h.alloc.rollback_to(outer));
  h.alloc.frame_alloc_bytes(128);  // new history over the old inner position
  const std::size_t used = h.alloc.frame_used();
  EXPECT_FALSE(h.alloc.rollback_to(inner));
  EXPECT_EQ(h.alloc.frame_used(), used);
  EXPECT_EQ(h.sink->count(Code::FA010), 1u);
  EXPECT_TRUE(h.alloc.rollback_to(outer)) << "rolling back to the same checkpoint again is fine";
  h.alloc.end_frame();
}

TEST_P(CheckpointTest, NestedGuardsUnwindInOrder) {
  h.alloc.begin_frame();
  const std::size_t start = h.alloc.frame_used();
  {
    CheckpointGuard outer = h.alloc.checkpoint_guard();
    h.alloc.frame_alloc_bytes(32);
    {
      CheckpointGuard inner = h.alloc.checkpoint_guard();
      h.alloc.frame_alloc_bytes(32);
      inner.commit();
    }
  }
  EXPECT_EQ(h.alloc.frame_used(), start);
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(DebugAndRelease, CheckpointTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "Checked" : "Unchecked";
                         });

}  // namespace
}  // namespace fa::test
