#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.hpp"

namespace fa::test {
namespace {

// Non-trivial: promotion must move-construct it (a memcpy would alias the vector buffer).
struct Path {
  static inline int live = 0;
  static inline int moves = 0;
  std::vector<int> points;
  std::string label;
  Path(std::string l, int n) : points(static_cast<std::size_t>(n), 7), label(std::move(l)) { ++live; }
  Path(Path&& o) noexcept : points(std::move(o.points)), label(std::move(o.label)) {
    ++live;
    ++moves;
  }
  ~Path() { --live; }
};

class RetentionTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { Path::live = Path::moves = 0; }
  Harness h{config_with_checks(GetParam())};
};

TEST_P(RetentionTest, PromotesToPoolHeapAndScratchByMoveConstruction) {
  ScratchPool& keep = h.alloc.scratch_pool("keep", 4096);
  h.alloc.begin_frame();
  Path* in_frame = h.alloc.frame_retained<Path>(RetentionPolicy::to_pool(), "pool", 3);
  h.alloc.frame_retained<Path>(RetentionPolicy::to_heap(), "heap", 4);
  h.alloc.frame_retained<Path>(RetentionPolicy::to_scratch("keep"), "scratch", 5);
  h.alloc.frame_retained<Path>(RetentionPolicy::discard(), "gone", 6);
  EXPECT_EQ(Path::live, 4);
  PromotionResult r = h.alloc.end_frame_with_promotions();
  EXPECT_FALSE(h.alloc.frame_active());
  ASSERT_EQ(r.promoted.size(), 3u);
  EXPECT_EQ(Path::moves, 3);
  EXPECT_EQ(Path::live, 3) << "frame copies and the discarded one were destroyed";

  Path* pooled = r.promoted[0].as<Path>();
  ASSERT_NE(pooled, nullptr);
  EXPECT_EQ(r.promoted[0].frame_ptr, in_frame);
  EXPECT_EQ(pooled->label, "pool");
  EXPECT_EQ(pooled->points, std::vector<int>(3, 7));
  EXPECT_EQ(r.promoted[1].as<Path>()->label, "heap");
  EXPECT_EQ(r.promoted[1].destination, RetentionPolicy::Kind::PromoteToHeap);
  Path* scratched = r.promoted[2].as<Path>();
  ASSERT_NE(scratched, nullptr);
  EXPECT_TRUE(keep.contains(scratched));
  EXPECT_EQ(scratched->points.size(), 5u);
  EXPECT_EQ(r.promoted[0].as<int>(), nullptr) << "as<T> checks the type";

  const FrameSummary& s = r.summary;
  EXPECT_EQ(s.promoted_pool_count, 1u);
  EXPECT_EQ(s.promoted_heap_count, 1u);
  EXPECT_EQ(s.promoted_scratch_count, 1u);
  EXPECT_EQ(s.promoted_pool_bytes, sizeof(Path));
  EXPECT_EQ(s.discarded_count, 1u);
  EXPECT_EQ(s.discarded_bytes, sizeof(Path));
  EXPECT_EQ(s.failures.total(), 0u);

  // Promoted data survives the next frames.
  h.alloc.begin_frame();
  h.alloc.frame_alloc_bytes(8192);
  h.alloc.end_frame();
  EXPECT_EQ(pooled->label, "pool");
  const std::size_t scratch_used = keep.used();
  for (auto& p : r.promoted) p.release(h.alloc);
  EXPECT_EQ(Path::live, 0) << "release runs every destructor";
  EXPECT_EQ(keep.used(), scratch_used) << "scratch memory comes back at reset(), not release()";
  const AllocStats st = h.alloc.stats();
  EXPECT_EQ(st.pool.allocations, st.pool.frees);
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(RetentionTest, ImportanceMapsToPolicies) {
  h.alloc.begin_frame();
  h.alloc.frame_with_importance<Path>(Importance::Reusable, "r", 1);
  h.alloc.frame_with_importance<Path>(Importance::Persistent, "p", 1);
  h.alloc.frame_with_importance<Path>(Importance::Ephemeral, "e", 1);
  PromotionResult r = h.alloc.end_frame_with_promotions();
  EXPECT_EQ(r.summary.promoted_pool_count, 1u);
  EXPECT_EQ(r.summary.promoted_heap_count, 1u);
  EXPECT_EQ(r.summary.discarded_count, 1u);
  for (auto& p : r.promoted) p.release(h.alloc);
  EXPECT_EQ(Path::live, 0);
}

TEST_P(RetentionTest, ScratchFailuresAreReportedByReasonAndTheObjectsDestroyed) {
  h.alloc.scratch_pool("tiny", 8);
  h.alloc.begin_frame();
  h.alloc.frame_retained<Path>(RetentionPolicy::to_scratch("tiny"), "full", 1);
  h.alloc.frame_retained<Path>(RetentionPolicy::to_scratch("missing"), "missing", 1);
  PromotionResult r = h.alloc.end_frame_with_promotions();
  ASSERT_EQ(r.promoted.size(), 2u);
  EXPECT_FALSE(r.promoted[0].ok());
  EXPECT_EQ(r.promoted[0].failure, PromotionFailure::ScratchPoolFull);
  EXPECT_EQ(r.promoted[1].failure, PromotionFailure::ScratchPoolMissing);
  EXPECT_EQ(r.summary.failures.scratch_pool_full, 1u);
  EXPECT_EQ(r.summary.failures.scratch_pool_missing, 1u);
  EXPECT_EQ(r.summary.failures.budget_exceeded, 0u);
  EXPECT_EQ(Path::live, 0);
}

TEST_P(RetentionTest, PromotionsRefusedByABudgetAreReportedAsBudgetExceeded) {
  // Room for the frame objects themselves, not for their promoted copies.
  h.alloc.set_tag_budget("ai", {.soft = 0, .hard = 2 * static_cast<std::int64_t>(sizeof(Path)) + 16});
  h.alloc.begin_frame();
  h.alloc.with_tag("ai", [&] {
    h.alloc.frame_retained<Path>(RetentionPolicy::to_pool(), "pool", 2);
    h.alloc.frame_retained<Path>(RetentionPolicy::to_heap(), "heap", 2);
  });
  PromotionResult r = h.alloc.with_tag("ai", [&] { return h.alloc.end_frame_with_promotions(); });
  ASSERT_EQ(r.promoted.size(), 2u);
  for (const auto& p : r.promoted) {
    EXPECT_FALSE(p.ok());
    EXPECT_EQ(p.failure, PromotionFailure::BudgetExceeded);
  }
  EXPECT_EQ(r.summary.failures.budget_exceeded, 2u);
  EXPECT_EQ(r.summary.promoted_pool_count + r.summary.promoted_heap_count, 0u);
  EXPECT_EQ(Path::live, 0);  // the frame objects were destroyed, nothing leaked
  EXPECT_GE(h.sink->count(fa::Code::FA302), 1u);
  const auto budgets = h.alloc.budget_stats();
  ASSERT_EQ(budgets.size(), 1u);
  EXPECT_EQ(budgets[0].used, 0u);  // frame charges refunded, refused promotions never charged
}

TEST_P(RetentionTest, PromotionCountsAccumulatePerInstanceAndReachTheSnapshot) {
  ScratchPool& keep = h.alloc.scratch_pool("keep", 4096);
  EXPECT_EQ(h.alloc.stats().promotions.to_pool, 0u);
  std::vector<PromotedAllocation> kept;
  for (int f = 0; f < 3; ++f) {  // counts add up over calls, not per call
    h.alloc.begin_frame();
    h.alloc.frame_retained<Path>(RetentionPolicy::to_pool(), "pool", 1);
    h.alloc.frame_retained<Path>(RetentionPolicy::to_heap(), "heap", 1);
    h.alloc.frame_retained<Path>(RetentionPolicy::discard(), "gone", 1);
    if (f == 0) h.alloc.frame_retained<Path>(RetentionPolicy::to_scratch("keep"), "scratch", 1);
    PromotionResult r = h.alloc.end_frame_with_promotions();
    for (auto& p : r.promoted) kept.push_back(std::move(p));
  }
  // Failed: one refused by a tag budget, one for a missing scratch pool.
  h.alloc.set_tag_budget("ai", {.soft = 0, .hard = static_cast<std::int64_t>(sizeof(Path)) + 16});
  h.alloc.begin_frame();
  h.alloc.with_tag("ai", [&] { h.alloc.frame_retained<Path>(RetentionPolicy::to_pool(), "refused", 1); });
  h.alloc.frame_retained<Path>(RetentionPolicy::to_scratch("missing"), "missing", 1);
  PromotionResult failed = h.alloc.with_tag("ai", [&] { return h.alloc.end_frame_with_promotions(); });
  ASSERT_EQ(failed.summary.failures.budget_exceeded, 1u);
  ASSERT_EQ(failed.summary.failures.scratch_pool_missing, 1u);

  const PromotionStats ps = h.alloc.stats().promotions;
  EXPECT_EQ(ps.to_pool, 3u);
  EXPECT_EQ(ps.to_heap, 3u);
  EXPECT_EQ(ps.to_scratch, 1u);
  EXPECT_EQ(ps.failed, 2u);
  EXPECT_EQ(ps.pool_bytes, 3 * sizeof(Path));
  EXPECT_EQ(ps.heap_bytes, 3 * sizeof(Path));
  EXPECT_EQ(ps.scratch_bytes, sizeof(Path));
  const Snapshot s = h.alloc.build_snapshot();
  EXPECT_EQ(s.promotions.to_pool, 3u);
  EXPECT_EQ(s.promotions.to_heap, 3u);
  EXPECT_EQ(s.promotions.failed, 2u);
  EXPECT_NE(s.to_json(-1).find(R"("promotions":{"to_pool":3,"to_heap":3,"failed":2})"), std::string::npos)
      << s.to_json(-1);
  for (auto& p : kept) p.release(h.alloc);
  EXPECT_TRUE(keep.used() > 0);
  EXPECT_EQ(Path::live, 0);
  // Plain end_frame() and an empty promoting frame change nothing.
  h.alloc.begin_frame();
  h.alloc.frame_retained<Path>(RetentionPolicy::to_pool(), "dropped", 1);
  h.alloc.end_frame();
  h.alloc.begin_frame();
  (void)h.alloc.end_frame_with_promotions();
  EXPECT_EQ(h.alloc.stats().promotions.to_pool, 3u);
  EXPECT_EQ(h.alloc.stats().promotions.failed, 2u);
}

TEST_P(RetentionTest, PlainEndFrameDestroysRetainedObjectsAndLeavesNothingBehind) {
  h.alloc.begin_frame();
  h.alloc.frame_retained<Path>(RetentionPolicy::to_pool(), "a", 2);
  h.alloc.frame_retained<Path>(RetentionPolicy::to_heap(), "b", 2);
  h.alloc.end_frame();
  EXPECT_EQ(Path::live, 0);
  h.alloc.begin_frame();
  PromotionResult r = h.alloc.end_frame_with_promotions();
  EXPECT_TRUE(r.promoted.empty()) << "no entry from the previous frame dangles into this one";
  EXPECT_EQ(r.summary.discarded_count, 0u);
  const AllocStats st = h.alloc.stats();
  EXPECT_EQ(st.pool.allocations, 0u);
  EXPECT_EQ(st.heap.allocations, 0u);
}

TEST_P(RetentionTest, RollbackDestroysRetainedObjectsAboveTheCheckpoint) {
  h.alloc.begin_frame();
  h.alloc.frame_retained<Path>(RetentionPolicy::to_heap(), "kept", 1);
  FrameCheckpoint cp = h.alloc.frame_checkpoint();
  h.alloc.frame_retained<Path>(RetentionPolicy::to_heap(), "rolled back", 1);
  EXPECT_EQ(Path::live, 2);
  ASSERT_TRUE(h.alloc.rollback_to(cp));
  EXPECT_EQ(Path::live, 1);
  PromotionResult r = h.alloc.end_frame_with_promotions();
  ASSERT_EQ(r.promoted.size(), 1u);
  EXPECT_EQ(r.promoted[0].as<Path>()->label, "kept");
  r.promoted[0].release(h.alloc);
  EXPECT_EQ(Path::live, 0);
}

TEST_P(RetentionTest, BadInput) {
  h.alloc.begin_frame();
  EXPECT_THROW(h.alloc.frame_retained<Path>(RetentionPolicy::to_scratch(""), "x", 1), std::invalid_argument);
  EXPECT_EQ(Path::live, 0) << "nothing constructed";
  h.alloc.end_frame();
  EXPECT_THROW(h.alloc.frame_retained<Path>(RetentionPolicy::to_pool(), "x", 1), AllocError);
  EXPECT_EQ(h.sink->count(Code::FA001), 1u);
  PromotionResult r = h.alloc.end_frame_with_promotions();  // no frame: FA004
  EXPECT_TRUE(r.promoted.empty());
  EXPECT_EQ(h.sink->count(Code::FA004), 1u);
}

TEST_P(RetentionTest, TriviallyCopyableTypesArePromotedToo) {
  h.alloc.begin_frame();
  int* v = h.alloc.frame_retained<int>(RetentionPolicy::to_pool(), 99);
  (void)v;
  PromotionResult r = h.alloc.end_frame_with_promotions();
  ASSERT_NE(r.promoted[0].as<int>(), nullptr);
  EXPECT_EQ(*r.promoted[0].as<int>(), 99);
  r.promoted[0].release(h.alloc);
}

INSTANTIATE_TEST_SUITE_P(DebugAndRelease, RetentionTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "Checked" : "Unchecked";
                         });

}  // namespace
}  // namespace fa::test
