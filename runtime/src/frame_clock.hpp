// Time stamps for frame durations: begin_frame() and end_frame() each take one.
//
// On x86-64 Linux whose kernel keeps time with the TSC (clocksource "tsc": invariant and
// synchronised across cores), a stamp is one rdtsc, about 10 ns on the reference VM, where
// steady_clock::now() costs about 24 ns (docs/benchmarks.md). Ticks become nanoseconds through
// a ratio measured against steady_clock over the process's first 10 ms of frame timing; until
// then each conversion reads steady_clock once and uses the ratio seen so far. Anywhere else a
// stamp is steady_clock nanoseconds.
#pragma once

#include <cstdint>

namespace fa::detail {

using ClockStamp = std::uint64_t;

ClockStamp clock_stamp() noexcept;
// Nanoseconds from one stamp to a later one; 0 if the later one reads smaller.
std::uint64_t clock_elapsed_ns(ClockStamp from, ClockStamp to) noexcept;
// True when stamps are TSC ticks (exposed for tests).
bool clock_uses_tsc() noexcept;

}  // namespace fa::detail
