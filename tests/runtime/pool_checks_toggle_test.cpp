// Pool checks switched on after blocks were handed out (hooks, budgets): the owner's inline
// free must stop taking those blocks, so the hook sees the free and the budget is refunded.
#include <gtest/gtest.h>

#include <atomic>

#include "test_support.hpp"

namespace fa::test {
namespace {

class PoolChecksToggle : public ::testing::TestWithParam<bool> {
 protected:
  Harness h{config_with_checks(GetParam())};
};
INSTANTIATE_TEST_SUITE_P(Paths, PoolChecksToggle, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "DebugChecks" : "FastPath"; });

TEST_P(PoolChecksToggle, HooksSetAfterAnAllocationSeeItsFreeAndStopSeeingFreesOnceRemoved) {
  void* before = h.alloc.pool_alloc_bytes(48);
  std::atomic<int> frees{0};
  ProfilerHooks hooks;
  hooks.on_free = [&](const ProfilerAllocEvent& e) {
    if (e.kind == AllocKind::Pool) frees.fetch_add(1);
  };
  h.alloc.set_profiler_hooks(hooks);
  h.alloc.pool_free_bytes(before);  // the slab was carved before the hooks: still observed
  EXPECT_EQ(frees.load(), 1);

  h.alloc.set_profiler_hooks({});
  void* after = h.alloc.pool_alloc_bytes(48);
  h.alloc.pool_free_bytes(after);
  EXPECT_EQ(frees.load(), 1);
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.pool.allocations, 2u);
  EXPECT_EQ(s.pool.frees, 2u);
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(PoolChecksToggle, ABudgetSetAfterAllocationRefundsChargedBlocksAndBalancesOlderOnes) {
  void* older = h.alloc.pool_alloc_bytes(64);
  h.alloc.push_tag("capped");
  h.alloc.set_tag_budget("capped", {.soft = 0, .hard = 1 << 20});
  void* charged = h.alloc.pool_alloc_bytes(64);
  ASSERT_EQ(h.alloc.budget_stats().size(), 1u);
  EXPECT_EQ(h.alloc.budget_stats()[0].used, 64u);
  h.alloc.pool_free_bytes(older);
  h.alloc.pool_free_bytes(charged);  // its slab lost the inline key: the free refunds the charge
  EXPECT_EQ(h.alloc.budget_stats()[0].used, 0u);
  h.alloc.pop_tag();
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.pool.allocations, 2u);
  EXPECT_EQ(s.pool.frees, 2u);
  EXPECT_EQ(h.alloc.thread_stats().owned_pool_bytes, 0u);
  EXPECT_EQ(h.sink->size(), 0u);
}

}  // namespace
}  // namespace fa::test
