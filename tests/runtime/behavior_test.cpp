// Behavior filter: each FA5xx pattern fires with real allocations, near misses stay silent,
// presets differ, and every finding is reported once per (code, tag).
#include <gtest/gtest.h>
#include <framealloc/framealloc.hpp>

#include <deque>
#include <memory>
#include <stdexcept>
#include <vector>

namespace {

struct Fixture {
  fa::SmartAlloc alloc{fa::AllocConfig::minimal()};
  std::shared_ptr<fa::CollectingSink> sink = std::make_shared<fa::CollectingSink>();
  Fixture() { alloc.set_diagnostic_sink(sink); }

  std::size_t issues(fa::Code code) const {
    std::size_t n = 0;
    for (const fa::BehaviorIssue& i : alloc.behavior_report()) n += i.code == code;
    return n;
  }
  const fa::BehaviorIssue* find(fa::Code code) const {
    static thread_local std::vector<fa::BehaviorIssue> keep;
    keep = alloc.behavior_report();
    for (const fa::BehaviorIssue& i : keep)
      if (i.code == code) return &i;
    return nullptr;
  }

  // `per_frame` heap allocations inside each of `frames` frames under `tag`.
  void heap_frames(const char* tag, int frames, int per_frame) {
    for (int f = 0; f < frames; ++f) {
      alloc.begin_frame();
      alloc.push_tag(tag);
      std::vector<int*> v;
      for (int i = 0; i < per_frame; ++i) v.push_back(alloc.heap_alloc<int>());
      for (int* p : v) alloc.heap_free(p);
      alloc.pop_tag();
      alloc.end_frame();
    }
  }

  // Each frame allocates `total` pool blocks; `same` are freed in that frame, the rest next frame.
  void pool_frames(const char* tag, int frames, int total, int same) {
    std::vector<int*> carried;
    for (int f = 0; f < frames; ++f) {
      alloc.begin_frame();
      alloc.push_tag(tag);
      for (int* p : carried) alloc.pool_free(p);
      carried.clear();
      for (int i = 0; i < total; ++i) {
        int* p = alloc.pool_alloc<int>();
        if (i < same)
          alloc.pool_free(p);
        else
          carried.push_back(p);
      }
      alloc.pop_tag();
      alloc.end_frame();
    }
    for (int* p : carried) alloc.pool_free(p);
  }

  // Each frame: `plain` frame allocations and `retained` frame_retained() promoted to the pool
  // (only on frames where frame % every == 0), kept `keep` frames before release.
  void retain_frames(const char* tag, int frames, int plain, int retained, int every, int keep) {
    std::deque<std::pair<int, fa::PromotedAllocation>> live;
    for (int f = 0; f < frames; ++f) {
      alloc.begin_frame();
      while (!live.empty() && f - live.front().first >= keep) {
        live.front().second.release(alloc);
        live.pop_front();
      }
      alloc.push_tag(tag);
      for (int i = 0; i < plain; ++i) ASSERT_NE(alloc.frame_alloc<int>(), nullptr);
      if (f % every == 0)
        for (int i = 0; i < retained; ++i) alloc.frame_retained<int>(fa::RetentionPolicy::to_pool(), f);
      alloc.pop_tag();
      fa::PromotionResult r = alloc.end_frame_with_promotions();
      for (fa::PromotedAllocation& p : r.promoted) {
        ASSERT_NE(p.ptr, nullptr);
        live.emplace_back(f, std::move(p));
      }
    }
    for (auto& [f, p] : live) p.release(alloc);
  }
};

TEST(BehaviorThresholds, PresetsAreOrderedAndValid) {
  const auto d = fa::BehaviorThresholds::default_(), s = fa::BehaviorThresholds::strict(),
             r = fa::BehaviorThresholds::relaxed();
  for (const auto& t : {d, s, r}) EXPECT_EQ(t.validate(), "");
  EXPECT_LT(s.max_survival_rate, d.max_survival_rate);
  EXPECT_LT(d.max_survival_rate, r.max_survival_rate);
  EXPECT_LT(s.max_heap_allocs_per_frame, d.max_heap_allocs_per_frame);
  EXPECT_LT(d.max_heap_allocs_per_frame, r.max_heap_allocs_per_frame);
  EXPECT_LT(s.max_pool_scratch_rate, d.max_pool_scratch_rate);
  EXPECT_LT(s.max_promotions_per_frame, d.max_promotions_per_frame);
  EXPECT_LT(s.max_avg_lifetime_frames, d.max_avg_lifetime_frames);
}

TEST(BehaviorFilter, InvalidThresholdsThrowAndLeaveTheFilterAsItWas) {
  Fixture fx;
  fa::BehaviorThresholds bad;
  bad.max_survival_rate = 1.5;
  try {
    fx.alloc.enable_behavior_filter(bad);
    ADD_FAILURE() << "a survival rate of 1.5 was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("max_survival_rate"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fx.alloc.behavior_filter_enabled());
  bad = {};
  bad.heap_hot_frames = 0;
  fx.alloc.enable_behavior_filter();
  fx.heap_frames("render", 8, 20);
  ASSERT_EQ(fx.issues(fa::Code::FA530), 1u);
  EXPECT_THROW(fx.alloc.enable_behavior_filter(bad), std::invalid_argument);
  EXPECT_TRUE(fx.alloc.behavior_filter_enabled());
  EXPECT_EQ(fx.issues(fa::Code::FA530), 1u);  // the report survived the refused call
}

TEST(BehaviorFilter, DisabledFilterReportsNothing) {
  Fixture fx;
  fx.heap_frames("render", 20, 40);
  fx.pool_frames("vis", 20, 4, 4);
  EXPECT_TRUE(fx.alloc.behavior_report().empty());
  EXPECT_EQ(fx.sink->size(), 0u);
}

TEST(BehaviorFilter, HeapInHotPathFiresAfterConsecutiveFrames) {
  Fixture fx;
  fx.alloc.enable_behavior_filter();
  fx.heap_frames("render", 7, 20);
  EXPECT_EQ(fx.issues(fa::Code::FA530), 0u) << "7 of 8 required frames";
  fx.heap_frames("render", 1, 20);
  ASSERT_EQ(fx.issues(fa::Code::FA530), 1u);
  const fa::BehaviorIssue* i = fx.find(fa::Code::FA530);
  EXPECT_EQ(i->tag, "render");
  EXPECT_EQ(i->kind, fa::AllocKind::Heap);
  EXPECT_DOUBLE_EQ(i->observed, 20.0);
  EXPECT_DOUBLE_EQ(i->threshold, 16.0);
  EXPECT_NE(i->advice.find("frame_alloc"), std::string::npos);
  ASSERT_EQ(fx.sink->count(fa::Code::FA530), 1u);
  EXPECT_NE(fx.sink->diagnostics()[0].message.find("\"render\""), std::string::npos);
  fx.heap_frames("render", 30, 20);
  EXPECT_EQ(fx.sink->count(fa::Code::FA530), 1u) << "reported once per (code, tag)";
}

TEST(BehaviorFilter, HeapNearMissAndBrokenStreakStaySilent) {
  Fixture fx;
  fx.alloc.enable_behavior_filter();
  fx.heap_frames("render", 30, 16);  // at the limit, not above
  for (int i = 0; i < 5; ++i) {      // streaks of 7 broken by a quiet frame
    fx.heap_frames("physics", 7, 40);
    fx.heap_frames("physics", 1, 0);
  }
  EXPECT_EQ(fx.issues(fa::Code::FA530), 0u);
}

TEST(BehaviorFilter, StrictPresetFiresWhereDefaultDoesNot) {
  Fixture a, b;
  a.alloc.enable_behavior_filter(fa::BehaviorThresholds::default_());
  b.alloc.enable_behavior_filter(fa::BehaviorThresholds::strict());
  a.heap_frames("render", 20, 10);
  b.heap_frames("render", 20, 10);
  EXPECT_EQ(a.issues(fa::Code::FA530), 0u);
  EXPECT_EQ(b.issues(fa::Code::FA530), 1u);
  a.pool_frames("vis", 10, 5, 3);  // 60% freed in their own frame
  b.pool_frames("vis", 10, 5, 3);
  EXPECT_EQ(a.issues(fa::Code::FA510), 0u);
  EXPECT_EQ(b.issues(fa::Code::FA510), 1u);
}

TEST(BehaviorFilter, RelaxedAndCustomThresholds) {
  Fixture relaxed, custom;
  relaxed.alloc.enable_behavior_filter(fa::BehaviorThresholds::relaxed());
  fa::BehaviorThresholds t;
  t.max_heap_allocs_per_frame = 2;
  t.heap_hot_frames = 2;
  custom.alloc.enable_behavior_filter(t);
  relaxed.heap_frames("render", 40, 40);
  custom.heap_frames("render", 2, 3);
  EXPECT_EQ(relaxed.issues(fa::Code::FA530), 0u);
  EXPECT_EQ(custom.issues(fa::Code::FA530), 1u);
}

TEST(BehaviorFilter, PoolUsedAsScratchFiresPerTag) {
  Fixture fx;
  fx.alloc.enable_behavior_filter();
  fx.pool_frames("vis", 10, 4, 4);       // all freed in their frame
  fx.pool_frames("entities", 10, 4, 0);  // all kept into the next frame
  ASSERT_EQ(fx.issues(fa::Code::FA510), 1u);
  const fa::BehaviorIssue* i = fx.find(fa::Code::FA510);
  EXPECT_EQ(i->tag, "vis");
  EXPECT_EQ(i->kind, fa::AllocKind::Pool);
  EXPECT_DOUBLE_EQ(i->observed, 1.0);
  ASSERT_EQ(fx.sink->count(fa::Code::FA510), 1u);
  const fa::Diagnostic d = fx.sink->diagnostics()[0];
  EXPECT_EQ(d.severity, fa::info(fa::Code::FA510).default_severity);
  EXPECT_NE(d.message.find("\"vis\""), std::string::npos);
  EXPECT_NE(d.help.find("frame_alloc"), std::string::npos);
}

TEST(BehaviorFilter, PoolScratchNeedsEnoughSamples) {
  Fixture fx;
  fx.alloc.enable_behavior_filter();
  fx.pool_frames("vis", 7, 4, 4);  // 28 < 32 allocations
  EXPECT_EQ(fx.issues(fa::Code::FA510), 0u);
}

TEST(BehaviorFilter, HighSurvivalAndPromotionChurn) {
  Fixture fx;
  fx.alloc.enable_behavior_filter();
  fx.retain_frames("ui", 12, 1, 2, 1, 1);  // 2 of 3 survive, 2 promotions per frame
  ASSERT_EQ(fx.issues(fa::Code::FA502), 1u);
  ASSERT_EQ(fx.issues(fa::Code::FA520), 1u);
  EXPECT_EQ(fx.find(fa::Code::FA502)->tag, "ui");
  EXPECT_NEAR(fx.find(fa::Code::FA502)->observed, 2.0 / 3.0, 1e-9);
  EXPECT_DOUBLE_EQ(fx.find(fa::Code::FA520)->observed, 2.0);
  EXPECT_EQ(fx.issues(fa::Code::FA501), 0u) << "released after one frame";
}

TEST(BehaviorFilter, SurvivalAndChurnNearMissesStaySilent) {
  Fixture fx;
  fx.alloc.enable_behavior_filter();
  fx.retain_frames("ui", 24, 3, 1, 3, 1);  // 1 of ~9 survives; 1 promotion per 3 frames
  EXPECT_EQ(fx.issues(fa::Code::FA502), 0u);
  EXPECT_EQ(fx.issues(fa::Code::FA520), 0u);
  Fixture strict;
  strict.alloc.enable_behavior_filter(fa::BehaviorThresholds::strict());
  strict.retain_frames("ui", 24, 3, 1, 3, 1);
  EXPECT_EQ(strict.issues(fa::Code::FA520), 1u) << "0.33 per frame is above strict's 0.25";
}

TEST(BehaviorFilter, FrameAllocationLivesTooLong) {
  Fixture fx;
  fx.alloc.enable_behavior_filter();
  fx.retain_frames("pathfinding", 20, 4, 1, 1, 6);
  ASSERT_EQ(fx.issues(fa::Code::FA501), 1u);
  const fa::BehaviorIssue* i = fx.find(fa::Code::FA501);
  EXPECT_EQ(i->tag, "pathfinding");
  EXPECT_GT(i->observed, 4.0);
  EXPECT_EQ(fx.sink->count(fa::Code::FA501), 1u);

  Fixture near;
  near.alloc.enable_behavior_filter();
  near.retain_frames("pathfinding", 20, 4, 1, 1, 3);
  EXPECT_EQ(near.issues(fa::Code::FA501), 0u);
}

TEST(BehaviorFilter, EnableResetsAndDisableKeepsTheReport) {
  Fixture fx;
  fx.alloc.enable_behavior_filter();
  fx.heap_frames("render", 7, 20);
  fx.alloc.enable_behavior_filter();  // streak starts over
  fx.heap_frames("render", 7, 20);
  EXPECT_EQ(fx.issues(fa::Code::FA530), 0u);
  fx.heap_frames("render", 1, 20);
  EXPECT_EQ(fx.issues(fa::Code::FA530), 1u);
  fx.alloc.disable_behavior_filter();
  EXPECT_FALSE(fx.alloc.behavior_filter_enabled());
  fx.pool_frames("vis", 20, 4, 4);
  EXPECT_EQ(fx.issues(fa::Code::FA510), 0u);
  EXPECT_EQ(fx.issues(fa::Code::FA530), 1u);
}

TEST(BehaviorFilter, StrictModePanicsAfterTheFrameEndedAndKeepsTheFinding) {
  Fixture fx;
  fa::BehaviorThresholds t;
  t.max_heap_allocs_per_frame = 1;
  t.heap_hot_frames = 1;
  fx.alloc.enable_behavior_filter(t);
  const auto guard = fa::StrictModeGuard::panic_on_warning();
  fx.alloc.begin_frame();
  int* a = fx.alloc.heap_alloc<int>();
  int* b = fx.alloc.heap_alloc<int>();
  fx.alloc.heap_free(a);
  fx.alloc.heap_free(b);
  try {
    fx.alloc.end_frame();
    ADD_FAILURE() << "FA530 is a warning: strict mode should have thrown";
  } catch (const fa::StrictModeError& e) {
    EXPECT_EQ(e.diagnostic().code, fa::Code::FA530);
  }
  EXPECT_FALSE(fx.alloc.frame_active());
  EXPECT_EQ(fx.issues(fa::Code::FA530), 1u);
}

}  // namespace
