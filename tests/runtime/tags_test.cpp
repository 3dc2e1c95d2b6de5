// Tags: the per-thread tag stack and attribution of every allocation kind to a tag path.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using fa::test::config_with_checks;
using fa::test::Harness;

const fa::TagStats* find_tag(const fa::AllocStats& s, const std::string& path) {
  for (const auto& t : s.tags)
    if (t.path == path) return &t;
  return nullptr;
}

class Tags : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Paths, Tags, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "DebugChecks" : "FastPath"; });

TEST_P(Tags, NestedScopesBuildThePathAndUnwind) {
  Harness h(config_with_checks(GetParam()));
  EXPECT_EQ(h.alloc.tag_path(), "");
  const int result = h.alloc.with_tag("ai", [&] {
    EXPECT_EQ(h.alloc.tag_path(), "ai");
    fa::TagScope inner(h.alloc, "pathfinding");
    EXPECT_EQ(h.alloc.tag_path(), "ai::pathfinding");
    EXPECT_EQ(h.alloc.current_tag(), "pathfinding");
    return 42;
  });
  EXPECT_EQ(result, 42);
  EXPECT_EQ(h.alloc.tag_path(), "");
  EXPECT_EQ(h.alloc.current_tag(), "");
}

TEST_P(Tags, InvalidNamesAreRejectedAndChangeNothing) {
  Harness h(config_with_checks(GetParam()));
  fa::TagScope ai(h.alloc, "ai");
  for (const std::string& bad :
       std::vector<std::string>{"", "a::b", "with space", "colon:", "tab\t", std::string(65, 'x'), "ünï"}) {
    EXPECT_THROW(h.alloc.push_tag(bad), std::invalid_argument) << bad;
    EXPECT_EQ(h.alloc.tag_path(), "ai") << bad;
  }
  EXPECT_TRUE(fa::is_valid_tag_name("render-pass_2.opaque"));
  EXPECT_TRUE(fa::is_valid_tag_name(std::string(64, 'x')));
}

TEST_P(Tags, PopWithoutPushIsFA031AndIgnored) {
  Harness h(config_with_checks(GetParam()));
  h.alloc.pop_tag();
  EXPECT_EQ(h.sink->count(fa::Code::FA031), 1u);
  h.alloc.push_tag("ai");
  h.alloc.pop_tag();
  h.alloc.pop_tag();
  EXPECT_EQ(h.sink->count(fa::Code::FA031), 2u);
  EXPECT_EQ(h.alloc.tag_path(), "");
}

TEST_P(Tags, EveryKindIsAttributedToTheCurrentPath) {
  Harness h(config_with_checks(GetParam()));
  h.alloc.begin_frame();
  h.alloc.frame_alloc_bytes(96);  // untagged; a multiple of 16 so no padding falls to "ai"
  void* pool_untagged = h.alloc.pool_alloc_bytes(24);
  h.alloc.with_tag("ai", [&] {
    h.alloc.frame_alloc_bytes(64);
    h.alloc.with_tag("pathfinding", [&] {
      h.alloc.frame_alloc_bytes(32);
      h.alloc.frame_alloc_bytes(32);
      h.alloc.pool_free_bytes(h.alloc.pool_alloc_bytes(48));
      h.alloc.heap_free_bytes(h.alloc.heap_alloc_bytes(10000));
    });
  });
  h.alloc.end_frame();
  h.alloc.pool_free_bytes(pool_untagged);

  const fa::AllocStats s = h.alloc.stats();
  const fa::TagStats* ai = find_tag(s, "ai");
  const fa::TagStats* pf = find_tag(s, "ai::pathfinding");
  const fa::TagStats* none = find_tag(s, "");
  ASSERT_TRUE(ai && pf && none);
  EXPECT_EQ(ai->frame.allocations, 1u);
  EXPECT_EQ(ai->frame.bytes, 64u);
  EXPECT_EQ(ai->pool.allocations, 0u);
  EXPECT_EQ(pf->frame.allocations, 2u);
  EXPECT_EQ(pf->frame.bytes, 64u);
  EXPECT_EQ(pf->pool.allocations, 1u);
  EXPECT_EQ(pf->pool.bytes, 48u);
  EXPECT_EQ(pf->heap.allocations, 1u);
  EXPECT_EQ(pf->heap.bytes, 10000u);
  EXPECT_EQ(none->frame.allocations, 1u);
  EXPECT_EQ(none->pool.allocations, 1u);
  EXPECT_EQ(pf->depth, 2u);
  EXPECT_EQ(pf->name, "pathfinding");
  ASSERT_GE(pf->parent, 0);
  EXPECT_EQ(s.tags[static_cast<std::size_t>(pf->parent)].path, "ai");
  EXPECT_EQ(ai->parent, -1);

  // The per-tag figures add up to the instance totals.
  std::uint64_t frame = 0, frame_bytes = 0, pool = 0, pool_bytes = 0, heap = 0, heap_bytes = 0;
  for (const auto& t : s.tags) {
    frame += t.frame.allocations;
    frame_bytes += t.frame.bytes;
    pool += t.pool.allocations;
    pool_bytes += t.pool.bytes;
    heap += t.heap.allocations;
    heap_bytes += t.heap.bytes;
  }
  EXPECT_EQ(frame, s.frame.allocations);
  EXPECT_EQ(frame_bytes, s.frame.bytes_allocated);
  EXPECT_EQ(pool, s.pool.allocations);
  EXPECT_EQ(pool_bytes, s.pool.bytes_allocated);
  EXPECT_EQ(heap, s.heap.allocations);
  EXPECT_EQ(heap_bytes, s.heap.bytes_allocated);
}

TEST_P(Tags, TheSamePathFromTwoScopesIsOneTag) {
  Harness h(config_with_checks(GetParam()));
  h.alloc.begin_frame();
  for (int i = 0; i < 3; ++i) h.alloc.with_tag("audio", [&] { h.alloc.frame_alloc_bytes(16); });
  h.alloc.end_frame();
  const fa::AllocStats s = h.alloc.stats();
  int audio_tags = 0;
  for (const auto& t : s.tags) audio_tags += t.path == "audio";
  EXPECT_EQ(audio_tags, 1);
  EXPECT_EQ(find_tag(s, "audio")->frame.allocations, 3u);
}

TEST_P(Tags, AnExceptionInsideWithTagStillPops) {
  Harness h(config_with_checks(GetParam()));
  EXPECT_THROW(h.alloc.with_tag("ai", [&]() -> int { throw std::runtime_error("boom"); }),
               std::runtime_error);
  EXPECT_EQ(h.alloc.tag_path(), "");
  EXPECT_EQ(h.sink->size(), 0u);
}

}  // namespace
