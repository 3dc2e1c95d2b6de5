// A FrameBox that lives across co_await is touched in a later frame: FA002 in debug builds.
#include <framealloc/framealloc.hpp>

#include <gtest/gtest.h>

#include <coroutine>
#include <utility>

#include "test_support.hpp"

namespace fa::test {
namespace {

struct Step {
  struct promise_type {
    Step get_return_object() { return Step{std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() { throw; }
  };
  explicit Step(std::coroutine_handle<promise_type> h) : handle(h) {}
  Step(Step&& o) noexcept : handle(std::exchange(o.handle, {})) {}
  ~Step() {
    if (handle) handle.destroy();
  }
  std::coroutine_handle<promise_type> handle;
};

Step keeps_box_across_await(SmartAlloc& alloc, bool& expired) {
  FrameBox<int> box = alloc.frame_box<int>(41);
  co_await std::suspend_always{};
  expired = box.expired();
  (void)box.get();  // later frame: FA002 "used" (not dereferenced: the bytes were reset)
}  // and FA002 "destroyed"

Step box_within_one_frame(SmartAlloc& alloc, int& seen) {
  {
    FrameBox<int> box = alloc.frame_box<int>(41);
    seen = *box + 1;
  }
  co_await std::suspend_always{};
}

TEST(Coroutine, FrameBoxTouchedInALaterFrameReportsFA002) {
  Harness h(config_with_checks(true));
  bool expired = false;
  h.alloc.begin_frame();
  Step s = keeps_box_across_await(h.alloc, expired);
  s.handle.resume();  // runs to co_await inside frame 1
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->count(Code::FA002), 0u);
  h.alloc.begin_frame();
  s.handle.resume();  // resumes in frame 2
  h.alloc.end_frame();
  EXPECT_TRUE(s.handle.done());
  EXPECT_TRUE(expired);
  EXPECT_EQ(h.sink->count(Code::FA002), 2u);
  const auto d = h.sink->diagnostics();
  EXPECT_NE(d[0].message.find("used after"), std::string::npos);
  EXPECT_NE(d[1].message.find("destroyed after"), std::string::npos);
}

TEST(Coroutine, FrameBoxDroppedBeforeAwaitIsClean) {
  Harness h(config_with_checks(true));
  int seen = 0;
  h.alloc.begin_frame();
  Step s = box_within_one_frame(h.alloc, seen);
  s.handle.resume();
  h.alloc.end_frame();
  h.alloc.begin_frame();
  s.handle.resume();
  h.alloc.end_frame();
  EXPECT_EQ(seen, 42);
  EXPECT_EQ(h.sink->size(), 0u);
}

}  // namespace
}  // namespace fa::test
