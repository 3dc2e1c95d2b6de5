// A job that overflows its fiber stack hits the PROT_NONE guard page and the process dies
// with SIGSEGV (under ASan: ASan's SEGV report and exit code 1) instead of corrupting memory.
#include <gtest/gtest.h>

#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <memory>

#include <framealloc/jobs/job_system.hpp>

namespace fj = fa::jobs;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif
#else
constexpr bool kAsan = false;
#endif

// Touches 1 KiB of stack per level; `volatile` and the use after the call keep the compiler
// from turning the recursion into a loop.
[[gnu::noinline]] std::size_t recurse(std::size_t depth) {
  volatile char pad[1024];
  pad[0] = static_cast<char>(depth);
  pad[sizeof(pad) - 1] = pad[0];
  if (depth == 0) return pad[0];
  return recurse(depth - 1) + static_cast<std::size_t>(pad[sizeof(pad) - 1]);
}

void overflow_a_fiber() {
  fj::JobSystemConfig c;
  c.workers = 1;
  c.fiber_stack_bytes = 64 * 1024;
  c.sink = std::make_shared<fa::CollectingSink>();
  fj::JobSystem jobs(c);
  fj::Counter done;
  std::size_t sink = 0;
  jobs.spawn(done, [&sink] { sink = recurse(1024); });  // ~1 MiB on a 64 KiB stack
  jobs.wait_idle();                  // the main thread must not run the job itself (wait() would help)
  std::exit(sink == 12345 ? 3 : 0);  // not reached: the job dies first
}

}  // namespace

TEST(FiberGuardDeathTest, StackOverflowHitsTheGuardPage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  if constexpr (kAsan) {
    EXPECT_EXIT(overflow_a_fiber(), ::testing::ExitedWithCode(1), "AddressSanitizer");
  } else {
    EXPECT_EXIT(overflow_a_fiber(), ::testing::KilledBySignal(SIGSEGV), "");
  }
}

TEST(FiberGuardDeathTest, DeepRecursionWithinTheStackSurvives) {
  fj::JobSystemConfig c;
  c.workers = 1;
  c.fiber_stack_bytes = 256 * 1024;
  c.sink = std::make_shared<fa::CollectingSink>();
  fj::JobSystem jobs(c);
  fj::Counter done;
  std::size_t result = 1;
  jobs.spawn(done, [&result] { result = recurse(100); });  // ~100 KiB: fits
  jobs.wait_idle();
  EXPECT_EQ(done.value(), 0);
  EXPECT_NE(result, 1u);
}
