// FA202 and FA205 at runtime through FrameLoop (label "threaded"): a thread running its own
// frames inside a loop frame without joining the loop's barrier (FA202), and the main thread's
// end_frame() closing a frame a registered worker has not signalled (FA205). Near misses stay silent.
#include <framealloc/framealloc.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <string>
#include <thread>

#include "test_support.hpp"

namespace fa::test {
namespace {

using namespace std::chrono_literals;

std::uint64_t snapshot_count(SmartAlloc& alloc, const std::string& code) {
  const Snapshot s = alloc.build_snapshot();
  const auto it = std::find_if(s.diagnostics.begin(), s.diagnostics.end(),
                               [&](const SnapshotDiagnostic& d) { return d.code == code; });
  return it == s.diagnostics.end() ? 0 : it->count;
}

// Runs one allocator frame with `allocations` frame allocations on a fresh thread.
void outside_frame(SmartAlloc& alloc, int allocations, int frames = 1) {
  std::thread([&] {
    for (int f = 0; f < frames; ++f) {
      alloc.begin_frame();
      for (int i = 0; i < allocations; ++i) (void)alloc.frame_alloc_bytes(32);
      alloc.end_frame();
    }
  }).join();
}

TEST(FrameSyncDiagnostics, ThreadWithOwnFramesInsideALoopFrameReportsFA202OncePerThread) {
  Harness h;
  FrameLoop loop(h.alloc);
  loop.begin_frame();
  outside_frame(h.alloc, 3, 2);  // two frames, one thread: one report
  loop.end_frame();
  ASSERT_EQ(h.sink->count(Code::FA202), 1u);
  const Diagnostic d = h.sink->diagnostics()[0];
  EXPECT_EQ(d.severity, Severity::Warning);
  EXPECT_NE(d.message.find("3 frame allocation(s) inside loop frame 1"), std::string::npos) << d.message;
  EXPECT_NE(format_diagnostic(d).find("[framealloc][FA202]"), std::string::npos);
  EXPECT_EQ(h.alloc.stats().diagnostics_reported, 1u);
  EXPECT_EQ(snapshot_count(h.alloc, "FA202"), 1u);

  loop.begin_frame();
  outside_frame(h.alloc, 1);  // another thread: reported too
  loop.end_frame();
  EXPECT_EQ(h.sink->count(Code::FA202), 2u);
  EXPECT_EQ(snapshot_count(h.alloc, "FA202"), 2u);
}

TEST(FrameSyncDiagnostics, NearMissesOfFA202StaySilent) {
  Harness h;
  FrameLoop loop(h.alloc);
  outside_frame(h.alloc, 4);  // no loop frame open
  loop.begin_frame();
  outside_frame(h.alloc, 0);            // a frame without frame allocations shares nothing
  (void)h.alloc.frame_alloc_bytes(64);  // the loop's own main thread
  loop.end_frame();
  std::latch registered(1);
  std::atomic<bool> done{false};
  std::thread worker([&] {  // registered worker with frame allocations
    auto reg = loop.register_thread("physics");
    registered.count_down();
    while (loop.wait_for_frame()) {
      (void)h.alloc.frame_alloc_bytes(128);
      done = true;
    }
  });
  registered.wait();
  for (int f = 0; f < 3; ++f) {
    loop.begin_frame();
    loop.end_frame();
  }
  loop.stop();
  worker.join();
  EXPECT_TRUE(done.load());
  EXPECT_EQ(h.sink->size(), 0u);
  EXPECT_EQ(snapshot_count(h.alloc, "FA202"), 0u);
}

TEST(FrameSyncDiagnostics, OptOutAndSecondLoopDoNotReportFA202) {
  Harness h;
  FrameLoop loop(h.alloc, FrameLoopConfig{.report_outside_threads = false});
  loop.begin_frame();
  outside_frame(h.alloc, 2);
  loop.end_frame();
  EXPECT_EQ(h.sink->count(Code::FA202), 0u);

  Harness h2;
  FrameLoop first(h2.alloc);
  {
    FrameLoop second(h2.alloc);  // the first loop stays the allocator's coordinator
    first.begin_frame();
    outside_frame(h2.alloc, 1);
    first.end_frame();
  }
  EXPECT_EQ(h2.sink->count(Code::FA202), 1u);
  first.begin_frame();  // still attached after the second loop is gone
  outside_frame(h2.alloc, 1);
  first.end_frame();
  EXPECT_EQ(h2.sink->count(Code::FA202), 2u);
}

TEST(FrameSyncDiagnostics, LoopDestroyedDetachesFromTheAllocator) {
  Harness h;
  {
    FrameLoop loop(h.alloc);
    loop.begin_frame();
    loop.end_frame();
  }
  FrameLoop next(h.alloc);  // can attach now
  next.begin_frame();
  outside_frame(h.alloc, 1);
  next.end_frame();
  EXPECT_EQ(h.sink->count(Code::FA202), 1u);
}

TEST(FrameSyncDiagnostics, EndFrameClosingAnUnsignalledFrameReportsFA205) {
  Harness h;
  FrameLoop loop(h.alloc, FrameLoopConfig{.worker_timeout = 30ms});
  std::latch registered(1);
  std::atomic<bool> release{false};
  std::thread worker([&] {
    auto reg = loop.register_thread("stuck");
    registered.count_down();
    ASSERT_TRUE(loop.wait_for_frame());
    (void)h.alloc.frame_alloc_bytes(64);
    while (!release.load()) std::this_thread::yield();  // still inside frame 1
    loop.thread_end_frame();                            // late: ignored by the closed frame
  });
  registered.wait();
  loop.begin_frame();
  loop.end_frame();
  ASSERT_EQ(h.sink->count(Code::FA205), 1u);
  const Diagnostic d = h.sink->diagnostics()[0];
  EXPECT_EQ(d.severity, Severity::Error);
  EXPECT_NE(d.message.find("loop frame 1 while registered thread 'stuck'"), std::string::npos) << d.message;
  EXPECT_NE(format_diagnostic(d).find("[framealloc][FA205]"), std::string::npos);
  EXPECT_EQ(snapshot_count(h.alloc, "FA205"), 1u);
  EXPECT_EQ(h.sink->count(Code::FA102), 0u);  // the worker skipped no hook
  release = true;
  worker.join();
  EXPECT_EQ(h.sink->size(), 1u);
  EXPECT_EQ(h.alloc.stats().diagnostics_reported, 1u);
}

TEST(FrameSyncDiagnostics, SlowWorkerFinishingWithinTheTimeoutIsANearMiss) {
  Harness h;
  FrameLoop loop(h.alloc, FrameLoopConfig{.worker_timeout = 5s});
  std::latch registered(1);
  std::thread worker([&] {
    auto reg = loop.register_thread("slow");
    registered.count_down();
    while (loop.wait_for_frame()) {
      (void)h.alloc.frame_alloc_bytes(64);
      std::this_thread::sleep_for(20ms);  // main reaches end_frame() first and waits
    }
  });
  registered.wait();
  for (int f = 0; f < 3; ++f) {
    loop.begin_frame();
    loop.end_frame();
  }
  loop.stop();
  worker.join();
  EXPECT_EQ(h.sink->size(), 0u);
  EXPECT_EQ(snapshot_count(h.alloc, "FA205"), 0u);
}

}  // namespace
}  // namespace fa::test
