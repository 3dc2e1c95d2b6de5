// FA205 and FA202 on one thread (label "unit"): a participant counted in a loop frame that never
// signals makes end_frame() report FA205 after the timeout; the loop's own thread never gets FA202.
#include <framealloc/framealloc.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "test_support.hpp"

namespace fa::test {
namespace {

using namespace std::chrono_literals;

TEST(FrameSyncUnit, CountedParticipantThatNeverSignalsGivesFA205PerFrame) {
  Harness h;
  FrameLoop loop(h.alloc, FrameLoopConfig{.worker_timeout = 5ms});
  auto reg = loop.register_thread("idle");  // counted from frame 1, never runs its hooks
  for (int f = 1; f <= 2; ++f) {
    loop.begin_frame();
    (void)h.alloc.frame_alloc_bytes(64);
    loop.end_frame();
    ASSERT_EQ(h.sink->count(Code::FA205), static_cast<std::size_t>(f));
    EXPECT_NE(h.sink->diagnostics().back().message.find("loop frame " + std::to_string(f) +
                                                        " while registered thread 'idle'"),
              std::string::npos)
        << h.sink->diagnostics().back().message;
  }
  EXPECT_FALSE(h.alloc.frame_active());  // the frame was closed anyway
  EXPECT_EQ(h.alloc.stats().diagnostics_reported, 2u);
  EXPECT_EQ(h.sink->count(Code::FA202), 0u);  // the loop's own thread is inside the barrier
  EXPECT_EQ(h.sink->count(Code::FA102), 0u);
}

TEST(FrameSyncUnit, NoParticipantsBesideMainIsSilent) {
  Harness h;
  FrameLoop loop(h.alloc, FrameLoopConfig{.worker_timeout = 5ms});
  for (int f = 0; f < 3; ++f) {
    loop.begin_frame();
    (void)h.alloc.frame_alloc_bytes(64);
    loop.end_frame();
  }
  EXPECT_EQ(h.sink->size(), 0u);
  // Plain allocator frames on the same thread outside loop frames are not FA202 either.
  h.alloc.begin_frame();
  (void)h.alloc.frame_alloc_bytes(64);
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->size(), 0u);
}

}  // namespace
}  // namespace fa::test
