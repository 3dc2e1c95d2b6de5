// fa::ThreadHandle: the calling thread's frame and pool fast paths with the per-call thread
// lookup hoisted out. SmartAlloc finds the thread's state on every request (a thread-local
// compare and load); a handle looks it up once, so a loop of requests keeps the state in a
// register (also its allocator's pool constants; the slow paths are static so that a handle
// held in a local variable never has its address taken). Use a handle only on the thread that created it:
// instrumented threads (debug checks, ASan, Valgrind) always reach the slow path, which reports another
// thread's use as FA201 and serves the request from the calling thread's own state.
#pragma once

#include <cstddef>
#include <source_location>

#include <framealloc/smart_alloc.hpp>

namespace fa {

class ThreadHandle {
 public:
  explicit ThreadHandle(SmartAlloc& alloc)
      : alloc_(&alloc), ts_(&alloc.local()), cursor_(&ts_->frame.hot()), region_(alloc.pool_region_) {}

  SmartAlloc& allocator() const noexcept { return *alloc_; }

  // Same contracts as the SmartAlloc functions of the same names.
  void* frame_alloc_bytes(std::size_t size, std::size_t align = alignof(std::max_align_t),
                          SrcLoc loc = SrcLoc::current()) {
    return frame_request(size, align, loc, true);
  }
  void* try_frame_alloc_bytes(std::size_t size, std::size_t align = alignof(std::max_align_t),
                              SrcLoc loc = SrcLoc::current()) {
    return frame_request(size, align, loc, false);
  }
  void* pool_alloc_bytes(std::size_t size, std::size_t align = alignof(std::max_align_t),
                         SrcLoc loc = SrcLoc::current()) {
    if (size - 1 < ts_->pool.fast_max && align <= 16) [[likely]] {
      if (void* p = detail::pool_pop(ts_->pool, detail::size_class_of(size))) [[likely]]
        return p;
    }
    return pool_alloc_slow(alloc_, ts_, size, align, loc);
  }
  void pool_free_bytes(void* p) {
    if (detail::pool_free_inline(region_, ts_->pool_fast_key, p)) [[likely]]
      return;
    pool_free_slow(alloc_, ts_, p);
  }

 private:
  void* frame_request(std::size_t size, std::size_t align, SrcLoc loc, bool throwing) {
    void* p;
    if (detail::frame_bump(*cursor_, size, align, p)) [[likely]]
      return p;
    return frame_slow(alloc_, ts_, size, align, loc, throwing);
  }
  // Out of line, and static: they never see the handle's address, so a handle that is a local
  // variable stays in registers for a whole loop of requests (no reload after each store).
  [[gnu::noinline]] static void* frame_slow(SmartAlloc* alloc, detail::ThreadState* ts, std::size_t size,
                                            std::size_t align, SrcLoc loc, bool throwing) {
    check_thread(alloc, ts);
    return throwing ? alloc->frame_alloc_bytes(size, align, loc)
                    : alloc->try_frame_alloc_bytes(size, align, loc);
  }
  [[gnu::noinline]] static void* pool_alloc_slow(SmartAlloc* alloc, detail::ThreadState* ts, std::size_t size,
                                                 std::size_t align, SrcLoc loc) {
    check_thread(alloc, ts);
    return alloc->pool_alloc_bytes(size, align, loc);
  }
  [[gnu::noinline]] static void pool_free_slow(SmartAlloc* alloc, detail::ThreadState* ts, void* p) {
    check_thread(alloc, ts);
    alloc->pool_free_bytes(p);
  }
  // Slow paths only: reports FA201 when the calling thread is not the handle's.
  static void check_thread(SmartAlloc* alloc, const detail::ThreadState* ts) {
    if (&alloc->local() != ts) [[unlikely]]
      alloc->report_foreign_handle();
  }

  // A copy of the allocator's pool region, so that a loop keeps it in registers too.
  SmartAlloc* alloc_;
  detail::ThreadState* ts_;
  detail::FrameCursor* cursor_;  // fixed for the pair's life (see FrameCursor)
  detail::PoolRegion region_;
};

}  // namespace fa
