// Per-thread frame budgets: limit, warning threshold and the five policies.
#include <gtest/gtest.h>

#include <stdexcept>

#include "test_support.hpp"

namespace {

using fa::test::config_with_checks;
using fa::test::Harness;

class ThreadBudget : public ::testing::TestWithParam<bool> {
 protected:
  Harness h{config_with_checks(GetParam())};
};
INSTANTIATE_TEST_SUITE_P(Paths, ThreadBudget, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "DebugChecks" : "FastPath"; });

TEST_P(ThreadBudget, FailPolicyRefusesOverTheLimitAndRemainingShowsTheRoom) {
  h.alloc.set_thread_frame_budget({.limit = 1024, .warn_at = 0.0, .policy = fa::FrameBudgetPolicy::Fail});
  h.alloc.begin_frame();
  EXPECT_EQ(h.alloc.frame_remaining(), 1024u);
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(1000), nullptr);
  EXPECT_EQ(h.alloc.frame_remaining(), 24u);
  EXPECT_EQ(h.alloc.try_frame_alloc_bytes(64), nullptr);
  EXPECT_EQ(h.sink->count(fa::Code::FA310), 1u);
  try {
    h.alloc.frame_alloc_bytes(64);
    ADD_FAILURE() << "expected AllocError";
  } catch (const fa::AllocError& e) {
    EXPECT_EQ(e.code(), fa::Code::FA310);
  }
  const fa::ThreadStats t = h.alloc.thread_stats();
  EXPECT_EQ(t.frame_budget_limit, 1024u);
  EXPECT_EQ(t.frame_budget_exceeded, 2u);
  h.alloc.end_frame();
  h.alloc.begin_frame();  // the next frame has the whole budget again
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(1024), nullptr);
  h.alloc.end_frame();
}

TEST_P(ThreadBudget, WarningThresholdIsReportedOncePerFrame) {
  h.alloc.set_thread_frame_budget({.limit = 1000, .warn_at = 0.5, .policy = fa::FrameBudgetPolicy::Fail});
  for (int frame = 0; frame < 2; ++frame) {
    h.alloc.begin_frame();
    h.alloc.frame_alloc_bytes(256);
    EXPECT_EQ(h.sink->count(fa::Code::FA311), static_cast<std::size_t>(frame));
    h.alloc.frame_alloc_bytes(256);  // 512 > 500
    h.alloc.frame_alloc_bytes(256);
    EXPECT_EQ(h.sink->count(fa::Code::FA311), static_cast<std::size_t>(frame + 1));
    h.alloc.end_frame();
  }
  EXPECT_EQ(h.sink->count(fa::Code::FA310), 0u);
}

TEST_P(ThreadBudget, WarnAndAllowLetTheFrameContinue) {
  h.alloc.set_thread_frame_budget({.limit = 512, .warn_at = 0.0, .policy = fa::FrameBudgetPolicy::Warn});
  h.alloc.begin_frame();
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(1024), nullptr);
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(1024), nullptr);
  EXPECT_EQ(h.sink->count(fa::Code::FA311), 1u);
  h.alloc.end_frame();

  h.alloc.set_thread_frame_budget({.limit = 512, .warn_at = 0.0, .policy = fa::FrameBudgetPolicy::Allow});
  h.alloc.begin_frame();
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(1024), nullptr);
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->size(), 1u);  // Allow is silent
  EXPECT_EQ(h.alloc.thread_stats().frame_budget_exceeded, 2u);
}

TEST_P(ThreadBudget, PromoteServesFromThePoolAndEndFrameFreesIt) {
  h.alloc.set_thread_frame_budget({.limit = 256, .warn_at = 0.0, .policy = fa::FrameBudgetPolicy::Promote});
  h.alloc.begin_frame();
  void* in_arena = h.alloc.frame_alloc_bytes(200);
  void* promoted = h.alloc.frame_alloc_bytes(100);
  ASSERT_NE(promoted, nullptr);
  EXPECT_EQ(h.alloc.frame_used(), 200u);  // the promoted request did not use the arena
  EXPECT_NE(in_arena, promoted);
  const fa::AllocStats during = h.alloc.stats();
  EXPECT_EQ(during.pool.live_allocations(), 1u);
  h.alloc.end_frame();
  const fa::AllocStats after = h.alloc.stats();
  EXPECT_EQ(after.pool.live_allocations(), 0u);
  EXPECT_EQ(h.alloc.thread_stats().frame_promotions, 1u);
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(ThreadBudget, CustomHandlerDecidesPerRequest) {
  int calls = 0;
  fa::FrameBudgetRequest last{};
  h.alloc.set_thread_frame_budget({.limit = 128,
                                   .warn_at = 0.0,
                                   .policy = fa::FrameBudgetPolicy::Custom,
                                   .handler = [&](const fa::FrameBudgetRequest& r) {
                                     last = r;
                                     return ++calls == 1 ? fa::FrameBudgetPolicy::Fail
                                                         : fa::FrameBudgetPolicy::Allow;
                                   }});
  h.alloc.begin_frame();
  h.alloc.frame_alloc_bytes(96);
  EXPECT_EQ(h.alloc.try_frame_alloc_bytes(64), nullptr);
  EXPECT_EQ(last.used, 96u);
  EXPECT_EQ(last.requested, 64u);
  EXPECT_EQ(last.limit, 128u);
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(64), nullptr);
  h.alloc.end_frame();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(h.sink->count(fa::Code::FA310), 1u);
}

TEST_P(ThreadBudget, BadBudgetsAreRejectedAndClearingRemovesTheLimit) {
  EXPECT_THROW(h.alloc.set_thread_frame_budget({.limit = 0}), std::invalid_argument);
  EXPECT_THROW(h.alloc.set_thread_frame_budget({.limit = 10, .warn_at = 1.5}), std::invalid_argument);
  EXPECT_THROW(h.alloc.set_thread_frame_budget({.limit = 10, .warn_at = -0.1}), std::invalid_argument);
  EXPECT_THROW(
      h.alloc.set_thread_frame_budget({.limit = 10, .warn_at = 0.5, .policy = fa::FrameBudgetPolicy::Custom}),
      std::invalid_argument);
  EXPECT_EQ(h.alloc.thread_stats().frame_budget_limit, 0u);
  h.alloc.set_thread_frame_budget({.limit = 64});
  h.alloc.clear_thread_frame_budget();
  h.alloc.begin_frame();
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(4096), nullptr);
  h.alloc.end_frame();
}

TEST_P(ThreadBudget, CombinesWithATagBudget) {
  h.alloc.set_tag_budget("ai", {.soft = 0, .hard = 300});
  h.alloc.set_thread_frame_budget({.limit = 10000, .warn_at = 0.0});
  h.alloc.begin_frame();
  h.alloc.with_tag("ai", [&] {
    EXPECT_NE(h.alloc.try_frame_alloc_bytes(256), nullptr);
    EXPECT_EQ(h.alloc.try_frame_alloc_bytes(256), nullptr);  // the tag budget refuses first
  });
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(4096), nullptr);
  EXPECT_EQ(h.alloc.try_frame_alloc_bytes(8192), nullptr);  // the thread budget refuses
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->count(fa::Code::FA302), 1u);
  EXPECT_EQ(h.sink->count(fa::Code::FA310), 1u);
}

}  // namespace
