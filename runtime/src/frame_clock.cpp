#include "frame_clock.hpp"

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace fa::detail {
namespace {

std::uint64_t steady_ns() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// The kernel only picks "tsc" when the counter is invariant and synchronised across cores.
bool kernel_keeps_time_with_tsc() {
#if defined(__x86_64__) && defined(__linux__)
  std::ifstream in("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string name;
  return in >> name && name == "tsc";
#else
  return false;
#endif
}

struct Tsc {
  bool on = kernel_keeps_time_with_tsc();
  std::uint64_t anchor_ticks = 0, anchor_ns = 0;  // the first stamp's two readings
  std::atomic<double> ns_per_tick{0.0};           // 0 until 10 ms have passed since the anchor
  Tsc() {
#if defined(__x86_64__)
    if (on) {
      anchor_ns = steady_ns();
      anchor_ticks = __rdtsc();
    }
#endif
  }
};

constexpr std::uint64_t kCalibrationNs = 10'000'000;

Tsc& tsc() noexcept {
  static Tsc t;  // thread-safe initialisation; never destroyed before the last frame ends
  return t;
}

}  // namespace

bool clock_uses_tsc() noexcept {
  return tsc().on;
}

ClockStamp clock_stamp() noexcept {
#if defined(__x86_64__)
  if (tsc().on) return __rdtsc();
#endif
  return steady_ns();
}

std::uint64_t clock_elapsed_ns(ClockStamp from, ClockStamp to) noexcept {
  if (to <= from) return 0;
  Tsc& t = tsc();
  if (!t.on) return to - from;
  double ratio = t.ns_per_tick.load(std::memory_order_relaxed);
#if defined(__x86_64__)
  if (ratio == 0.0) {
    // Still calibrating: the ratio over everything since the anchor, which contains this span.
    const std::uint64_t ns = steady_ns() - t.anchor_ns;
    const std::uint64_t ticks = __rdtsc() - t.anchor_ticks;
    if (ticks == 0) return 0;
    ratio = static_cast<double>(ns) / static_cast<double>(ticks);
    if (ns >= kCalibrationNs) t.ns_per_tick.store(ratio, std::memory_order_relaxed);
  }
#endif
  return static_cast<std::uint64_t>(static_cast<double>(to - from) * ratio);
}

}  // namespace fa::detail
