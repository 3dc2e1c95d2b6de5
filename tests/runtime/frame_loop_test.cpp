// FrameLoop with real threads: every registered thread's arena is reset each frame, the
// main thread's end_frame() waits for the workers, FA101, FA102 and FA205 (label "threaded").
#include <framealloc/framealloc.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace fa::test {
namespace {

using namespace std::chrono_literals;

TEST(FrameLoop, EveryRegisteredThreadIsResetEachFrameAndMainWaitsForAll) {
  Harness h;
  FrameLoop loop(h.alloc, FrameLoopConfig{.worker_timeout = 10s});
  constexpr int kWorkers = 3;
  constexpr int kFrames = 60;
  std::atomic<int> work_done{0};
  std::atomic<bool> main_ran_ahead{false};
  std::latch registered(kWorkers);
  std::vector<std::thread> workers;
  std::vector<ThreadStats> worker_stats(kWorkers);
  for (int i = 0; i < kWorkers; ++i) {
    workers.emplace_back([&, i] {
      {
        auto reg = loop.register_thread("worker" + std::to_string(i));
        registered.count_down();
        while (loop.wait_for_frame()) {
          auto batch = h.alloc.frame_alloc_batch<int>(8192);  // 60 x 32 KiB: exhausts 1 MiB without resets
          batch[0] = i;
          ++work_done;
        }
      }
      worker_stats[i] = h.alloc.thread_stats();
    });
  }
  registered.wait();
  for (int f = 1; f <= kFrames; ++f) {
    loop.begin_frame();
    (void)h.alloc.frame_alloc_bytes(64);
    loop.end_frame();
    if (work_done.load() != f * kWorkers) main_ran_ahead = true;  // end_frame waited for all
  }
  loop.stop();
  for (auto& t : workers) t.join();
  EXPECT_FALSE(main_ran_ahead.load());
  EXPECT_EQ(loop.frame(), static_cast<std::uint64_t>(kFrames));
  for (const ThreadStats& s : worker_stats) {
    EXPECT_EQ(s.frames_completed, static_cast<std::uint64_t>(kFrames));
    EXPECT_EQ(s.frame.frees, s.frame.allocations);  // every frame's allocations released
    EXPECT_FALSE(s.frame_active);
  }
  EXPECT_EQ(h.alloc.frame_number(), static_cast<std::uint64_t>(kFrames));
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST(FrameLoop, UnregisteredThreadGetsFA101AndDoesNotTakePart) {
  Harness h;
  FrameLoop loop(h.alloc);
  bool waited = true;
  std::thread([&] {
    waited = loop.wait_for_frame();
    loop.thread_end_frame();
  }).join();
  EXPECT_FALSE(waited);
  EXPECT_EQ(h.sink->count(Code::FA101), 2u);
  loop.begin_frame();  // the main thread is not held up by it
  loop.end_frame();
  EXPECT_EQ(h.sink->count(Code::FA102), 0u);
}

TEST(FrameLoop, SkippedEndHookIsReportedAsFA102AndTheArenaIsResetLater) {
  Harness h;
  FrameLoop loop(h.alloc, FrameLoopConfig{.worker_timeout = 50ms});
  std::latch registered(1);
  std::atomic<int> phase{0};
  std::uint64_t frames_after = 0;
  std::thread worker([&] {
    auto reg = loop.register_thread("lazy");
    registered.count_down();
    ASSERT_TRUE(loop.thread_begin_frame());
    (void)h.alloc.frame_alloc_bytes(100);
    phase = 1;  // returns early: thread_end_frame() is skipped
    while (phase.load() != 2) std::this_thread::yield();
    ASSERT_TRUE(loop.thread_begin_frame());  // closes the stale frame first
    loop.thread_end_frame();
    frames_after = h.alloc.frame_number();
  });
  registered.wait();
  loop.begin_frame();
  while (phase.load() != 1) std::this_thread::yield();
  const auto t0 = std::chrono::steady_clock::now();
  loop.end_frame();  // gives up after the timeout: the frame closes unsynchronised (FA205)
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 50ms);
  ASSERT_EQ(h.sink->count(Code::FA205), 1u);
  EXPECT_NE(h.sink->diagnostics()[0].message.find("'lazy'"), std::string::npos);
  EXPECT_EQ(h.sink->count(Code::FA102), 0u);
  phase = 2;
  loop.begin_frame();
  loop.end_frame();
  worker.join();
  EXPECT_EQ(frames_after, 2u);                // stale frame + frame 2, both ended
  ASSERT_EQ(h.sink->count(Code::FA102), 1u);  // the skipped hook, reported by the worker once
  EXPECT_EQ(h.sink->count(Code::FA205), 1u);
}

TEST(FrameLoop, WorkerLeavingMidFrameDoesNotStallTheMainThread) {
  Harness h;
  FrameLoop loop(h.alloc, FrameLoopConfig{.worker_timeout = 5s});
  std::latch registered(1);
  std::atomic<bool> leave{false};
  std::thread worker([&] {
    auto reg = loop.register_thread("leaver");
    registered.count_down();
    ASSERT_TRUE(loop.wait_for_frame());
    while (!leave.load()) std::this_thread::yield();
  });  // reg destroyed inside frame 1: ends its frame and finishes for it
  registered.wait();
  loop.begin_frame();
  leave = true;
  const auto t0 = std::chrono::steady_clock::now();
  loop.end_frame();
  worker.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 4s);
  EXPECT_EQ(h.sink->size(), 0u);
  EXPECT_EQ(loop.registered_threads(), 0u);
}

TEST(FrameLoop, MisuseIsAClearError) {
  Harness h;
  FrameLoop loop(h.alloc);
  auto reg = loop.register_thread("main-worker");
  EXPECT_THROW((void)loop.register_thread(), std::logic_error);
  loop.begin_frame();
  EXPECT_THROW(loop.begin_frame(), std::logic_error);
}

TEST(FrameLoop, AnnotateNamesTheSnapshotThreads) {
  Harness h;
  FrameLoop loop(h.alloc, FrameLoopConfig{.main_thread_name = "game"});
  std::latch registered(1);
  std::latch annotated(1);
  std::thread worker([&] {
    auto reg = loop.register_thread("physics");
    registered.count_down();
    annotated.wait();
  });
  registered.wait();
  loop.begin_frame();
  Snapshot s = h.alloc.build_snapshot();
  loop.annotate(s);
  annotated.count_down();
  loop.stop();
  worker.join();
  std::vector<std::string> names;
  for (const auto& t : s.threads) names.push_back(t.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"game", "physics"}));
}

}  // namespace
}  // namespace fa::test
