// fa::ThreadHandle: the calling thread's frame and pool fast paths with the per-call thread
// lookup hoisted out. SmartAlloc finds the thread's state on every request (a thread-local
// compare and load); a handle looks it up once, so a loop of requests keeps the state in a
// register. Use a handle only on the thread that created it: instrumented threads (debug
// checks, ASan, Valgrind) always reach the slow path, which reports another thread's use as
// FA201 and serves the request from the calling thread's own state.
#pragma once

#include <cstddef>
#include <source_location>

#include <framealloc/smart_alloc.hpp>

namespace fa {

class ThreadHandle {
 public:
  explicit ThreadHandle(SmartAlloc& alloc) : alloc_(&alloc), ts_(&alloc.local()) {}

  SmartAlloc& allocator() const noexcept { return *alloc_; }

  // Same contracts as the SmartAlloc functions of the same names.
  void* frame_alloc_bytes(std::size_t size, std::size_t align = alignof(std::max_align_t),
                          SrcLoc loc = SrcLoc::current()) {
    void* p;
    if (detail::frame_bump(*ts_, size, align, p)) [[likely]]
      return p;
    return frame_slow(size, align, loc, true);
  }
  void* try_frame_alloc_bytes(std::size_t size, std::size_t align = alignof(std::max_align_t),
                              SrcLoc loc = SrcLoc::current()) {
    void* p;
    if (detail::frame_bump(*ts_, size, align, p)) [[likely]]
      return p;
    return frame_slow(size, align, loc, false);
  }
  void* pool_alloc_bytes(std::size_t size, std::size_t align = alignof(std::max_align_t),
                         SrcLoc loc = SrcLoc::current()) {
    if (size - 1 < alloc_->pool_max_ && align <= 16 && !ts_->pool_checked) [[likely]] {
      if (void* p = detail::pool_pop(*ts_, detail::size_class_of(size))) [[likely]]
        return p;
    }
    return pool_alloc_slow(size, align, loc);
  }
  void pool_free_bytes(void* p) {
    if (alloc_->pool_free_inline(*ts_, p)) [[likely]]
      return;
    pool_free_slow(p);
  }

 private:
  // Out of line so that a loop of requests keeps only the fast path inline.
  [[gnu::noinline]] void* frame_slow(std::size_t size, std::size_t align, SrcLoc loc, bool throwing) {
    check_thread();
    return throwing ? alloc_->frame_alloc_bytes(size, align, loc)
                    : alloc_->try_frame_alloc_bytes(size, align, loc);
  }
  [[gnu::noinline]] void* pool_alloc_slow(std::size_t size, std::size_t align, SrcLoc loc) {
    check_thread();
    return alloc_->pool_alloc_bytes(size, align, loc);
  }
  [[gnu::noinline]] void pool_free_slow(void* p) {
    check_thread();
    alloc_->pool_free_bytes(p);
  }
  // Slow paths only: reports FA201 when the calling thread is not the handle's.
  void check_thread() const {
    if (&alloc_->local() != ts_) [[unlikely]]
      alloc_->report_foreign_handle();
  }

  SmartAlloc* alloc_;
  detail::ThreadState* ts_;
};

}  // namespace fa
