// Why frame memory must not live across co_await.
//
// A coroutine suspended at co_await resumes later, often in a later frame. Everything it
// allocated from the frame arena before suspending was released by end_frame() in between,
// and the next frame reuses those bytes. In debug builds a FrameBox touched after its frame
// reports FA002; plain frame_alloc pointers are not checked at all. Keep frame memory between
// two suspension points, and carry longer-lived state in pool/heap memory (or in the
// coroutine frame itself, which is an ordinary heap allocation).
#include <framealloc/framealloc.hpp>

#include <coroutine>
#include <cstdio>
#include <memory>
#include <utility>

namespace {

// A minimal task resumed explicitly by the game loop, one step per frame.
struct Task {
  struct promise_type {
    Task get_return_object() { return Task{std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() { throw; }
  };
  explicit Task(std::coroutine_handle<promise_type> h) : handle(h) {}
  Task(Task&& o) noexcept : handle(std::exchange(o.handle, {})) {}
  ~Task() {
    if (handle) handle.destroy();
  }
  bool step() {  // resumes until the next co_await; false once finished
    if (!handle.done()) handle.resume();
    return !handle.done();
  }
  std::coroutine_handle<promise_type> handle;
};

struct NextFrame {  // co_await NextFrame{}: continue in the next frame
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};

struct Path {
  int waypoints[16];
  int count;
};

// WRONG: the FrameBox is created in one frame and used after co_await, in the next one.
Task wrong(fa::SmartAlloc& alloc) {
  fa::FrameBox<Path> path = alloc.frame_box<Path>();
  path->count = 3;
  co_await NextFrame{};  // end_frame() runs while we are suspended
  // path->count would read bytes the arena already reset (and ASan poisoned): only look.
  std::printf("wrong: box expired after resume: %s\n", path.expired() ? "yes" : "no");
  (void)path.get();  // any access after the frame reports FA002 in debug builds
}

// RIGHT: frame memory stays between two suspension points; what must survive is a pool box.
Task right(fa::SmartAlloc& alloc) {
  fa::PoolBox<Path> kept = alloc.pool_box<Path>();
  kept->count = 3;
  {
    fa::FrameBox<Path> scratch = alloc.frame_box<Path>();  // used and dropped within this frame
    scratch->count = kept->count * 2;
    kept->count = scratch->count;
  }
  co_await NextFrame{};
  std::printf("right: count after resume = %d\n", kept->count);
}

void run(fa::SmartAlloc& alloc, Task task) {
  for (bool more = true; more;) {
    alloc.begin_frame();
    more = task.step();
    alloc.end_frame();
  }
}

}  // namespace

int main() {
  fa::SmartAlloc alloc(fa::AllocConfig::minimal().with_debug_checks(true));
  auto sink = std::make_shared<fa::CollectingSink>();
  alloc.set_diagnostic_sink(sink);
  run(alloc, right(alloc));
  run(alloc, wrong(alloc));
  std::printf("FA002 reports: %zu\n", sink->count(fa::Code::FA002));
  return sink->count(fa::Code::FA002) == 2 ? 0 : 1;  // used once, destroyed once after its frame
}
