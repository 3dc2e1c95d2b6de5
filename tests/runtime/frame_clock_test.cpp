// Frame durations: the stamps (TSC ticks where the kernel keeps time with the TSC) converted to
// nanoseconds must agree with steady_clock, while the ratio is still being measured and after.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <thread>

#include "frame_clock.hpp"  // runtime/src

namespace fa::detail {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

std::uint64_t ns_of(Steady::duration d) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

// A span that contains the sleep and lies inside two steady_clock readings.
void expect_span_agrees_with_steady_clock(std::chrono::milliseconds sleep) {
  const Steady::time_point outer_begin = Steady::now();
  const ClockStamp begin = clock_stamp();
  std::this_thread::sleep_for(sleep);
  const ClockStamp end = clock_stamp();
  const std::uint64_t outer = ns_of(Steady::now() - outer_begin);
  const std::uint64_t got = clock_elapsed_ns(begin, end);
  EXPECT_GE(got, ns_of(sleep) - ns_of(sleep) / 1000) << "sleep " << sleep.count() << " ms";
  EXPECT_LE(got, outer + outer / 1000 + 1000) << "sleep " << sleep.count() << " ms";
}

// One process, in order: the first spans are converted while the ratio is still measured
// (calibration needs 10 ms), the last one with the stored ratio.
TEST(FrameClock, SpansAgreeWithSteadyClockBeforeAndAfterCalibration) {
  if (!clock_uses_tsc()) GTEST_LOG_(INFO) << "stamps are steady_clock nanoseconds on this machine";
  expect_span_agrees_with_steady_clock(1ms);
  expect_span_agrees_with_steady_clock(3ms);
  expect_span_agrees_with_steady_clock(12ms);
  expect_span_agrees_with_steady_clock(2ms);
  expect_span_agrees_with_steady_clock(20ms);
}

TEST(FrameClock, AStampThatReadsEarlierGivesZeroNotAWrappedSpan) {
  const ClockStamp now = clock_stamp();
  EXPECT_EQ(clock_elapsed_ns(now + 1000, now), 0u);
  EXPECT_EQ(clock_elapsed_ns(now, now), 0u);
}

}  // namespace
}  // namespace fa::detail
