// FrameBarrier: generations, named threads, timeouts, reset, and a lost-wakeup stress test
// (label "threaded": also runs under asan and tsan).
#include <framealloc/frame_barrier.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace fa::test {
namespace {

using namespace std::chrono_literals;

TEST(FrameBarrier, ZeroParticipantsIsRejected) {
  EXPECT_THROW(FrameBarrier(0), std::invalid_argument);
  FrameBarrier b(1);
  EXPECT_THROW(b.set_participants(0), std::invalid_argument);
  EXPECT_EQ(b.participants(), 1u);
}

TEST(FrameBarrier, LastSignalCompletesTheGenerationAndOpensTheNext) {
  FrameBarrier b(2);
  EXPECT_EQ(b.generation(), 0u);
  b.signal_frame_complete();
  EXPECT_EQ(b.arrived(), 1u);
  EXPECT_EQ(b.wait_timeout(10ms), FrameBarrier::WaitResult::Timeout);  // one participant missing
  b.signal_frame_complete();
  EXPECT_EQ(b.generation(), 1u);
  EXPECT_EQ(b.arrived(), 0u);
  // The calling thread signalled in generation 0, which is complete: no wait.
  EXPECT_TRUE(b.wait_all());
  // Nothing signalled since: waits for generation 1, which nobody completes.
  EXPECT_EQ(b.wait_timeout(10ms), FrameBarrier::WaitResult::Timeout);
}

TEST(FrameBarrier, ResetAbandonsTheOpenGenerationAndWakesWaiters) {
  FrameBarrier b(3);
  b.signal_frame_complete();
  std::atomic<int> result{-1};
  // The waiter signals before it waits, so it waits for that generation whether it
  // reaches wait_all() before or after the reset (no timing assumption).
  std::thread waiter([&] {
    b.signal_frame_complete();
    result = b.wait_all() ? 1 : 0;
  });
  while (b.arrived() != 2) std::this_thread::yield();
  b.reset();
  waiter.join();
  EXPECT_EQ(result.load(), 0);  // false: ended by reset, not by every participant
  EXPECT_EQ(b.generation(), 1u);
  EXPECT_EQ(b.arrived(), 0u);
  EXPECT_EQ(b.wait_timeout(1ms), FrameBarrier::WaitResult::Reset);  // own signal's generation was reset
}

TEST(FrameBarrier, SetParticipantsCompletesWhenEnoughArrived) {
  FrameBarrier b(3);
  b.signal_frame_complete();
  b.signal_frame_complete();
  b.set_participants(2);
  EXPECT_EQ(b.generation(), 1u);
  EXPECT_EQ(b.wait_timeout(1ms), FrameBarrier::WaitResult::Complete);
}

TEST(FrameBarrier, BuilderNamesThreadsAndReportsWhoIsPending) {
  FrameBarrier b = FrameBarrier::builder().thread("main").thread("physics").thread("render").build();
  EXPECT_EQ(b.participants(), 3u);
  EXPECT_EQ(b.thread_names(), (std::vector<std::string>{"main", "physics", "render"}));
  b.signal_frame_complete("physics");
  EXPECT_EQ(b.pending_threads(), (std::vector<std::string>{"main", "render"}));
  EXPECT_THROW(b.signal_frame_complete("physics"), std::invalid_argument);  // twice in one generation
  EXPECT_THROW(b.signal_frame_complete("audio"), std::invalid_argument);    // unknown
  EXPECT_THROW(b.signal_frame_complete(), std::logic_error);                // anonymous on named
  EXPECT_EQ(b.arrived(), 1u);                                               // errors changed nothing
  b.signal_frame_complete("main");
  b.signal_frame_complete("render");
  EXPECT_EQ(b.generation(), 1u);
  EXPECT_EQ(b.pending_threads().size(), 3u);
  b.signal_frame_complete("physics");  // allowed again in the new generation
  EXPECT_THROW(b.set_participants(5), std::logic_error);
}

TEST(FrameBarrier, BuilderRejectsBadNames) {
  EXPECT_THROW(FrameBarrier::builder().build(), std::invalid_argument);
  EXPECT_THROW(FrameBarrier::builder().thread("a").thread("").build(), std::invalid_argument);
  EXPECT_THROW(FrameBarrier::builder().thread("a").thread("a").build(), std::invalid_argument);
  FrameBarrier anon(2);
  EXPECT_THROW(anon.signal_frame_complete("main"), std::logic_error);
}

// Every round, each thread signals and then waits; a lost wakeup would hang (the test
// timeout catches it) and a wrong generation would let a thread run ahead of the others.
TEST(FrameBarrier, StressNoLostWakeupsAndNoThreadRunsAhead) {
  constexpr int kThreads = 6;
  constexpr int kRounds = 2000;
  FrameBarrier b(kThreads);
  std::atomic<int> round_counter[kRounds] = {};
  std::atomic<bool> ran_ahead{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int r = 0; r < kRounds; ++r) {
        round_counter[r].fetch_add(1);
        b.signal_frame_complete();
        if (!b.wait_all()) ran_ahead = true;
        // After the wait, every thread has arrived in round r.
        if (round_counter[r].load() != kThreads) ran_ahead = true;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_FALSE(ran_ahead.load());
  EXPECT_EQ(b.generation(), static_cast<std::uint64_t>(kRounds));
}

// A coordinator that does not signal is woken by the workers' last signal.
TEST(FrameBarrier, NonSignallingWaiterIsWokenByTheLastArrival) {
  for (int round = 0; round < 100; ++round) {
    FrameBarrier b(2);
    auto signal_soon = [&] {
      std::this_thread::sleep_for(200us);  // usually after the waiter blocked
      b.signal_frame_complete();
    };
    std::thread w1(signal_soon);
    std::thread w2(signal_soon);
    const FrameBarrier::WaitResult r = b.wait_timeout(2s);
    w1.join();
    w2.join();
    // Either the waiter saw generation 0 close, or both signals came first and it waited
    // for generation 1, which nobody closes (then it must time out, never hang or lie).
    if (r == FrameBarrier::WaitResult::Timeout) {
      EXPECT_EQ(b.generation(), 1u);
    } else {
      EXPECT_EQ(r, FrameBarrier::WaitResult::Complete);
    }
    if (r == FrameBarrier::WaitResult::Timeout) break;  // don't pay 2 s more than once
  }
}

}  // namespace
}  // namespace fa::test
