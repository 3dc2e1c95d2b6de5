// Budgets: global and per-tag hard/soft limits on every allocation kind, and their events.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "test_support.hpp"

namespace {

using fa::test::config_with_checks;
using fa::test::Harness;

const fa::BudgetStats* find_budget(const std::vector<fa::BudgetStats>& all, fa::BudgetScope scope,
                                   const std::string& path = "") {
  for (const auto& b : all)
    if (b.scope == scope && b.tag_path == path) return &b;
  return nullptr;
}

class Budgets : public ::testing::TestWithParam<bool> {
 protected:
  Harness h{config_with_checks(GetParam())};
  std::vector<fa::BudgetEvent> events;
  void SetUp() override {
    h.alloc.on_budget_event([this](const fa::BudgetEvent& e) { events.push_back(e); });
  }
  std::size_t count(fa::BudgetEventKind k) const {
    std::size_t n = 0;
    for (const auto& e : events) n += e.kind == k;
    return n;
  }
};
INSTANTIATE_TEST_SUITE_P(Paths, Budgets, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "DebugChecks" : "FastPath"; });

TEST_P(Budgets, GlobalHardLimitRefusesFrameMemoryAndEndFrameReleasesIt) {
  h.alloc.set_global_budget({.soft = 0, .hard = 1024});
  h.alloc.begin_frame();
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(512), nullptr);
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(512), nullptr);
  EXPECT_EQ(h.alloc.try_frame_alloc_bytes(16), nullptr);
  EXPECT_EQ(h.sink->count(fa::Code::FA301), 1u);
  try {
    h.alloc.frame_alloc_bytes(16);
    ADD_FAILURE() << "expected AllocError";
  } catch (const fa::AllocError& e) {
    EXPECT_EQ(e.code(), fa::Code::FA301);
  }
  EXPECT_EQ(find_budget(h.alloc.budget_stats(), fa::BudgetScope::Global)->used, 1024u);
  h.alloc.end_frame();
  const std::vector<fa::BudgetStats> after = h.alloc.budget_stats();
  const auto* g = find_budget(after, fa::BudgetScope::Global);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->used, 0u);
  EXPECT_EQ(g->peak, 1024u);
  EXPECT_EQ(g->refusals, 2u);
  h.alloc.begin_frame();
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(1024), nullptr);  // the next frame has the whole budget
  h.alloc.end_frame();
}

TEST_P(Budgets, GlobalHardLimitCoversPoolAndHeapUntilFreed) {
  h.alloc.set_global_budget({.soft = 0, .hard = 4096});
  void* heap = h.alloc.heap_alloc_bytes(3000);
  void* pool = h.alloc.pool_alloc_bytes(512);
  try {
    h.alloc.pool_alloc_bytes(1024);
    ADD_FAILURE() << "expected AllocError";
  } catch (const fa::AllocError& e) {
    EXPECT_EQ(e.code(), fa::Code::FA301);
  }
  EXPECT_THROW(h.alloc.heap_alloc_bytes(1000), fa::AllocError);
  h.alloc.heap_free_bytes(heap);
  EXPECT_EQ(find_budget(h.alloc.budget_stats(), fa::BudgetScope::Global)->used, 512u);
  void* again = h.alloc.heap_alloc_bytes(3000);  // room again after the free
  h.alloc.heap_free_bytes(again);
  h.alloc.pool_free_bytes(pool);
  EXPECT_EQ(find_budget(h.alloc.budget_stats(), fa::BudgetScope::Global)->used, 0u);
  EXPECT_EQ(h.sink->count(fa::Code::FA301), 2u);
}

TEST_P(Budgets, TagBudgetCoversChildrenAndLeavesOtherTagsAlone) {
  h.alloc.set_tag_budget("ai", {.soft = 0, .hard = 256});
  h.alloc.begin_frame();
  h.alloc.with_tag("ai", [&] {
    EXPECT_NE(h.alloc.try_frame_alloc_bytes(128), nullptr);
    h.alloc.with_tag("pathfinding", [&] {
      EXPECT_NE(h.alloc.try_frame_alloc_bytes(128), nullptr);
      EXPECT_EQ(h.alloc.try_frame_alloc_bytes(16), nullptr);  // charged to "ai" as well
    });
  });
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(4096), nullptr);  // untagged: not limited
  h.alloc.with_tag("render", [&] { EXPECT_NE(h.alloc.try_frame_alloc_bytes(4096), nullptr); });
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->count(fa::Code::FA302), 1u);
  EXPECT_EQ(h.sink->count(fa::Code::FA301), 0u);
  ASSERT_EQ(count(fa::BudgetEventKind::HardLimitExceeded), 1u);
  EXPECT_EQ(events.front().tag_path, "ai");
}

TEST_P(Budgets, SoftLimitIsAnEventOncePerCrossingNotARefusal) {
  h.alloc.set_tag_budget("audio", {.soft = 100, .hard = 1000});
  h.alloc.with_tag("audio", [&] {
    void* a = h.alloc.pool_alloc_bytes(64);
    void* b = h.alloc.pool_alloc_bytes(64);  // crosses 100
    void* c = h.alloc.pool_alloc_bytes(64);  // still above: no second event
    EXPECT_EQ(count(fa::BudgetEventKind::SoftLimitExceeded), 1u);
    h.alloc.pool_free_bytes(b);
    h.alloc.pool_free_bytes(c);  // back under the soft limit
    void* d = h.alloc.pool_alloc_bytes(64);
    EXPECT_EQ(count(fa::BudgetEventKind::SoftLimitExceeded), 2u);
    h.alloc.pool_free_bytes(a);
    h.alloc.pool_free_bytes(d);
  });
  EXPECT_EQ(h.sink->size(), 0u);
  EXPECT_EQ(count(fa::BudgetEventKind::HardLimitExceeded), 0u);
}

TEST_P(Budgets, NewPeakIsReportedAtTheEndOfTheFrameThatRaisedIt) {
  h.alloc.set_global_budget({.soft = 0, .hard = 1 << 20});
  h.alloc.begin_frame();
  h.alloc.frame_alloc_bytes(1000);
  EXPECT_EQ(count(fa::BudgetEventKind::NewPeak), 0u);
  h.alloc.end_frame();
  ASSERT_EQ(count(fa::BudgetEventKind::NewPeak), 1u);
  // On the fast path frame memory is charged in 4 KiB credits (requests bump inside a
  // credit), so the peak is the credit taken; instrumented threads (debug checks, or any
  // ASan build) charge exactly.
  if (GetParam())
    EXPECT_EQ(events.back().limit, 1000u);
  else
    EXPECT_TRUE(events.back().limit == 4096u || events.back().limit == 1000u) << events.back().limit;
  h.alloc.begin_frame();
  h.alloc.frame_alloc_bytes(500);  // below the peak in both modes
  h.alloc.end_frame();
  EXPECT_EQ(count(fa::BudgetEventKind::NewPeak), 1u);
}

TEST_P(Budgets, BlocksFromBeforeTheBudgetAreNotRefundedToIt) {
  void* old = h.alloc.pool_alloc_bytes(256);
  h.alloc.set_global_budget({.soft = 0, .hard = 1024});
  void* fresh = h.alloc.pool_alloc_bytes(256);
  h.alloc.pool_free_bytes(old);
  EXPECT_EQ(find_budget(h.alloc.budget_stats(), fa::BudgetScope::Global)->used, 256u);
  h.alloc.pool_free_bytes(fresh);
  EXPECT_EQ(find_budget(h.alloc.budget_stats(), fa::BudgetScope::Global)->used, 0u);
}

TEST_P(Budgets, ClearingABudgetStopsRefusals) {
  h.alloc.set_global_budget({.soft = 0, .hard = 64});
  EXPECT_THROW(h.alloc.heap_alloc_bytes(128), fa::AllocError);
  h.alloc.clear_global_budget();
  void* p = h.alloc.heap_alloc_bytes(128);
  h.alloc.heap_free_bytes(p);
  EXPECT_TRUE(h.alloc.budget_stats().empty());
}

TEST_P(Budgets, BadLimitsAndPathsAreRejected) {
  EXPECT_THROW(h.alloc.set_global_budget({.soft = 0, .hard = 0}), std::invalid_argument);
  EXPECT_THROW(h.alloc.set_global_budget({.soft = 0, .hard = -5}), std::invalid_argument);
  EXPECT_THROW(h.alloc.set_global_budget({.soft = -1, .hard = 10}), std::invalid_argument);
  EXPECT_THROW(h.alloc.set_global_budget({.soft = 20, .hard = 10}), std::invalid_argument);
  EXPECT_THROW(h.alloc.set_tag_budget("ai::", {.soft = 0, .hard = 10}), std::invalid_argument);
  EXPECT_THROW(h.alloc.set_tag_budget("a b", {.soft = 0, .hard = 10}), std::invalid_argument);
  EXPECT_TRUE(h.alloc.budget_stats().empty());  // nothing was armed
  h.alloc.begin_frame();
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(1 << 16), nullptr);
  h.alloc.end_frame();
}

TEST_P(Budgets, ThreadsPickUpABudgetAtTheirNextFrame) {
  h.alloc.begin_frame();
  h.alloc.set_tag_budget("ai", {.soft = 0, .hard = 64});
  h.alloc.with_tag("ai", [&] { EXPECT_EQ(h.alloc.try_frame_alloc_bytes(128), nullptr); });
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->count(fa::Code::FA302), 1u);
}

}  // namespace
