// Phases: nested frame sections with real per-phase allocation figures.
#include <gtest/gtest.h>

#include <stdexcept>

#include "test_support.hpp"

namespace {

using fa::test::config_with_checks;
using fa::test::Harness;

class Phases : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Paths, Phases, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "DebugChecks" : "FastPath"; });

TEST_P(Phases, NestedPhasesCountTheirOwnAndTheirChildrensAllocations) {
  Harness h(config_with_checks(GetParam()));
  h.alloc.begin_frame();
  h.alloc.begin_phase("physics");
  h.alloc.frame_alloc_bytes(64);
  h.alloc.begin_phase("broadphase");
  h.alloc.frame_alloc_bytes(32);
  void* p = h.alloc.pool_alloc_bytes(100);
  const fa::PhaseStats inner = h.alloc.end_phase();
  h.alloc.heap_free_bytes(h.alloc.heap_alloc_bytes(5000));
  const fa::PhaseStats outer = h.alloc.end_phase();
  h.alloc.pool_free_bytes(p);

  EXPECT_EQ(inner.name, "broadphase");
  EXPECT_EQ(inner.path, "physics/broadphase");
  EXPECT_EQ(inner.depth, 2u);
  EXPECT_EQ(inner.frame.allocations, 1u);
  EXPECT_EQ(inner.frame.bytes, 32u);
  EXPECT_EQ(inner.pool.allocations, 1u);
  EXPECT_EQ(inner.pool.bytes, 112u);  // the 112-byte size class
  EXPECT_EQ(inner.heap.allocations, 0u);

  EXPECT_EQ(outer.path, "physics");
  EXPECT_EQ(outer.depth, 1u);
  EXPECT_EQ(outer.frame.allocations, 2u);
  EXPECT_EQ(outer.frame.bytes, 96u);
  EXPECT_EQ(outer.pool.allocations, 1u);
  EXPECT_EQ(outer.heap.allocations, 1u);
  EXPECT_EQ(outer.heap.bytes, 5000u);
  EXPECT_EQ(outer.allocations(), 4u);

  auto during = h.alloc.frame_phases();
  ASSERT_EQ(during.size(), 2u);
  EXPECT_EQ(during[0].path, "physics/broadphase");
  EXPECT_EQ(during[1].path, "physics");
  h.alloc.end_frame();

  auto after = h.alloc.frame_phases();  // readable at frame end
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[1].frame.bytes, 96u);
  EXPECT_EQ(after[1].frame_number, 0u);
  EXPECT_EQ(h.sink->size(), 0u);

  h.alloc.begin_frame();
  EXPECT_TRUE(h.alloc.frame_phases().empty());  // a new frame starts with none
  h.alloc.end_frame();
}

TEST_P(Phases, ScopeEndsThePhaseOnEveryPath) {
  Harness h(config_with_checks(GetParam()));
  h.alloc.begin_frame();
  try {
    auto scope = h.alloc.phase_scope("ai");
    h.alloc.frame_alloc_bytes(16);
    throw std::runtime_error("early exit");
  } catch (const std::runtime_error&) {
  }
  h.alloc.end_frame();
  const auto phases = h.alloc.frame_phases();
  ASSERT_EQ(phases.size(), 1u);
  EXPECT_EQ(phases[0].frame.allocations, 1u);
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(Phases, UnbalancedPhasesAreFA030) {
  Harness h(config_with_checks(GetParam()));
  EXPECT_EQ(h.alloc.end_phase().name, "");
  EXPECT_EQ(h.sink->count(fa::Code::FA030), 1u);

  h.alloc.begin_frame();
  h.alloc.begin_phase("render");
  h.alloc.begin_phase("shadows");
  h.alloc.frame_alloc_bytes(48);
  h.alloc.end_frame();  // both still open: closed here, innermost first
  EXPECT_EQ(h.sink->count(fa::Code::FA030), 3u);
  const auto phases = h.alloc.frame_phases();
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].path, "render/shadows");
  EXPECT_EQ(phases[1].path, "render");
  EXPECT_EQ(phases[1].frame.bytes, 48u);
}

TEST_P(Phases, InvalidNamesAreRejected) {
  Harness h(config_with_checks(GetParam()));
  EXPECT_THROW(h.alloc.begin_phase(""), std::invalid_argument);
  EXPECT_THROW(h.alloc.begin_phase("a/b"), std::invalid_argument);
  EXPECT_EQ(h.alloc.end_phase().name, "");  // nothing was opened
  EXPECT_EQ(h.sink->count(fa::Code::FA030), 1u);
}

}  // namespace
